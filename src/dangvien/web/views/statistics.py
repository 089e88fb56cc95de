"""Statistics at any date: members by every dimension, joined and left by reason, the
funnel, classes, units without admission, quality ratings; every table in one Excel."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_export
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.replica import reads_replica
from dangvien.members.selectors import org_children
from dangvien.ratings.selectors import RatingSummary, rating_summary
from dangvien.reports.excel import Table, write_tables
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_report
from dangvien.reports.selectors import member_counts
from dangvien.reports.statistics import (
    ClassLine,
    Flows,
    Funnel,
    IdleUnit,
    classes_held,
    funnel,
    member_flows,
    units_without_admission,
)
from dangvien.web import charts
from dangvien.web.context import acting_user, request_scope
from dangvien.web.fragments import kept_html
from dangvien.web.views.cases import _org_from_request
from dangvien.web.views.progress import XLSX


def _dates(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date, dt.date, int, str]:
    """As-of (?ngay), period (?tu, ?den: default the year so far), N years (?nam-khong)."""
    error = ""
    try:
        as_of = parse_user_date(request.GET.get("ngay")) or today
        start = parse_user_date(request.GET.get("tu")) or dt.date(as_of.year, 1, 1)
        end = parse_user_date(request.GET.get("den")) or as_of
    except DateError as exc:
        error = str(exc)
        as_of, start, end = today, dt.date(today.year, 1, 1), today
    if start > end:
        error = _("Ngày bắt đầu phải trước ngày kết thúc: đang hiển thị từ đầu năm")
        start, end = dt.date(end.year, 1, 1), end
    years_text = request.GET.get("nam-khong", "2")
    years = int(years_text) if years_text.isdigit() and 1 <= int(years_text) <= 10 else 2
    return as_of, start, end, years, error


@reads_replica
def statistics_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    as_of, start, end, years, error = _dates(request, today)
    rating_year = as_of.year - 1  # a year is rated at its end: the last complete one

    def compute():  # type: ignore[no-untyped-def]
        children = org_children(scope, org)
        return (
            member_counts(scope, org, as_of),
            member_flows(scope, org, start, end),
            funnel(scope, org, start, end),
            classes_held(scope, org, start, end),
            units_without_admission(scope, org, as_of, years),
            rating_summary(scope, org, rating_year, children),
        )

    # Kept until the data change: a province's figures are half a second of work.
    version = data_version()
    key = (as_of, start, end, years)
    counts, flows, fun, classes, (idle, idle_total), ratings = kept_report(
        "statistics", scope, org, key, compute, version=version
    )
    sections = [
        (_("Trạng thái"), counts.by_status),
        (_("Loại tổ chức"), counts.by_cell_kind),
        (_("Loại hình"), counts.by_sector),
        (_("Giới tính"), counts.by_sex),
        (_("Độ tuổi"), counts.by_age_band),
        (_("Dân tộc"), counts.by_ethnicity),
        (_("Trình độ học vấn"), counts.by_education),
    ]
    if request.GET.get("xuat") == "xlsx":
        audit_export(
            actor=acting_user(request), what="statistics", rows=counts.total, fmt="xlsx", org=org.code
        )
        return _excel(
            org.name, as_of, start, end, years, counts.total, sections, flows, fun, classes, idle, ratings
        )
    dates = {"as_of": as_of, "start": start, "end": end, "years": years}

    def part() -> dict[str, object]:
        return {
            "org": org,
            **dates,
            "counts": counts,
            "sections": sections,
            "flows": flows,
            "funnel": fun,
            **_charts(fun, ratings),
            "classes": classes,
            "idle": idle,
            "idle_total": idle_total,
            "ratings": ratings,
        }

    return render(
        request,
        "web/reports/statistics.html",
        {
            "nav": "statistics",
            "org": org,
            "roots": scope.roots,
            **dates,
            "error": error,
            # Every table and picture, drawn once per kept report (web/fragments.py).
            "report_html": kept_html(
                "statistics", scope, org, key, "web/reports/_statistics_report.html", part, version=version
            ),
        },
    )


def _charts(fun: Funnel, ratings: RatingSummary) -> dict[str, str]:
    """The page's pictures, drawn once per kept report."""
    return {
        "funnel_chart": charts.funnel_chart(
            [(_(s.label), s.count) for s in fun.stages], title=_("Từ quần chúng đến đảng viên chính thức")
        ),
        "rating_chart": charts.share_bar(
            [(label, n) for _k, label, n in ratings.members.rows()], title=_("Xếp loại đảng viên")
        )
        if ratings.members.total
        else "",
        "org_rating_chart": charts.share_bar(
            [(label, n) for _k, label, n in ratings.orgs.rows()], title=_("Xếp loại tổ chức")
        )
        if ratings.orgs.total
        else "",
    }


def _excel(
    name: str,
    as_of: dt.date,
    start: dt.date,
    end: dt.date,
    years: int,
    total: int,
    sections: list[tuple[str, dict[str, int]]],
    flows: Flows,
    fun: Funnel,
    classes: list[ClassLine],
    idle: list[IdleUnit],
    ratings: RatingSummary,
) -> HttpResponse:
    on = f"{as_of:%d/%m/%Y}"
    span = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    tables = [
        Table(
            f"Đảng viên đến ngày {on} — {name}",
            ["Nhóm", "Chỉ tiêu thống kê", "Số đảng viên", "Tỷ lệ (%)"],
            [
                [title, label, n, round(100 * n / total, 2) if total else None]
                for title, d in sections
                for label, n in d.items()
            ],
            frozenset({3}),
            "Đảng viên",
        ),
        Table(
            f"Tăng, giảm đảng viên từ {span} — {name}",
            ["", "Lý do", "Số đảng viên"],
            [["Tăng", k, n] for k, n in flows.joined.items()]
            + [["Giảm", k, n] for k, n in flows.left.items()],
            sheet="Tăng giảm",
        ),
        Table(
            f"Nguồn kết nạp từ {span} — {name}",
            ["Bước", "Số người", "Tỷ lệ so với bước trước (%)", "Trung vị số ngày", "Tính từ"],
            [
                [
                    s.label,
                    s.count,
                    round(100 * s.rate, 2) if s.rate is not None else None,
                    s.median_days,
                    s.median_of,
                ]
                for s in fun.stages
            ],
            frozenset({2}),
            "Nguồn kết nạp",
        ),
        Table(
            f"Lớp bồi dưỡng từ {span} — {name}",
            ["Loại lớp", "Số lớp", "Số học viên", "Đạt"],
            [[c.label, c.classes, c.attendees, c.passed] for c in classes],
            sheet="Lớp học",
        ),
        Table(
            f"Chi bộ {years} năm chưa kết nạp đảng viên, đến ngày {on} — {name}",
            ["Mã", "Chi bộ", "Trực thuộc", "Lần kết nạp gần nhất"],
            [
                [u.org.code, u.org.name, u.org.parent.name if u.org.parent else "", u.last_admission]
                for u in idle
                if not u.no_source
            ],
            sheet="Chưa kết nạp",
        ),
        Table(
            f"Xếp loại chất lượng năm {ratings.year} — {name}",
            ["Mức", "Đảng viên", "Tổ chức"],
            [[label, n, ratings.orgs.counts.get(k, 0)] for k, label, n in ratings.members.rows()],
            sheet="Xếp loại",
        ),
    ]
    out = io.BytesIO()
    write_tables(out, tables)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{as_of:%Y-%m-%d}.xlsx"'
    return response
