"""The timeliness report: "no case went past its time limit", provable from history."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.replica import reads_replica
from dangvien.reports.kept import kept_report
from dangvien.reports.timeliness import timeliness
from dangvien.web.context import request_scope
from dangvien.web.views.cases import _org_from_request


def _period(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """A year (?nam=2026) or any period (?tu=01/01/2021&den=31/12/2025, a term)."""
    error = ""
    try:
        start = parse_user_date(request.GET.get("tu"))
        end = parse_user_date(request.GET.get("den"))
    except DateError as exc:
        start = end = None
        error = str(exc)
    if start and end and start <= end:
        return start, end, error
    if start and end:
        error = "Ngày bắt đầu phải trước ngày kết thúc"
    year = request.GET.get("nam", "")
    y = int(year) if year.isdigit() and 2000 <= int(year) <= today.year + 1 else today.year
    return dt.date(y, 1, 1), dt.date(y, 12, 31), error


@reads_replica
def timeliness_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    start, end, error = _period(request, today)
    # Kept until the data change, as the other reports of a province.
    report = kept_report(
        "timeliness",
        scope,
        org,
        (start, end, today),
        lambda: timeliness(scope, org=org, start=start, end=end, today=today),
    )
    return render(
        request,
        "web/reports/timeliness.html",
        {
            "nav": "timeliness",
            "org": org,
            "t": report,
            "error": error,
            "roots": scope.roots,
            "years": list(range(today.year, today.year - 6, -1)),
            "today": today,
        },
    )
