"""The refusals of reports by code (core/errors.py): the Vietnamese sentence of each, with
its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "reports",
    {
        "pdf_unavailable": _(
            "Máy chủ chưa cài Chromium nên chưa tạo được PDF. Hãy dùng nút “In” của trình duyệt "
            "trên trang báo cáo; quản trị hệ thống cài gói chromium để có PDF."
        ),
    },
)
