"""The refusals of rules's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "rules",
    {
        "admin_only": _("Chỉ quản trị viên được thay đổi quy định và lịch làm việc"),
        "already_revoked": _("Điều chỉnh này đã được hủy trước đó"),
        "calendar_reason_missing": _("Ghi lý do (ví dụ số văn bản hoán đổi ngày làm việc)"),
        "no_such_calendar_day": _("Ngày {date:%d/%m/%Y} không có trong danh sách điều chỉnh"),
        "no_such_parameter": _("Không có tham số “{key}”"),
        "not_a_province": _("“{province.name}” không phải đảng bộ tỉnh"),
        "override_reason_missing": _("Ghi lý do hoặc căn cứ (số văn bản) của điều chỉnh"),
    },
)
