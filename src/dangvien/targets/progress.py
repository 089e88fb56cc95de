"""Progress against targets: admissions counted by admission-decision date, over a
subtree as it stood on the as-of date, in a constant number of queries.

Where an admission is counted: in the cell the person was admitted in (the cell of the
"admitted" member event), wherever the member went afterwards — a transfer does not carry
the admission away. The cell itself is placed where it stood on the as-of date: a cell
moved to another committee takes its admissions along, and a cell merged into another
hands them to the cell it was merged into, so a merged committee's total is the sum of
what its parts admitted, and a report as of a date before the merge still gives the
figures of that date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangvien.accounts.scope import Scope
from dangvien.core.dates import add_months
from dangvien.members.models import EventKind, MemberEvent
from dangvien.orgs.models import PATH_STEP, Organization, OrgVersion, Reorganization, ReorgKind
from dangvien.orgs.selectors import org_path_on
from dangvien.reports.figures import UNIT_LEN
from dangvien.targets.admissions import (
    ADMITTED,
    FEMALE,
    MINORITY,
    RELIGIOUS,
    YOUNG,
    Tally,
    admissions,
    kept_by_cell,
    tally,
)
from dangvien.targets.groups import GROUPS, Group
from dangvien.targets.periods import Bounds, period_bounds
from dangvien.targets.selectors import target_groups, targets_in_effect


def percent(admitted: int, target: int | None) -> Decimal | None:
    """100·admitted/target, half-up to two decimals; None without a target (or a target of 0)."""
    if target is None or target == 0:
        return None
    return (Decimal(admitted) * 100 / Decimal(target)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(slots=True)  # a country's report makes 100,000 rows: slots make them cheaper
class GroupFigure:
    target: int | None = None
    admitted: int = 0

    @property
    def percent(self) -> Decimal | None:
        return percent(self.admitted, self.target)


@dataclass(slots=True)
class ProgressRow:
    org_id: int
    code: str
    name: str
    kind: str
    parent: str | None
    parent_id: int | None
    path: str
    depth: int
    target: int | None = None
    admitted: int = 0
    groups: dict[str, GroupFigure] = field(default_factory=dict)
    children_target: int | None = None  # the sum of the children's targets, where any is set

    @property
    def percent(self) -> Decimal | None:
        return percent(self.admitted, self.target)

    @property
    def shortfall(self) -> int:
        """How much the children's targets fall short of this one (0 when they cover it)."""
        if self.target is None or self.children_target is None:
            return 0
        return max(0, self.target - self.children_target)

    def as_dict(self) -> dict[str, object]:
        def num(p: Decimal | None) -> float | None:
            return float(p) if p is not None else None

        return {
            "code": self.code or None,  # None: the whole tree's row
            "name": self.name,
            "parent": self.parent,
            "target": self.target,
            "admitted": self.admitted,
            "percent": num(self.percent),
            "groups": {
                k: {"target": g.target, "admitted": g.admitted, "percent": num(g.percent)}
                for k, g in self.groups.items()
            },
        }


@dataclass
class ProgressReport:
    org: str | None  # None: the whole tree (every province)
    period: Bounds
    as_of: dt.date
    rows: list[ProgressRow]
    # How the admissions were placed (the tree on as_of, the merges, the cells asked for),
    # kept so that the month-by-month line reuses it instead of reading it again.
    placement: _Placement | None = field(default=None, repr=False, compare=False)

    @property
    def top(self) -> ProgressRow | None:
        return self.rows[0] if self.rows else None

    def children_of(self, row: ProgressRow) -> list[ProgressRow]:
        return [r for r in self.rows if r.parent_id == row.org_id]

    def as_dict(self) -> dict[str, object]:
        return {
            "org": self.org,
            "period": self.period.code,
            "as_of": self.as_of.isoformat(),
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass
class _Placement:
    placed: _Placed
    merged: dict[int, int]
    root_path: str
    cells: Q
    end: dt.date


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


@dataclass
class _Placed:
    """Where each organization stands on the as-of date."""

    rows: list[ProgressRow]
    by_path: dict[str, ProgressRow]
    path_of: dict[int, str]  # every organization ever under the root (its path on as-of, or last)
    sector_of: dict[int, list[tuple[dt.date, dt.date | None, str]]]
    ever_under: QuerySet[OrgVersion, Any]  # their ids, as a subquery


WHOLE = gettext_noop("Toàn hệ thống")


def _place(
    scope: Scope, root: Organization | None, root_path: str, as_of: dt.date, max_depth: int | None = None
) -> _Placed:
    ever_under = OrgVersion.objects.filter(path__startswith=root_path, valid_from__lte=as_of).values(
        "organization_id"
    )
    # Every version up to as_of of every organization that was ever under the root: one
    # that has since moved out stands where it is on as_of, outside.
    # (The whole tree: every organization, without asking which were ever under it.)
    versions_q = OrgVersion.objects.filter(valid_from__lte=as_of)
    if root_path:
        versions_q = versions_q.filter(organization_id__in=ever_under)
    versions = list(
        versions_q.filter(scope.org_filter("organization"))
        .order_by("organization_id", "valid_from", "id")
        .values_list(
            "organization_id",
            "organization__code",
            "name",
            "kind",
            "parent_id",
            "path",
            "sector",
            "valid_from",
            "valid_to",
            "parent__code",
        )
    )
    current: dict[int, tuple] = {}
    last: dict[int, str] = {}
    sectors: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for v in versions:
        org_id, _code, _name, _kind, _parent, path, sector, start, end, _parent_code = v
        sectors[org_id].append((start, end, sector))
        last[org_id] = path
        if end is None or end > as_of:
            current[org_id] = v
    current = {k: v for k, v in current.items() if v[5].startswith(root_path)}
    # Only the rows asked for are made (the country's page: 35 of 103,000).
    root_depth = root_path.count(".")
    rows = [
        ProgressRow(
            org_id=org_id,
            code=code,
            name=name,
            kind=kind,
            parent=parent_code,
            parent_id=parent_id,
            path=path,
            depth=path.count(".") - root_depth,
        )
        for org_id, code, name, kind, parent_id, path, _s, _f, _t, parent_code in current.values()
        if max_depth is None or path.count(".") - root_depth <= max_depth
    ]
    if root is None:  # the whole tree: one row above the provinces, theirs as children
        for r in rows:
            if r.parent_id is None:
                r.parent_id = 0
        rows.append(
            ProgressRow(
                org_id=0, code="", name=str(_(WHOLE)), kind="", parent=None, parent_id=None, path="", depth=0
            )
        )
    root_id = root.pk if root is not None else 0
    rows.sort(key=lambda r: (r.org_id != root_id, r.path))
    path_of = dict(last)
    path_of.update({org_id: v[5] for org_id, v in current.items()})
    return _Placed(rows, {r.path: r for r in rows}, path_of, sectors, ever_under)


def _merged_into(as_of: dt.date, codes_to_ids: dict[str, int]) -> dict[int, int]:
    """Organization id → the id it was merged into, for merges effective by as_of."""
    result: dict[int, int] = {}
    merges = list(
        Reorganization.objects.filter(kind=ReorgKind.MERGE, effective_on__lte=as_of)
        .order_by("effective_on", "id")
        .values_list("details", flat=True)
    )
    codes = {c for d in merges for c in [*d.get("sources", []), d.get("target", "")] if c}
    missing = codes - set(codes_to_ids)
    if missing:
        codes_to_ids = codes_to_ids | dict(
            Organization.objects.filter(code__in=missing).values_list("code", "pk")
        )
    for d in merges:
        target = codes_to_ids.get(d.get("target", ""))
        for s in d.get("sources", []):
            if s in codes_to_ids and target is not None:
                result[codes_to_ids[s]] = target
    return result


def _placed_path(cell_id: int, placed: _Placed, merged: dict[int, int], root_path: str) -> str | None:
    """Where the cell an admission was made in stands on as_of, following merges (a chain,
    never a cycle); None when that is not under the root."""
    target, seen = cell_id, 0
    while target in merged and seen < 20:
        target, seen = merged[target], seen + 1
    path = placed.path_of.get(target)
    return path if path is not None and path.startswith(root_path) else None


def _sector_on(spans: list[tuple[dt.date, dt.date | None, str]], day: dt.date) -> str:
    for start, end, sector in spans:
        if start <= day and (end is None or end > day):
            return sector
    return spans[-1][2] if spans else ""


def progress_report(
    scope: Scope,
    *,
    org: Organization | None,
    period: str,
    as_of: dt.date,
    groups: list[str] | None = None,
    max_depth: int | None = None,
    kept: bool = True,
) -> ProgressReport:
    """The progress of org's subtree: one row per organization (org first), each with its
    target in effect on as_of and its admissions in the period up to as_of.

    `groups` limits the groups reported; by default, every group that has a target for the
    period anywhere in the subtree. `max_depth` keeps only the rows that many levels below
    org (1: org and its children), counting the whole subtree all the same. A constant
    number of queries whatever the size of the tree (eight reading the admissions kept
    per unit, thirteen when it counts and stores them: tests/test_targets.py). org None
    is the whole tree (the country, every province under one row), for an administrator
    or the command line. `kept` False
    counts every admission afresh instead of using the figures kept ahead of time (the
    tests compare the two)."""
    bounds = period_bounds(period)
    report = ProgressReport(org=org.code if org else None, period=bounds, as_of=as_of, rows=[])
    if org is None:
        if not scope.is_admin:
            return report
        root_path = ""
    else:
        path_then = org_path_on(org, as_of)
        if path_then is None or not scope.can_read(org):
            return report
        root_path = path_then
    placed = _place(scope, org, root_path, as_of, max_depth)
    report.rows = placed.rows
    if max_depth is None:
        values = targets_in_effect(placed.ever_under if root_path else None, bounds.code, as_of)
        wanted = sorted({g for (_o, g) in values if g}) if groups is None else groups
    else:
        # Only the rows' targets and their children's (for the sum against each row's):
        # the country's page reads 3,400 organizations' targets, not 103,000.
        limit = len(root_path) + PATH_STEP * (max_depth + 1)
        shown = (
            OrgVersion.objects.filter(path__startswith=root_path, valid_from__lte=as_of)
            .annotate(n=Length("path"))
            .filter(n__lte=limit)
            .values("organization_id")
        )
        values = targets_in_effect(shown, bounds.code, as_of)
        wanted = (
            groups
            if groups is not None
            else target_groups(placed.ever_under if root_path else None, bounds.code, as_of)
        )
    group_defs: list[Group] = [g for g in GROUPS if g.key in wanted]
    by_id = {r.org_id: r for r in placed.rows}
    for r in placed.rows:
        r.target = values.get((r.org_id, ""))
        r.groups = {g.key: GroupFigure(target=values.get((r.org_id, g.key))) for g in group_defs}
    for r in placed.rows:
        parent = by_id.get(r.parent_id) if r.parent_id is not None else None
        if parent is not None and r.target is not None and r.org_id != placed.rows[0].org_id:
            parent.children_target = (parent.children_target or 0) + r.target

    end = min(bounds.end, as_of)
    if end < bounds.start:
        return report
    code_to_id = {r.code: r.org_id for r in placed.rows}
    merged = _merged_into(as_of, code_to_id)
    # Cells merged into a cell of this subtree from outside it bring their admissions.
    outside_sources = [s for s, t in merged.items() if t in placed.path_of and s not in placed.path_of]
    # EXISTS, not IN: with an IN list SQLite reads every event of every cell through the
    # cell index; EXISTS lets both databases range-scan the admissions by date (5× faster).
    cells_q = (
        Q(
            Exists(
                OrgVersion.objects.filter(
                    organization_id=OuterRef("cell_id"), path__startswith=root_path, valid_from__lte=as_of
                )
            )
        )
        if root_path
        else Q()  # the whole tree: every cell
    )
    if outside_sources:
        cells_q |= Q(cell_id__in=outside_sources)
    report.placement = _Placement(placed, merged, root_path, cells_q, end)
    kinds = {g.kind for g in group_defs}
    # A cell that changed sector is read admission date by admission date (rare): its
    # admissions count for doanh nghiệp only on the days it was one.
    changed = (
        {oid for oid, spans in placed.sector_of.items() if len({s for _a, _b, s in spans}) > 1}
        if "sector" in kinds
        else set()
    )
    counted: dict[tuple[int, Any], Tally]
    if kept and len(root_path) <= UNIT_LEN:
        # A unit, a province or the country: each unit's admissions per cell, kept ahead
        # of time (targets/admissions.py), for the cells this report counts — those that
        # were under the root by as_of; the cells merged in from outside are counted here.
        counted = {
            (c, None): t
            for c, t in kept_by_cell(root_path, bounds.start, end).items()
            if c in placed.path_of and c not in changed
        }
        if outside_sources:
            counted.update(tally(admissions(bounds.start, end).filter(cell_id__in=outside_sources)))
    else:
        counted = tally(admissions(bounds.start, end).filter(cells_q).exclude(cell_id__in=changed))
    if changed:
        counted.update(tally(admissions(bounds.start, end).filter(cells_q, cell_id__in=changed), by_day=True))
    # Summed first where each cell stands on as_of, then once per row into the row above.
    width = 1 + len(group_defs)
    # Where each group's figure is in a tally; None: a sector, judged by the cell's sector.
    picks = [None if g.kind == "sector" else _TALLY_INDEX[g.kind] for g in group_defs]
    by_path = placed.by_path
    above: dict[str, str | None] = {}

    def row_at(path: str) -> str | None:
        """The path of the nearest row at or above `path` (rows stop at max_depth), known
        once per parent (a commune's cells share it)."""
        if path in by_path:
            return path
        if len(path) <= len(root_path):
            return None
        parent = path[:-PATH_STEP]
        if parent not in above:
            above[parent] = row_at(parent)
        return above[parent]

    totals: dict[str, list[int]] = {}
    for (cell_id, on), t in counted.items():
        path = _placed_path(cell_id, placed, merged, root_path)
        at = row_at(path) if path is not None else None
        if at is None:
            continue
        acc = totals.get(at)
        if acc is None:
            acc = totals[at] = [0] * width
        acc[0] += t[ADMITTED]
        sector: str | None = None
        for j, pick in enumerate(picks, 1):
            if pick is not None:
                acc[j] += t[pick]
                continue
            if sector is None:
                spans = placed.sector_of.get(cell_id, [])
                sector = _sector_on(spans, on) if on is not None else (spans[-1][2] if spans else "")
            if sector == group_defs[j - 1].sector:
                acc[j] += t[ADMITTED]
    # The rows are in path order (the root first), so in reverse every row comes after all
    # the rows below it: its total is complete when it is added to the row above.
    for row in reversed(placed.rows):
        total = totals.get(row.path)
        if total is None:
            continue
        row.admitted = total[0]
        for j, g in enumerate(group_defs, 1):
            row.groups[g.key].admitted = total[j]
        if len(row.path) > len(root_path):
            up = row_at(row.path[:-PATH_STEP])
            if up is not None:
                _add_into(totals, up, total)
    return report


_TALLY_INDEX = {"female": FEMALE, "young": YOUNG, "minority": MINORITY, "religious": RELIGIOUS}


def _add_into(totals: dict[str, list[int]], path: str, figures: list[int]) -> None:
    total = totals.get(path)
    if total is None:
        totals[path] = list(figures)
    else:
        for j, n in enumerate(figures):
            total[j] += n


def admissions_by_month(report: ProgressReport) -> list[tuple[dt.date, int]]:
    """Cumulative admissions of the report's subtree at the end of each month of its period
    up to its as-of day (the line of the progress chart), placed as the report placed them:
    one more query."""
    from django.db.models.functions import TruncMonth

    p = report.placement
    if p is None:
        return []
    bounds, end, placed, merged, root_path = report.period, p.end, p.placed, p.merged, p.root_path
    per_month: dict[dt.date, int] = defaultdict(int)
    for cell_id, month, n in (
        MemberEvent.objects.filter(kind=EventKind.ADMITTED, on__gte=bounds.start, on__lte=end)
        .filter(p.cells)
        .annotate(month=TruncMonth("on"))
        .values_list("cell_id", "month")
        .annotate(n=Count("*"))
        .order_by()
    ):
        if _placed_path(cell_id, placed, merged, root_path) is not None:
            m = month.date() if isinstance(month, dt.datetime) else month
            per_month[m] += n
    points, total = [], 0
    d = dt.date(bounds.start.year, bounds.start.month, 1)
    while d <= end:
        total += per_month.get(d, 0)
        nxt = add_months(d, 1)
        points.append((min(nxt - dt.timedelta(days=1), end), total))
        d = nxt
    return points
