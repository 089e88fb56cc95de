from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "dangvien.watch"
    label = "watch"
    verbose_name = "Theo dõi thời hạn"
    default_auto_field = "django.db.models.BigAutoField"
