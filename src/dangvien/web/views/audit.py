from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dangvien.accounts.audit import audit_verify
from dangvien.accounts.models import AuditEntry
from dangvien.web.audit_text import audit_lines
from dangvien.web.context import request_scope


def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not request_scope(request).is_admin:
        raise Http404
    qs = AuditEntry.objects.all()
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    page = Paginator(qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    lines = audit_lines(page.object_list)
    verify = audit_verify() if request.GET.get("verify") else None
    return render(
        request,
        "web/audit/log.html",
        {"nav": "audit", "page": page, "lines": lines, "action": action, "actor": actor, "verify": verify},
    )
