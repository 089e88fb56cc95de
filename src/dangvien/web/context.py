from __future__ import annotations

from django.http import HttpRequest

from dangvien.accounts.models import User
from dangvien.orgs.scope import Scope, scope_for
from dangvien.watch.selectors import unread_count


def request_scope(request: HttpRequest) -> Scope:
    """One Scope per request, shared by the view and its templates."""
    cached = getattr(request, "_dangvien_scope", None)
    if cached is None:
        cached = scope_for(request.user)
        request._dangvien_scope = cached  # type: ignore[attr-defined]
    return cached


def scope(request: HttpRequest) -> dict[str, object]:
    return {"scope": request_scope(request), "bell": _bell(request)}


def _bell(request: HttpRequest) -> int:

    user = getattr(request, "user", None)
    return unread_count(user) if isinstance(user, User) and user.is_authenticated else 0


def acting_user(request: HttpRequest) -> User:
    """The signed-in user; LoginRequiredMiddleware has turned everyone else away."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("not signed in")
    return user
