"""A request caught by a database switch (the primary went away, the standby is being
promoted, a connection still open to a server that now only reads): a page saying to try
again in a few seconds, status 503 with Retry-After, never a traceback. The connection
that failed is dropped by Django at the end of the request (it is marked unusable), and
the next request connects to whichever server accepts writes (the multi-host URL)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

log = logging.getLogger("dangvien.unavailable")
RETRY_AFTER = 5  # seconds


def is_database_switch(exc: BaseException | None) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # "cannot execute INSERT in a read-only transaction": a server demoted under us.
    return isinstance(exc, InternalError) and "read-only transaction" in str(exc)


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _(
        "Hệ thống đang chuyển sang máy chủ dữ liệu dự phòng. Việc vừa làm có thể chưa được lưu: "
        "đợi vài giây rồi thử lại (tải lại trang hoặc bấm lại nút)."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string("503.html", {"message": message}, request=None)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_switch(exception):
            log.warning(
                "database unavailable during %s %s: %s",
                request.method,
                request.path,
                type(exception).__name__,
            )
            return unavailable(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error raised outside a view (a middleware loading the session or the
    user) during a switch is the same "try again" page."""
    if is_database_switch(sys.exc_info()[1]):
        return unavailable(request)
    return django_server_error(request)
