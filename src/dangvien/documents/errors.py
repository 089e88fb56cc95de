"""The refusals of documents's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "documents",
    {
        "form_needs_case": _("Mẫu {form.code} thuộc hồ sơ kết nạp"),
        "form_needs_recognition": _(
            "Mẫu {form.code} thuộc hồ sơ công nhận chính thức: đảng viên này chưa có hồ sơ đó"
        ),
        "no_such_form": _("Không có mẫu “{v1}”"),
        "no_such_template": _("Không có mẫu này"),
        "province_missing": _("Chọn một đảng bộ tỉnh (cấp cao nhất của cây)"),
        "template_fails": _("Mẫu không điền được: {v1}"),
        "template_no_body": _("Tệp không phải văn bản Word (.docx): không có phần nội dung"),
        "template_not_docx": _(
            "Tệp không phải văn bản Word (.docx): hãy lưu mẫu dưới dạng .docx rồi tải lên"
        ),
        "template_race": _("Một mẫu khác vừa được tải lên cùng lúc. Hãy tải lại trang."),
        "template_syntax": _("Mẫu có trường viết sai, ví dụ thiếu dấu đóng }}}}: {v1}"),
        "template_too_large": _("Tệp mẫu quá lớn (tối đa 5 MB)"),
        "template_refused": _(
            "Mẫu giấy tờ đang dùng có lệnh không được phép nên không in được. "
            "Quản trị viên hãy tải lên mẫu khác hoặc dùng lại mẫu mặc định. {detail}"
        ),
        "template_refused_upload": _("{detail}"),
        "unknown_fields": _(
            "Mẫu dùng trường không có trong hệ thống: {fields}. Xem danh sách trường bên dưới."
        ),
        "pdf_unavailable": _(
            "Máy chủ chưa cài LibreOffice nên chưa tạo được PDF; hãy tải bản Word (DOCX). "
            "Quản trị hệ thống cài gói libreoffice-writer-nogui để có PDF."
        ),
    },
)
