from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Reachable without signing in: the sign-in page itself, static files, the API (which has
# its own token auth) and the health probe.
_OPEN_PREFIXES = ("/dang-nhap/", "/static/", "/api/", "/healthz", "/i18n/")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user: party records are confidential by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            return redirect("/dang-nhap/")
        return self.get_response(request)
