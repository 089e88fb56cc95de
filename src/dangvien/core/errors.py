from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the change. `message` is Vietnamese, for the user; `field` names
    the form field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleError(ServiceError):
    """Someone else changed the record since the form was opened (two tabs, a double click)."""

    def __init__(self) -> None:
        super().__init__("Bản ghi vừa được người khác thay đổi. Hãy tải lại trang rồi làm lại.")
