from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dangvien.jobs"
    label = "jobs"
    verbose_name = "Việc chạy nền"
    default_auto_field = "django.db.models.BigAutoField"
