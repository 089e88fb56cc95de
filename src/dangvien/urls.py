from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (a load balancer's liveness check); the database is not asked."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve writes: the database answers and is not a standby (after a failover,
    an app server still pointed at a demoted server says so here, 503)."""
    try:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_is_in_recovery()")
                if cur.fetchone()[0]:
                    return HttpResponse("read-only", status=503, content_type="text/plain")
            else:
                cur.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dangvien.api.urls")),
    path("healthz", healthz),
    path("readyz", readyz),
    path("", include("dangvien.web.urls")),
]

handler500 = "dangvien.web.unavailable.server_error"
