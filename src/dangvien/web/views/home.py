from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangvien.orgs.selectors import org_children
from dangvien.reports.selectors import member_counts
from dangvien.watch.selectors import WatchLine, watch_list
from dangvien.web.context import request_scope


def home(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    today = timezone.localdate()
    blocks = []
    for root in scope.roots[:5]:
        counts = member_counts(scope, root, today)
        children = org_children(scope, root)
        blocks.append(
            {
                "org": root,
                "counts": counts,
                "children": children,
                "max_children": max((getattr(c, "member_count", 0) for c in children), default=0),
            }
        )
    watch: list[WatchLine] = []
    watch_total = 0
    if scope.roots:
        watch, watch_total = watch_list(scope, org=scope.roots[0], today=today)
    return render(
        request,
        "web/home.html",
        {"nav": "home", "blocks": blocks, "today": today, "watch": watch, "watch_total": watch_total},
    )
