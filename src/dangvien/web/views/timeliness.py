"""The timeliness report: "no case went past its time limit", provable from history."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.replica import reads_replica
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_report
from dangvien.reports.timeliness import timeliness
from dangvien.web.context import request_scope
from dangvien.web.fragments import kept_html
from dangvien.web.views.cases import _org_from_request

# A province's year holds hundreds of late steps (659 in the province demo): the page lists
# the worst LATE_SHOWN of each kind, and each kind's whole list is a page of its own, read
# LATE_PER_PAGE at a time (drawing all 659 rows was 80 ms at every visit).
LATE_SHOWN = 50
LATE_PER_PAGE = 100


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


def _period_query(request: HttpRequest, start: dt.date, end: dt.date) -> str:
    """The page's own query string, for the links between the report and a whole list."""
    org = request.GET.get("to-chuc", "")
    params = {"to-chuc": org} if org else {}
    if request.GET.get("tu") and request.GET.get("den"):
        params |= {"tu": start.strftime("%d/%m/%Y"), "den": end.strftime("%d/%m/%Y")}
    else:
        params["nam"] = str(start.year)
    return urlencode(params)


@reads_replica
def timeliness_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    start, end, error = _period(request, today)
    # Kept until the data change, as the other reports of a province.
    version = data_version()  # read once: the report and its drawing are kept under it
    report = kept_report(
        "timeliness",
        scope,
        org,
        (start, end, today),
        lambda: timeliness(scope, org=org, start=start, end=end, today=today),
        version=version,
    )
    shown = next((s for s in report.shares if s.kind == request.GET.get("muon") and s.late), None)
    period_query = _period_query(request, start, end)
    part = {"t": report, "org": org, "today": today, "late_shown": LATE_SHOWN, "period_query": period_query}
    return render(
        request,
        "web/reports/timeliness.html",
        {
            "nav": "timeliness",
            **part,
            # One kind's whole list of late steps, a page at a time (?muon=<kind>&trang=<n>).
            "shown": shown,
            "late_page": Paginator(shown.late, LATE_PER_PAGE).get_page(request.GET.get("trang"))
            if shown is not None
            else None,
            # The report itself, drawn once per kept report (web/fragments.py).
            "report_html": kept_html(
                "timeliness",
                scope,
                org,
                (start, end, today, LATE_SHOWN, period_query),
                "web/reports/_timeliness_report.html",
                lambda: part,
                version=version,
            )
            if shown is None
            else "",
            "error": error,
            "roots": scope.roots,
            "years": list(range(today.year, today.year - 6, -1)),
        },
    )
