from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "dangvien.committees"
    label = "committees"
    verbose_name = "Cấp ủy và chi bộ"
    default_auto_field = "django.db.models.BigAutoField"
