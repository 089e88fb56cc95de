"""The refusals of web's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "web",
    {
        "card_not_here": _("Có số thẻ không thuộc đảng viên đang sinh hoạt ở tổ chức này"),
        "effective_missing": _("Chưa nhập ngày hiệu lực"),
        "mentor_missing": _("Chọn đảng viên giúp đỡ"),
        "no_such_attendee": _("Không có học viên này trong lớp"),
        "no_such_cell": _("Không có chi bộ mã này: kiểm tra lại mã"),
        "no_such_introducer": _("Không có người giới thiệu này trong hồ sơ"),
        "no_such_org_in_scope": _("Không có tổ chức mã “{v1}” trong phạm vi của bạn"),
        "no_such_verification": _("Không có người thẩm tra này trong hồ sơ"),
        "split_line_invalid": _("Mỗi dòng cần: mã; tên; số thẻ đảng viên"),
        "no_such_orgs": _("Không có tổ chức mã {codes}"),
        "score_not_number": _("Điểm “{s}” không phải một số từ 0 đến 100"),
    },
)
