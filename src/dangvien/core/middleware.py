from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_lazy

from dangvien.core import replica


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise (the language switch sets a cookie).

    Deliberately ignores the browser's Accept-Language: office PCs often run an English
    Windows, and the users still work in Vietnamese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: a worker thread's next request (or test) starts from the
        # default again, never in the language a previous user chose.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# C0 control characters but tab, LF and CR, and DEL: never part of a name, a date or a code.
# PostgreSQL cannot store NUL in text at all (the request used to end in a 500).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters written as JSON escapes in an API body.
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
BAD_BYTES = gettext_lazy(
    "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL), thường do dán từ một tệp "
    "khác. Hãy xóa ký tự đó rồi gửi lại."
)


class RefuseControlCharactersMiddleware:
    """Refuse, with one clear message and before any view runs, a request whose path, query
    parameters, form fields or JSON body carry control characters. Nothing is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._bad(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(BAD_BYTES)}, status=400)
            page = (
                '<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title}</title>'
                '<p>{text}</p><p><a href="/">{home}</a></p></html>'
            )
            return HttpResponseBadRequest(
                page.format(
                    lang=get_language() or "vi",
                    title=gettext("Dữ liệu không hợp lệ"),
                    text=BAD_BYTES,
                    home=gettext("Về trang chủ"),
                ).encode(),
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _bad(request: HttpRequest) -> bool:
        if _CONTROL.search(request.path_info):
            return True
        for key, values in request.GET.lists():
            if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
                return True
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    post = request.POST
                except Exception:  # a malformed body: Django's own handling answers it later
                    return False
                for key, values in post.lists():
                    if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
                        return True
            elif content_type == "application/json":
                body = request.body
                if _JSON_CONTROL.search(body) or re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", body):
                    return True
        return False


class PermissionsPolicyMiddleware:
    """No page of ours uses the camera, microphone, location, payment or USB: say so, so
    that an injected frame or script cannot ask for them."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, renewing an idle session's time at most once a minute instead of at every
    request. The idle limit (SESSION_COOKIE_AGE, DANGVIEN_SESSION_IDLE_MINUTES) counts from
    the session's last save; saving it at every page was an UPDATE and a commit (a WAL
    flush) per request, under load one more writer per click (issue 22). With the renewal
    at most RENEW_SECONDS apart, an idle session ends between 29 and 30 minutes after the
    last click instead of at 30.

    A response marked `session_untouched` (the job page polling its progress every second)
    does not renew it at all: polling is not the user's activity (an open tab must not keep
    an idle session alive for ever), and on SQLite the save would wait for the write lock a
    running import holds."""

    RENEW_KEY = "_renewed"
    RENEW_SECONDS = 60

    @staticmethod
    def now() -> int:
        """The clock, in whole seconds; its own method so that a test can hold it still (a
        page crossing a second's boundary would otherwise move a 59-second case to 60)."""
        return int(time.time())

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return response
        if getattr(response, "session_untouched", False) and not session.modified:
            return response
        # A signed-in user's session is renewed when its last renewal is a minute old
        # (Django then saves it). A visitor's is never renewed: it holds nothing the idle
        # limit protects, and a cookie of a session already gone would be stored anew.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = self.now()
            last = session.get(self.RENEW_KEY)
            if not isinstance(last, int) or not 0 <= now - last < self.RENEW_SECONDS:
                session[self.RENEW_KEY] = now
        return super().process_response(request, response)


class ReplicaPinMiddleware:
    """After a signed-in user's unsafe request (a form sent, a step saved), their reads stay
    on the primary for a while: they see what they wrote even when the replica lags."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and replica.replica_configured():
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                replica.pin_to_primary(user.pk)
        return response


class ServerTimingMiddleware:
    """With DANGVIEN_SERVER_TIMING=1 (the load benchmark), each response says what it cost
    the server: `Server-Timing: app;dur=<wall ms>, cpu;dur=<this process's CPU ms>,
    db;dur=<ms in SQL>;desc="<queries>"`. Off by default: it times every query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.SERVER_TIMING

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        import time

        from django.db import connections

        spent = [0.0, 0]

        def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - start
                spent[1] += 1

        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(timed))
            response = self.get_response(request)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db = f'db;dur={spent[0] * 1000:.1f};desc="{spent[1]}"'
        response["Server-Timing"] = f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}, {db}"
        return response
