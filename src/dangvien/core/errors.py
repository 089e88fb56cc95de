"""The errors the domain raises: what the web, the API and the command line turn into a page,
a status or an exit code. No HTTP here: selectors say NotFound, the web answers 404."""

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


class NotFound(LookupError):
    """Not there, or not within the user's scope: the same answer on purpose, so that a
    stranger learns nothing of what exists outside their part of the tree. The web answers
    404 (web/middleware.py), the API 404, the command line an error."""
