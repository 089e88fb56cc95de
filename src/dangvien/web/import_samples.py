"""A blank workbook to fill, one per import kind (issue 23): the first sheet holds the
header row the import expects (a * marks a required column; the import ignores it) with
every column stored as text, so that Excel keeps a CCCD's or a card's leading zero and a
date as typed; a second sheet explains each column with an example. Nothing in it is data:
a file uploaded as downloaded is refused for having no rows."""

from __future__ import annotations

import io

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dangvien.core.spreadsheet import Column

# What a clerk writes in a column, keyed by the column's internal name.
# Values as a file holds them stay as they are (a file is read in Vietnamese whatever the
# reader's language); the explanations are translated.
EXAMPLES: dict[str, str | Promise] = {
    "full_name": "Nguyễn Thị Hằng",
    "birth_date": gettext_lazy("12/03/1990 (ngày/tháng/năm)"),
    "sex": gettext_lazy("Nam hoặc Nữ"),
    "cccd": gettext_lazy("001190012345 (12 chữ số, bắt đầu bằng 0)"),
    "card_number": gettext_lazy("số trên thẻ đảng viên, như 12345678"),
    "card": gettext_lazy("số trên thẻ đảng viên, như 12345678"),
    "cell": gettext_lazy("mã chi bộ như trên trang Tổ chức đảng"),
    "org": gettext_lazy("mã tổ chức như trên trang Tổ chức đảng"),
    "code": gettext_lazy("mã mới, như XA-C3 (chữ, số, gạch ngang)"),
    "parent": gettext_lazy("mã tổ chức cấp trên"),
    "name": "Chi bộ Thôn 3",
    "kind": gettext_lazy("xem các giá trị ghi ở trang Nhập dữ liệu"),
    "sector": gettext_lazy("để trống, hoặc loại hình (nông thôn, doanh nghiệp…)"),
    "admission_date": "02/03/2015",
    "official_date": gettext_lazy("02/03/2016; để trống nếu còn dự bị"),
    "status": gettext_lazy("để trống (đang sinh hoạt), miễn sinh hoạt, tạm miễn sinh hoạt"),
    "status_since": gettext_lazy("ngày bắt đầu miễn sinh hoạt, nếu có"),
    "ethnicity": "Kinh",
    "religion": "Không",
    "education": "12/12",
    "profession": "Nông dân",
    "residence_detail": "Thôn 3",
    "listed_on": "15/01/2026",
    "certificate_date": gettext_lazy("20/05/2026; để trống nếu chưa học"),
    "mentor": gettext_lazy("số thẻ hoặc họ tên đảng viên chính thức của chi bộ"),
    "source": gettext_lazy("đoàn viên, hội viên…"),
    "period": gettext_lazy("2025-2030 hoặc 2026"),
    "group": gettext_lazy("để trống (tổng số), nữ, dưới 30 tuổi…"),
    "value": "12",
    "effective_on": "01/01/2026",
    "note": gettext_lazy("tùy ý"),
    "year": "2025",
    "level": gettext_lazy("Hoàn thành xuất sắc / tốt / hoàn thành / không hoàn thành nhiệm vụ"),
    "score": gettext_lazy("để trống, hoặc điểm 0–100"),
    "office": gettext_lazy("Bí thư, Phó Bí thư, Ủy viên Ban Thường vụ, Cấp ủy viên"),
    "valid_from": "01/10/2025",
    "valid_to": gettext_lazy("để trống nếu đang giữ"),
    "founded_on": "03/02/1990",
    "on": "12/03/2024",
    "decision_ref": gettext_lazy("số quyết định, như 12-QĐ/ĐU"),
    "covered": "150",
}


def sample_workbook(columns: list[Column], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Dữ liệu")
    ws.append([c.header + ("*" if c.required else "") for c in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9E7")
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if c.required:
            cell.fill = fill
        # Text, not General: Excel keeps 0012… and 03/02/1990 as typed.
        ws.column_dimensions[letter].number_format = "@"
        ws.column_dimensions[letter].width = max(14, len(c.header) + 4)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(_("Hướng dẫn"))
    guide.append([title])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(
        [
            _(
                "Điền từ dòng 2 của trang “Dữ liệu”, mỗi người hoặc mỗi việc một dòng; giữ nguyên dòng "
                "tiêu đề. "
                "Cột có dấu * là bắt buộc. Ngày viết ngày/tháng/năm. Tệp có lỗi ở bất kỳ dòng nào thì không "
                "dòng nào được nhập, và trang kiểm tra nói rõ từng lỗi."
            )
        ]
    )
    guide["A2"].alignment = Alignment(wrap_text=True)
    guide.append([])
    guide.append([_("Cột"), _("Bắt buộc"), _("Ví dụ, cách ghi")])
    for cell in guide[4]:
        cell.font = bold
    for c in columns:
        guide.append([c.header, _("có") if c.required else "", str(EXAMPLES.get(c.key, ""))])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
