"""Build the default DOCX template of every form (`python -m dangvien.documents.build_templates`).

The templates are committed; this script is how they were made, so a change to the
layout is a change here, reviewed like code. Each template is an ordinary Word document
with Jinja fields ({{ person.full_name }}); an administrator may replace it with one
edited in Word or LibreOffice.

Layout of Vietnamese party papers: A4, margins 20 mm top and bottom, 30 mm left, 15 mm
right; Times New Roman 14 pt; the issuing organization at top left with its number,
"ĐẢNG CỘNG SẢN VIỆT NAM" at top right with the place and date line; the title centered
in bold capitals; the body; the signature block at the right."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dangvien.documents.forms import BY_CODE

OUT = Path(__file__).resolve().parent / "templates"
FONT = "Times New Roman"

# Body blocks: ("p", text) a paragraph; ("line", label, field) "label: value";
# ("blank", n) n dotted lines to fill by hand; ("sign", role) the signature block.
BODIES: dict[str, list[tuple[str, ...]]] = {
    "CN-NTVĐ": [
        ("p", "{{ issuer.name }} chứng nhận:"),
        ("line", "Đồng chí", "{{ person.full_name }}"),
        ("line", "Sinh ngày", "{{ person.birth_date }}"),
        ("line", "Quê quán", "{{ person.home_town }}"),
        ("line", "Đơn vị", "{{ cell.name }}"),
        (
            "p",
            "Đã hoàn thành chương trình lớp bồi dưỡng nhận thức về Đảng {{ certificate.class_name }}, "
            "từ ngày {{ certificate.starts_on }} đến ngày {{ certificate.ends_on }}.",
        ),
        ("line", "Số giấy chứng nhận", "{{ certificate.number }}"),
        ("sign", "issuer"),
    ],
    "1-KNĐ": [
        ("p", "Kính gửi: Chi bộ {{ cell.short_name }}, {{ base.name }}"),
        ("line", "Tôi là", "{{ person.full_name }}"),
        ("line", "Sinh ngày", "{{ person.birth_date }}"),
        ("line", "Quê quán", "{{ person.home_town }}"),
        ("line", "Nơi ở hiện nay", "{{ person.residence }}"),
        ("line", "Nghề nghiệp", "{{ person.profession }}"),
        ("line", "Trình độ học vấn", "{{ person.education }}"),
        (
            "p",
            "Sau khi được học tập, nghiên cứu Điều lệ Đảng, Cương lĩnh chính trị của Đảng, tôi xin "
            "trình bày với Chi bộ những nhận thức của tôi về Đảng và nguyện vọng xin vào Đảng "
            "(người xin vào Đảng tự viết):",
        ),
        ("blank", "8"),
        ("sign", "person"),
    ],
    "2-KNĐ": [
        ("p", "I. SƠ LƯỢC LÝ LỊCH"),
        ("line", "Họ và tên đang dùng", "{{ person.full_name }}"),
        ("line", "Giới tính", "{{ person.sex }}"),
        ("line", "Sinh ngày", "{{ person.birth_date }}"),
        ("line", "Số CCCD", "{{ person.cccd }}"),
        ("line", "Quê quán", "{{ person.home_town }}"),
        ("line", "Nơi ở hiện nay", "{{ person.residence }}"),
        ("line", "Dân tộc", "{{ person.ethnicity }}"),
        ("line", "Tôn giáo", "{{ person.religion }}"),
        ("line", "Nghề nghiệp", "{{ person.profession }}"),
        ("line", "Trình độ học vấn", "{{ person.education }}"),
        (
            "p",
            "II. LỊCH SỬ BẢN THÂN, NHỮNG CÔNG TÁC VÀ CHỨC VỤ ĐÃ QUA, HOÀN CẢNH GIA ĐÌNH (người xin vào Đảng tự khai)",
        ),
        ("blank", "10"),
        ("sign", "person"),
    ],
    "3-KNĐ": [
        ("line", "Tôi là", "{{ introducer.full_name }}"),
        ("line", "Vào Đảng ngày", "{{ introducer.admission_date }}"),
        ("line", "Chính thức ngày", "{{ introducer.official_date }}"),
        ("line", "Đang sinh hoạt tại", "{{ introducer.cell }}"),
        ("line", "Giới thiệu người vào Đảng", "{{ person.full_name }}, sinh ngày {{ person.birth_date }}"),
        ("line", "Thời gian cùng công tác, sinh hoạt", "{{ introducer.months_together }} tháng"),
        ("p", "Qua thời gian cùng công tác, sinh hoạt, tôi nhận xét về người vào Đảng như sau:"),
        ("blank", "6"),
        ("p", "Tôi xin chịu trách nhiệm trước Đảng về sự giới thiệu của mình."),
        ("sign", "person"),
    ],
    "4-KNĐ": [
        (
            "p",
            "Ban Chấp hành {{ union.name }} đã họp ngày {{ union.held_on }} xét đề nghị giới thiệu đoàn viên ưu tú vào Đảng.",
        ),
        ("line", "Đoàn viên được giới thiệu", "{{ person.full_name }}, sinh ngày {{ person.birth_date }}"),
        ("line", "Số ủy viên Ban Chấp hành", "{{ union.members }}"),
        ("line", "Số có mặt", "{{ union.present }}"),
        ("line", "Số tán thành", "{{ union.yes }}"),
        ("p", "Nhận xét ưu điểm, khuyết điểm:"),
        ("blank", "5"),
        (
            "p",
            "Ban Chấp hành giới thiệu đoàn viên {{ person.full_name }} để Chi bộ {{ cell.short_name }} xem xét, kết nạp vào Đảng.",
        ),
        ("sign", "union"),
    ],
    "5-KNĐ": [
        ("line", "Người xin vào Đảng", "{{ person.full_name }}, sinh ngày {{ person.birth_date }}"),
        ("line", "Chi bộ", "{{ cell.name }}"),
        ("p", "1. Ý kiến nhận xét của các đoàn thể chính trị - xã hội nơi làm việc:"),
        ("blank", "4"),
        ("p", "2. Ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú:"),
        ("blank", "4"),
        ("sign", "cell"),
    ],
    "6-KNĐ": [
        (
            "p",
            "Ngày {{ vote.held_on }}, Chi bộ {{ cell.short_name }} họp xét đề nghị kết nạp quần chúng "
            "{{ person.full_name }} vào Đảng.",
        ),
        ("line", "Tổng số đảng viên của chi bộ", "{{ vote.registry_total }}"),
        ("line", "Số đảng viên được triệu tập", "{{ vote.summoned }}"),
        ("line", "Số có mặt", "{{ vote.present }}"),
        ("line", "Tổng số đảng viên được tính", "{{ vote.denominator }}"),
        (
            "line",
            "Số tán thành kết nạp",
            "{{ vote.yes }} đồng chí, đạt {{ vote.yes_percent }} so với tổng số được tính",
        ),
        ("line", "Số không tán thành", "{{ vote.no }} đồng chí"),
        (
            "p",
            "Chi bộ đề nghị {{ base.name }} xét, ra quyết định kết nạp quần chúng {{ person.full_name }} vào Đảng Cộng sản Việt Nam.",
        ),
        ("line", "Số nghị quyết / biên bản", "{{ vote.doc_ref }}"),
        ("sign", "cell"),
    ],
    "7-KNĐ": [
        ("line", "Người xin vào Đảng", "{{ person.full_name }}, sinh ngày {{ person.birth_date }}"),
        ("line", "Chi bộ đề nghị", "{{ cell.name }}, nghị quyết ngày {{ case.cell_resolution_on }}"),
        ("p", "Kết quả thẩm định về điều kiện, tiêu chuẩn và hồ sơ:"),
        ("blank", "6"),
        ("sign", "section"),
    ],
    "8-KNĐ": [
        (
            "p",
            "Ngày {{ committee.held_on }}, {{ base.name }} họp xét đề nghị của Chi bộ {{ cell.short_name }} "
            "về việc kết nạp quần chúng {{ person.full_name }} vào Đảng.",
        ),
        ("line", "Tổng số ủy viên", "{{ committee.members }}"),
        ("line", "Số có mặt", "{{ committee.present }}"),
        ("line", "Số tán thành", "{{ committee.yes }} đồng chí, đạt {{ committee.yes_percent }}"),
        ("line", "Số không tán thành", "{{ committee.no }} đồng chí"),
        (
            "p",
            "Đề nghị cấp ủy có thẩm quyền xem xét, quyết định kết nạp quần chúng {{ person.full_name }} vào Đảng.",
        ),
        ("sign", "base"),
    ],
    "9-KNĐ": [
        (
            "p",
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; xét đề nghị của Chi bộ {{ cell.short_name }} "
            "(nghị quyết ngày {{ case.cell_resolution_on }}) và {{ base.name }},",
        ),
        ("p", "QUYẾT ĐỊNH"),
        (
            "p",
            "Điều 1. Kết nạp quần chúng {{ person.full_name }}, sinh ngày {{ person.birth_date }}, "
            "quê quán {{ person.home_town }}, vào Đảng Cộng sản Việt Nam.",
        ),
        (
            "p",
            "Điều 2. Chi bộ {{ cell.short_name }} tổ chức lễ kết nạp trong thời hạn 30 ngày làm việc kể từ ngày nhận quyết định; "
            "thời gian dự bị 12 tháng kể từ ngày lễ kết nạp.",
        ),
        ("p", "Điều 3. Chi bộ {{ cell.short_name }} và đồng chí có tên tại Điều 1 thi hành quyết định này."),
        ("line", "Số quyết định", "{{ decision.ref }}"),
        ("sign", "competent"),
    ],
    "10-KNĐ": [
        ("line", "Họ và tên", "{{ person.full_name }}"),
        ("line", "Ngày vào Đảng", "{{ member.admission_date }}; lễ kết nạp ngày {{ member.ceremony_on }}"),
        ("line", "Sinh hoạt tại", "{{ cell.name }}"),
        ("p", "Tự kiểm điểm trong thời gian dự bị (người viết tự ghi):"),
        ("p", "1. Ưu điểm:"),
        ("blank", "4"),
        ("p", "2. Khuyết điểm:"),
        ("blank", "3"),
        ("p", "3. Phương hướng phấn đấu:"),
        ("blank", "3"),
        ("sign", "person"),
    ],
    "11-KNĐ": [
        ("line", "Tôi là", "{{ mentor.full_name }}, đảng viên chính thức của {{ cell.name }}"),
        (
            "line",
            "Được phân công giúp đỡ đảng viên dự bị",
            "{{ person.full_name }} từ ngày {{ mentor.since }}",
        ),
        ("p", "Nhận xét về đảng viên dự bị trong thời gian dự bị:"),
        ("blank", "6"),
        ("p", "Đề nghị Chi bộ xét, công nhận đảng viên chính thức cho đồng chí {{ person.full_name }}."),
        ("sign", "person"),
    ],
    "12-KNĐ": [
        ("line", "Đảng viên dự bị", "{{ person.full_name }}, lễ kết nạp ngày {{ member.ceremony_on }}"),
        ("line", "Chi bộ", "{{ cell.name }}"),
        ("p", "1. Ý kiến nhận xét của các đoàn thể chính trị - xã hội nơi làm việc:"),
        ("blank", "4"),
        ("p", "2. Ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú:"),
        ("blank", "4"),
        ("sign", "cell"),
    ],
    "13-KNĐ": [
        (
            "p",
            "Ngày {{ vote.held_on }}, Chi bộ {{ cell.short_name }} họp xét đề nghị công nhận đảng viên chính thức "
            "cho đồng chí {{ person.full_name }}, đảng viên dự bị từ ngày {{ member.ceremony_on }}, "
            "hết thời gian dự bị ngày {{ recognition.ends_on }}.",
        ),
        ("line", "Tổng số đảng viên được tính", "{{ vote.denominator }}"),
        ("line", "Số tán thành công nhận chính thức", "{{ vote.yes }} đồng chí, đạt {{ vote.yes_percent }}"),
        ("line", "Số tán thành xóa tên", "{{ vote.no }} đồng chí"),
        (
            "p",
            "Chi bộ đề nghị cấp ủy có thẩm quyền xét, quyết định công nhận đồng chí {{ person.full_name }} là đảng viên chính thức.",
        ),
        ("line", "Số nghị quyết / biên bản", "{{ vote.doc_ref }}"),
        ("sign", "cell"),
    ],
    "14-KNĐ": [
        (
            "line",
            "Đảng viên dự bị",
            "{{ person.full_name }}, hết thời gian dự bị ngày {{ recognition.ends_on }}",
        ),
        ("line", "Chi bộ đề nghị", "{{ cell.name }}, nghị quyết ngày {{ recognition.cell_resolution_on }}"),
        ("p", "Kết quả thẩm định:"),
        ("blank", "6"),
        ("sign", "section"),
    ],
    "15-KNĐ": [
        (
            "p",
            "Ngày {{ committee.held_on }}, {{ base.name }} họp xét đề nghị của Chi bộ {{ cell.short_name }} "
            "về việc công nhận đảng viên chính thức cho đồng chí {{ person.full_name }}.",
        ),
        ("line", "Tổng số ủy viên", "{{ committee.members }}"),
        ("line", "Số tán thành", "{{ committee.yes }} đồng chí, đạt {{ committee.yes_percent }}"),
        ("p", "Đề nghị cấp ủy có thẩm quyền xem xét, quyết định."),
        ("sign", "base"),
    ],
    "16-KNĐ": [
        (
            "p",
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; xét đề nghị của Chi bộ {{ cell.short_name }} "
            "(nghị quyết ngày {{ recognition.cell_resolution_on }}),",
        ),
        ("p", "QUYẾT ĐỊNH"),
        (
            "p",
            "Điều 1. Công nhận đồng chí {{ person.full_name }}, sinh ngày {{ person.birth_date }}, "
            "là đảng viên chính thức kể từ ngày {{ recognition.ends_on }}.",
        ),
        ("p", "Điều 2. Chi bộ {{ cell.short_name }} và đồng chí có tên tại Điều 1 thi hành quyết định này."),
        ("line", "Số quyết định", "{{ decision.ref }}"),
        ("sign", "competent"),
    ],
}

SIGNERS = {
    "person": ("NGƯỜI VIẾT", "(Ký, ghi rõ họ tên)"),
    "cell": ("T/M CHI BỘ\n{{ signer_title }}", "(Ký, ghi rõ họ tên)"),
    "section": ("T/M ĐẢNG ỦY BỘ PHẬN\n{{ signer_title }}", "(Ký, ghi rõ họ tên)"),
    "base": ("T/M ĐẢNG ỦY\n{{ signer_title }}", "(Ký tên, đóng dấu)"),
    "competent": ("T/M BAN THƯỜNG VỤ\n{{ signer_title }}", "(Ký tên, đóng dấu)"),
    "union": ("T/M BAN CHẤP HÀNH", "(Ký tên, đóng dấu)"),
    "issuer": ("T/M BAN THƯỜNG VỤ", "(Ký tên, đóng dấu)"),
    "class": ("T/M BAN THƯỜNG VỤ", "(Ký tên, đóng dấu)"),
}


def _font(run, size: int = 14, bold: bool = False, italic: bool = False, underline: bool = False):  # type: ignore[no-untyped-def]
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    return run


def _para(  # type: ignore[no-untyped-def]
    container,
    text: str,
    *,
    align=None,
    size: int = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    space_after: int = 4,
):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    for i, line in enumerate(text.split("\n")):
        if i:
            p.add_run().add_break()
        _font(p.add_run(line), size, bold, italic, underline)
    return p


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def build(code: str) -> DocxDocument:
    form = BY_CODE[code]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if form.issuer == "person":
        _para(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, size=15, bold=True, underline=True)
        _para(doc, "{{ place }}, {{ date_words }}", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
    else:
        table = doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        left, right = table.rows[0].cells
        left.width, right.width = Mm(75), Mm(90)
        left.paragraphs[0].text = ""
        _font(left.paragraphs[0].add_run("{{ issuer.parent_upper }}"), 13)
        left.paragraphs[0].alignment = center
        _para(left, "{{ issuer.name_upper }}", align=center, size=13, bold=True, space_after=0)
        _para(left, "*", align=center, size=13, space_after=0)
        _para(left, "Số {{ doc_number }}", align=center, size=13)
        right.paragraphs[0].alignment = center
        _font(right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, bold=True, underline=True)
        _para(right, "", align=center, size=8, space_after=0)
        _para(right, "{{ place }}, {{ date_words }}", align=center, italic=True)
    _para(doc, "", size=8)
    _para(doc, form.title, align=center, size=15, bold=True, space_after=10)
    for block in BODIES[code]:
        kind = block[0]
        if kind == "p" and block[1] == "QUYẾT ĐỊNH":
            _para(doc, block[1], align=center, bold=True)
        elif kind == "p":
            _para(doc, block[1], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif kind == "line":
            p = doc.add_paragraph()
            p.paragraph_format.space_after = Pt(4)
            _font(p.add_run(f"{block[1]}: "))
            _font(p.add_run(block[2]), bold=True)
        elif kind == "blank":
            for _ in range(int(block[1])):
                _para(doc, "." * 110, size=12, space_after=2)
        elif kind == "sign":
            title, hint = SIGNERS[block[1]]
            table = doc.add_table(rows=1, cols=2)
            _no_borders(table)
            right = table.rows[0].cells[1]
            right.paragraphs[0].alignment = center
            for i, line in enumerate(title.split("\n")):
                if i:
                    right.paragraphs[0].add_run().add_break()
                _font(right.paragraphs[0].add_run(line), bold=True)
            _para(right, hint, align=center, italic=True, size=12)
            _para(right, "\n\n", align=center)
            _para(right, "{{ signer }}", align=center, bold=True)
    return doc


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for code in BODIES:
        path = OUT / f"{BY_CODE[code].file}.docx"
        build(code).save(str(path))
        print(path.name)


if __name__ == "__main__":
    main()
