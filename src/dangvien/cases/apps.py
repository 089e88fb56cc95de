from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dangvien.cases"
    label = "cases"
    verbose_name = "Hồ sơ kết nạp"
    default_auto_field = "django.db.models.BigAutoField"
