from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangvien.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.members import listeners  # noqa: F401 - registers what this package reacts to
