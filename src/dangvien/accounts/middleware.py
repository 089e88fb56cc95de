from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from dangvien.accounts.models import User
from dangvien.accounts.second_factor import second_factor_required

# Reachable without signing in: the sign-in page itself, static files, the API (which has
# its own token auth) and the health probe.
_OPEN_PREFIXES = ("/dang-nhap/", "/static/", "/api/", "/healthz", "/readyz", "/i18n/")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user: party records are confidential by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            return redirect("/dang-nhap/")
        return self.get_response(request)


# Reachable while the second factor or a new password is still owed.
_PENDING_OPEN = ("/tai-khoan/", "/dang-xuat/", "/static/", "/i18n/", "/api/", "/healthz", "/readyz")


class SecondFactorMiddleware:
    """A signed-in user who owes a second factor (accounts.second_factor) or a new password
    (reset by an administrator) reaches nothing else until it is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_PENDING_OPEN):
            assert isinstance(user, User)
            if _owes_second_factor(request, user):
                return redirect("web:second_factor")
            if user.must_change_password:
                return redirect("web:password_change")
        return self.get_response(request)


SESSION_KEY = "dangvien_2fa"


def remember_second_factor_need(request: HttpRequest, user: User) -> None:
    """At sign-in: whether this account owes a second factor, kept in its session."""
    request.session[SESSION_KEY] = [user.pk, second_factor_required(user)]


def _owes_second_factor(request: HttpRequest, user: User) -> bool:
    """Whether this account must give a second factor is worked out once per session (three
    queries) and kept in it, keyed by the user: pages then cost nothing more, except one
    query to confirm the verified device for those who need it."""
    kept = request.session.get(SESSION_KEY)
    if not (isinstance(kept, list) and len(kept) == 2 and kept[0] == user.pk):
        remember_second_factor_need(request, user)
        kept = request.session[SESSION_KEY]
    return bool(kept[1]) and not user.is_verified()  # type: ignore[attr-defined]
