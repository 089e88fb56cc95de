"""The refusals of the committees' services by code (core/errors.py): the Vietnamese
sentence of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "committees",
    {
        "not_a_cell": _("“{cell.name}” không phải chi bộ: cấp ủy viên được phân công phụ trách chi bộ"),
        "cell_not_under": _("{cell.name} không trực thuộc {committee.name}"),
        "not_on_committee": _(
            "Ngày {on:%d/%m/%Y} đồng chí {name} không phải cấp ủy viên của {committee.name}: "
            "ghi chức vụ ở mục “Cấp ủy” của tổ chức trước"
        ),
        "ends_before_start": _("Ngày kết thúc phải sau ngày bắt đầu"),
        "already_assigned": _("Đồng chí {name} đã được phân công phụ trách {cell.name} trong thời gian đó"),
        "already_ended": _("Phân công này đã kết thúc ngày {a.valid_to:%d/%m/%Y}"),
        "covered_invalid": _("Đối tượng khảo sát không hợp lệ"),
        "covered_negative": _("Số người phải là số nguyên không âm"),
        "reason_missing": _("Ghi lý do (ví dụ: mọi cán bộ, công chức của cơ quan đã là đảng viên)"),
        "no_source_open": _("{org.name} đã được ghi “hết nguồn” từ {since:%d/%m/%Y}"),
        "no_source_not_open": _("{org.name} không có ghi “hết nguồn” đang hiệu lực"),
        "meeting_kind_invalid": _("Loại buổi sinh hoạt không hợp lệ"),
        "not_in_cell_that_day": _(
            "Danh sách có người không sinh hoạt ở chi bộ ngày {held_on:%d/%m/%Y}: mở lại trang để lấy danh sách đúng ngày"
        ),
        "presence_invalid": _("Tình trạng có mặt không hợp lệ"),
        "meeting_exists": _("Chi bộ đã có buổi sinh hoạt ngày {held_on:%d/%m/%Y}"),
        "candidate_other_cell": _("Quần chúng này không thuộc chi bộ của buổi sinh hoạt"),
        "meeting_other_cell": _("Buổi sinh hoạt không phải của chi bộ này"),
    },
)
