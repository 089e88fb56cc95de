from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "jobs",
    {
        "not_found": _("Không có việc này, hoặc việc này không phải của bạn."),
        "already_followed": _("Tệp này đã được nhập rồi (hoặc đang nhập): không nhập lần thứ hai."),
        "check_failed": _("Tệp chưa qua kiểm tra nên không nhập được. Hãy sửa lỗi và tải lên lại."),
        "nothing_to_print": _("Không có số liệu của tổ chức và kỳ này để in."),
        "file_gone": _("Không còn tệp đã tải lên (quá hạn hoặc đã nhập). Hãy tải lên lại."),
    },
)
