from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dangvien.cases"
    label = "cases"
    verbose_name = "Hồ sơ kết nạp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.cases import listeners  # noqa: F401 - registers what this package reacts to
