"""The refusals of accounts's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "accounts",
    {
        "admin_only_assign": _("Chỉ quản trị hệ thống được phân quyền"),
        "admin_only_create": _("Chỉ quản trị hệ thống được tạo tài khoản"),
        "admin_only_reset": _("Chỉ quản trị hệ thống được đặt lại mật khẩu"),
        "password_unchanged": _("Mật khẩu mới phải khác mật khẩu cũ"),
        "password_wrong": _("Mật khẩu hiện tại không đúng"),
        "role_invalid": _("Vai trò không hợp lệ"),
        "role_needs_organization": _("Chọn tổ chức cho vai trò này"),
        "secretary_needs_cell": _("Bí thư chi bộ phải gắn với một chi bộ"),
        "username_invalid": _("Tên đăng nhập không hợp lệ"),
        "username_taken": _("Tên đăng nhập “{username}” đã có"),
    },
)
