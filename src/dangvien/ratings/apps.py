from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "dangvien.ratings"
    label = "ratings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Đánh giá, xếp loại chất lượng"
