from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "dangvien.candidates"
    label = "candidates"
    verbose_name = "Quần chúng ưu tú"
    default_auto_field = "django.db.models.BigAutoField"
