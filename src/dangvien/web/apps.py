from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "dangvien.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        # The Django admin speaks the same language as the app, in the reader's language.
        admin.site.site_header = _("Quản trị hệ thống phát triển đảng viên")
        admin.site.site_title = _("Quản trị dangvien")
        admin.site.index_title = _("Dữ liệu và tài khoản")
