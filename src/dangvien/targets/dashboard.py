"""What the progress page, the committee's home page and the one-page PDF show, read in a
bounded number of queries: progress of a unit and its children, the forecast of each,
the month-by-month line, the funnel, idle units, rating shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property

from dangvien.committees.sourcing import no_source_cells
from dangvien.members.selectors import org_children
from dangvien.orgs.models import CELL_KINDS, Organization
from dangvien.orgs.scope import Scope
from dangvien.ratings.selectors import RatingSummary, rating_summary
from dangvien.reports.kept import kept_report
from dangvien.reports.selectors import member_counts
from dangvien.reports.statistics import Funnel, IdleUnit, funnel, units_without_admission
from dangvien.targets.forecast import Forecast, PipelineData, forecast_for, load_pipeline
from dangvien.targets.periods import Bounds, period_bounds, periods_around
from dangvien.targets.progress import ProgressReport, ProgressRow, admissions_by_month, progress_report
from dangvien.targets.selectors import TargetLine, target_history


@dataclass
class ProgressView:
    org: Organization
    period: Bounds
    as_of: dt.date
    report: ProgressReport
    top: ProgressRow
    children: list[ProgressRow]
    forecasts: dict[int, Forecast] = field(default_factory=dict)
    months: list[tuple[dt.date, int]] = field(default_factory=list)
    history: list[TargetLine] = field(default_factory=list)

    @cached_property
    def no_source(self) -> dict[int, str]:
        """Units marked as having no source left on as_of: never in the at-risk list
        (issue 21). Read only when some unit is at risk (one query)."""
        return no_source_cells(self.as_of, path=self.org.path)

    @property
    def forecast(self) -> Forecast | None:
        return self.forecasts.get(self.top.org_id)

    @property
    def at_risk(self) -> list[tuple[ProgressRow, Forecast]]:
        risky = [
            (r, self.forecasts[r.org_id])
            for r in self.children
            if r.org_id in self.forecasts and self.forecasts[r.org_id].at_risk
        ]
        return [(r, f) for r, f in risky if r.org_id not in self.no_source] if risky else []


def progress_view(
    scope: Scope,
    org: Organization,
    period: str,
    *,
    as_of: dt.date,
    today: dt.date,
    with_forecast: bool = True,
    pipeline: PipelineData | None = None,
) -> ProgressView | None:
    """None when org did not exist on as_of (or is out of scope). `pipeline`: the dossiers
    and history already read for org (the dashboard shows two periods of one unit)."""
    report = progress_report(scope, org=org, period=period, as_of=as_of, max_depth=1)
    if not report.rows:
        return None
    top, children = report.rows[0], report.rows[1:]
    view = ProgressView(org, report.period, as_of, report, top, children)
    view.months = admissions_by_month(report)
    view.history = target_history(scope, org, report.period.code)
    if with_forecast and report.period.end >= today and as_of >= today:
        data = pipeline or load_pipeline(scope, org, today)
        orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[r.org_id for r in report.rows])}
        for r in report.rows:
            o = orgs.get(r.org_id)
            if o is not None:
                view.forecasts[r.org_id] = forecast_for(
                    data, o, period=report.period, today=today, admitted=r.admitted, target=r.target
                )
    return view


@dataclass
class Dashboard:
    org: Organization
    today: dt.date
    term: ProgressView | None
    year: ProgressView | None
    funnel: Funnel
    idle: list[IdleUnit]
    idle_total: int
    ratings: RatingSummary | None


def committee_dashboard(
    scope: Scope, org: Organization, today: dt.date, *, version: Hashable | None = None
) -> Dashboard | None:
    """The home page of a committee's user; None for a cell (its secretary's home stays the
    list of its members and work). Kept until the data change (core/keep.py): a province's
    takes a second to compute, and its staff open it all morning. A user who sees the whole
    subtree shares it with every such user (the nightly tick computes the provinces')."""
    if org.kind in CELL_KINDS:
        return None
    return kept_report(
        "dashboard", scope, org, (today,), lambda: _dashboard(scope, org, today), version=version
    )


def _dashboard(scope: Scope, org: Organization, today: dt.date) -> Dashboard:
    term_code, year_code = periods_around(today)
    pipeline = load_pipeline(scope, org, today)
    term = progress_view(scope, org, term_code, as_of=today, today=today, pipeline=pipeline)
    year = progress_view(scope, org, year_code, as_of=today, today=today, pipeline=pipeline)
    year_bounds = period_bounds(year_code)
    idle, idle_total = units_without_admission(scope, org, today, 2, limit=8)
    children = list(scope.orgs().filter(parent=org, dissolved_on__isnull=True).order_by("path"))
    ratings = rating_summary(scope, org, today.year - 1, children)
    return Dashboard(
        org=org,
        today=today,
        term=term,
        year=year,
        funnel=funnel(scope, org, year_bounds.start, min(today, year_bounds.end)),
        idle=idle,
        idle_total=idle_total,
        ratings=ratings if ratings.members.total or ratings.orgs.total else None,
    )


def home_block(
    scope: Scope, org: Organization, today: dt.date, *, version: object = None
) -> tuple[object, list[Organization]]:
    """The member counts of `org` and its units with theirs, as the home page shows them:
    kept until the data change (a province's units sum 3,000 cells' tallies, 90 ms)."""
    return kept_report(
        "home-block",
        scope,
        org,
        (today,),
        lambda: (member_counts(scope, org, today), org_children(scope, org)),
        version=version,
    )


def dashboards_warm(today: dt.date) -> int:
    """After the nightly tick: every province's home page computed and kept, so that its
    staff's first visit of the morning reads it (issue 22: ≤ 300 ms then too). The
    communes' are computed at their first visit (a quarter of a second each)."""
    from django.conf import settings
    from django.utils import translation

    scope = Scope(None, system=True)
    provinces = list(Organization.objects.filter(parent__isnull=True, dissolved_on__isnull=True))
    with translation.override(settings.LANGUAGE_CODE):  # the readers' usual language
        for org in provinces:
            committee_dashboard(scope, org, today)
            home_block(scope, org, today)
    return len(provinces)
