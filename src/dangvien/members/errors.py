"""The refusals of members's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "members",
    {
        "already_member_same_cccd": _("{p.full_name} đang là đảng viên (cùng số CCCD)"),
        "already_reported": _("Đã báo cáo ngày {e.reported_on:%d/%m/%Y}"),
        "back_before_exempt": _("Ngày trở lại sinh hoạt không được trước ngày quyết định miễn"),
        "card_invalid": _("Số thẻ đảng viên chỉ gồm chữ số (tối đa 20 ký tự)"),
        "card_taken": _("Số thẻ đảng viên {card} đã có trong danh sách"),
        "cell_dissolved": _("“{cell.name}” đã giải thể hoặc hợp nhất"),
        "committee_size_differs": _(
            "Theo danh sách cấp ủy, ngày {day:%d/%m/%Y} {organization.name} có {size} ủy viên (đang ghi {members}). Sửa số ủy viên, hoặc cập nhật danh sách cấp ủy ở trang tổ chức."
        ),
        "date_in_future": _("Ngày không được sau hôm nay"),
        "decided_before_request": _("Ngày quyết định không được trước ngày làm đơn"),
        "decision_ref_missing": _("Ghi số quyết định của cấp có thẩm quyền"),
        "event_kind_invalid": _("Loại sự kiện không hợp lệ"),
        "event_out_of_order": _(
            "Ngày {on:%d/%m/%Y} trước sự kiện gần nhất ({last:%d/%m/%Y}): các sự kiện phải theo thứ tự thời gian"
        ),
        "exemption_decided": _("Chi bộ đã quyết định đề nghị này. Hãy tải lại trang."),
        "exemption_kind_missing": _("Chọn miễn hoặc tạm miễn sinh hoạt"),
        "exemption_not_allowed": _("Không thể đề nghị “{v1}” cho đảng viên đang ở trạng thái “{v2}”"),
        "exemption_open": _("{m.person.full_name} đang có một đề nghị miễn sinh hoạt chưa kết thúc"),
        "exemption_reason_missing": _("Ghi lý do (tuổi cao, sức khỏe yếu, công việc lưu động...)"),
        "not_a_cell": _("“{cell.name}” không phải chi bộ: đảng viên sinh hoạt ở chi bộ"),
        "not_active": _("{m.person.full_name} không còn sinh hoạt đảng"),
        "not_active_cell": _("“{cell.name}” không phải chi bộ đang hoạt động"),
        "not_exempt": _("Đảng viên không đang được miễn sinh hoạt theo đề nghị này"),
        "office_already_ended": _("Đồng chí {h.full_name} đã thôi chức vụ này từ {h.valid_to:%d/%m/%Y}"),
        "office_ends_before_start": _("Ngày thôi giữ chức vụ phải sau ngày bắt đầu"),
        "official_before_admission": _("Ngày chính thức phải sau ngày vào Đảng"),
        "probationary_exempt": _("Đảng viên dự bị không thể được miễn sinh hoạt"),
        "report_before_decision": _("Chỉ báo cáo cấp trên sau khi chi bộ đã quyết định miễn sinh hoạt"),
        "reported_before_decided": _("Ngày báo cáo không được trước ngày quyết định"),
        "residence_before_current": _("Ngày đăng ký trước lần đăng ký hiện tại"),
        "residence_same_cell": _("Chi bộ nơi cư trú trùng chi bộ sinh hoạt: không cần đăng ký"),
        "resolution_missing": _("Ghi số nghị quyết / quyết định của chi bộ"),
        "same_cell": _("Chọn chi bộ mới khác chi bộ hiện tại"),
        "admitted_in_future": _("Ngày vào Đảng không được sau hôm nay"),
        "admitted_before_party": _("Ngày vào Đảng không được trước ngày thành lập Đảng (03/02/1930)"),
        "admitted_before_birth": _("Ngày vào Đảng phải sau ngày sinh"),
        "official_before_admitted": _("Ngày chính thức không được trước ngày vào Đảng"),
        "official_in_future": _("Ngày chính thức không được sau hôm nay"),
    },
)
