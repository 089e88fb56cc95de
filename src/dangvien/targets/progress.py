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

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangvien.core.dates import add_months
from dangvien.core.memory import collector_paused
from dangvien.members.models import EventKind, MemberEvent
from dangvien.orgs.models import PATH_STEP, Organization, OrgVersion, Reorganization, ReorgKind
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import org_path_on
from dangvien.reports.figures import TREE, UNIT_LEN, read_stamps
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
from dangvien.targets.placement import Placement, placement
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
    counting: _Counting | None = field(default=None, repr=False, compare=False)

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
class _Counting:
    where: dict[int, str]  # cell id → where it stands on as_of, merges followed
    root_path: str
    cells: Q
    end: dt.date


WHOLE = gettext_noop("Toàn hệ thống")


def _rows(placed: Placement, whole: bool) -> list[ProgressRow]:
    """The report's rows, made afresh from the placement (which may be kept and shared)."""
    rows = [ProgressRow(*r) for r in placed.rows]
    if whole:  # the whole tree: one row above the provinces, theirs as children
        for r in rows:
            if r.parent_id is None:
                r.parent_id = 0
        rows.insert(
            0,
            ProgressRow(
                org_id=0, code="", name=str(_(WHOLE)), kind="", parent=None, parent_id=None, path="", depth=0
            ),
        )
    return rows


def _merged_into(as_of: dt.date, rows: list[ProgressRow]) -> dict[int, int]:
    """Organization id → the id it was merged into, for merges effective by as_of."""
    result: dict[int, int] = {}
    merges = list(
        Reorganization.objects.filter(kind=ReorgKind.MERGE, effective_on__lte=as_of)
        .order_by("effective_on", "id")
        .values_list("details", flat=True)
    )
    if not merges:
        return result
    codes_to_ids = {r.code: r.org_id for r in rows}
    codes = {c for d in merges for c in [*d.get("sources", []), d.get("target", "")] if c}
    missing = codes - set(codes_to_ids)
    if missing:
        codes_to_ids |= dict(Organization.objects.filter(code__in=missing).values_list("code", "pk"))
    for d in merges:
        target = codes_to_ids.get(d.get("target", ""))
        for s in d.get("sources", []):
            if s in codes_to_ids and target is not None:
                result[codes_to_ids[s]] = target
    return result


def _sector_on(spans: list[tuple[dt.date, dt.date | None, str]], day: dt.date) -> str:
    for start, end, sector in spans:
        if start <= day and (end is None or end > day):
            return sector
    return spans[-1][2] if spans else ""


@collector_paused()  # a country's report makes 400,000 objects, none in a cycle: core/memory.py
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
    number of queries whatever the size of the tree: six when the tree of the day and the
    units' admissions are kept (targets/placement.py, targets/admissions.py), thirteen
    when it reads the tree and counts and stores the admissions (tests/targets/test_targets.py).
    org None is the whole tree (the country, every province under one row), for an
    administrator or the command line. `kept` False reads the tree and counts every
    admission afresh, keeping nothing (the tests compare the two)."""
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
    # A unit, a province or the country reads its admissions kept ahead of time, and its
    # tree kept under the tree's token: the stamps of both, read before either.
    stamps = read_stamps(root_path) if kept and len(root_path) <= UNIT_LEN else None
    # (No token yet, only before the migration that writes the first: nothing kept.)
    token = stamps.get(TREE) if stamps is not None else None
    placed = placement(scope, root_path, as_of, max_depth, token=token)
    rows = report.rows = _rows(placed, whole=org is None)
    ever_under = OrgVersion.objects.filter(path__startswith=root_path, valid_from__lte=as_of).values(
        "organization_id"
    )
    if max_depth is None:
        values = targets_in_effect(ever_under if root_path else None, bounds.code, as_of)
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
            else target_groups(ever_under if root_path else None, bounds.code, as_of)
        )
    group_defs: list[Group] = [g for g in GROUPS if g.key in wanted]
    by_id = {r.org_id: r for r in rows}
    top = rows[0].org_id if rows else None
    for r in rows:
        r.target = target = values.get((r.org_id, ""))
        if group_defs:
            r.groups = {g.key: GroupFigure(target=values.get((r.org_id, g.key))) for g in group_defs}
        if target is not None and r.org_id != top:
            parent = by_id.get(r.parent_id) if r.parent_id is not None else None
            if parent is not None:
                parent.children_target = (parent.children_target or 0) + target

    end = min(bounds.end, as_of)
    if end < bounds.start:
        return report
    merged = _merged_into(as_of, rows)
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
    where = _where(placed, merged)
    report.counting = _Counting(where, root_path, cells_q, end)
    kinds = {g.kind for g in group_defs}
    # A cell that changed sector is read admission date by admission date (rare): its
    # admissions count for doanh nghiệp only on the days it was one.
    changed = placed.sector_changed() if "sector" in kinds else set()
    # Where the counts come from (kept per unit, or scanned) is decided here; what they
    # mean for the rows is roll_up's rule alone, which reads nothing.
    by_cell, by_day = _admission_counts(
        root_path, bounds.start, end, cells_q, placed, stamps if kept else None, outside_sources, changed
    )
    roll_up(rows, placed, root_path, where, group_defs, by_cell, by_day)
    return report


def _admission_counts(
    root_path: str,
    start: dt.date,
    end: dt.date,
    cells_q: Q,
    placed: Placement,
    stamps: dict[str, int] | None,
    outside_sources: list[int],
    changed: set[int],
) -> tuple[dict[int, Tally], dict[tuple[int, Any], Tally]]:
    """The admissions each cell made from start to end: per cell, and per cell and day
    for the cells whose sector changed. With `stamps` (a unit, a province or the country)
    from the figures kept per unit; otherwise scanned from the events."""
    by_cell: dict[int, Tally]
    if stamps is not None and len(root_path) <= UNIT_LEN:
        # A unit, a province or the country: each unit's admissions per cell, kept ahead
        # of time (targets/admissions.py); only the cells this report places are taken
        # below (those under the root by as_of); the cells merged in from outside are
        # counted here.
        by_cell = kept_by_cell(root_path, start, end, units=placed.units, stamps=stamps)
        if outside_sources:
            by_cell.update(
                (c, t)
                for (c, _d), t in tally(admissions(start, end).filter(cell_id__in=outside_sources)).items()
            )
    else:
        by_cell = {
            c: t
            for (c, _d), t in tally(
                admissions(start, end).filter(cells_q).exclude(cell_id__in=changed)
            ).items()
        }
    by_day: dict[tuple[int, Any], Tally] = {}
    if changed:
        for c in changed:
            by_cell.pop(c, None)
        by_day = tally(admissions(start, end).filter(cells_q, cell_id__in=changed), by_day=True)
    return by_cell, by_day


def _where(placed: Placement, merged: dict[int, int]) -> dict[int, str]:
    """Cell id → the path where the cell stands on as_of, following merges (a chain,
    never a cycle), for the cells whose admissions this report counts (under the root)."""
    if not merged:
        return placed.path_of
    where = dict(placed.path_of)
    for source, into in merged.items():
        if source not in placed.path_of and into not in placed.path_of:
            continue  # neither it nor what it was merged into was ever under the root
        target, seen = source, 0
        while target in merged and seen < 20:
            target, seen = merged[target], seen + 1
        path = placed.path_of.get(target)
        if path is None:
            where.pop(source, None)
        else:
            where[source] = path
    return where


def roll_up(
    rows: list[ProgressRow],
    placed: Placement,
    root_path: str,
    where: dict[int, str],
    group_defs: list[Group],
    by_cell: dict[int, Tally],
    by_day: dict[tuple[int, Any], Tally],
) -> None:
    """The report's rule, a pure function (no query): each cell's admissions into the
    nearest row at or above where it stands, then every row, deepest first, into the row
    above (the report's rows stop at max_depth). Added straight into the rows, which are
    made afresh for each report. The same whether the counts were kept or scanned."""
    if not rows:
        return
    by_path = {r.path: r for r in rows}
    by_org = {r.org_id: r for r in rows}
    # Each group: its key, where its figure is in a tally (None: a sector, judged by the
    # cell's sector), and that sector.
    specs = [(g.key, None if g.kind == "sector" else _TALLY_INDEX[g.kind], g.sector) for g in group_defs]
    row_of: dict[str, ProgressRow | None] = {}  # a path → the nearest row at or above it

    def row_at(path: str) -> ProgressRow | None:
        """Known once per path: below max_depth, a commune's cells share their parent's."""
        if path in row_of:
            return row_of[path]
        found = by_path.get(path)
        if found is None and len(path) > len(root_path):
            found = row_at(path[:-PATH_STEP])
        row_of[path] = found
        return found

    def add(row: ProgressRow, cell_id: int, day: dt.date | None, t: Tally) -> None:
        row.admitted += t[ADMITTED]
        sector: str | None = None
        for key, pick, group_sector in specs:
            if pick is not None:
                row.groups[key].admitted += t[pick]
                continue
            if sector is None:
                spans = placed.spans.get(cell_id)
                sector = (
                    _sector_on(spans, day) if spans and day is not None else placed.sector_of.get(cell_id, "")
                )
            if sector == group_sector:
                row.groups[key].admitted += t[ADMITTED]

    def place(cell_id: int) -> ProgressRow | None:
        # A cell that is a row of the report stands there; otherwise (below max_depth,
        # dissolved, merged away, outside the root) by where it stands.
        row = by_org.get(cell_id)
        if row is not None:
            return row
        path = where.get(cell_id)
        return row_at(path) if path is not None and path.startswith(root_path) else None

    if specs:
        for cell_id, t in by_cell.items():
            row = place(cell_id)
            if row is not None:
                add(row, cell_id, None, t)
    else:  # the usual term report, no group: the loop without a call per cell
        for cell_id, t in by_cell.items():
            row = by_org.get(cell_id)
            if row is None:
                row = place(cell_id)
                if row is None:
                    continue
            row.admitted += t[ADMITTED]
    for (cell_id, day), t in by_day.items():
        row = place(cell_id)
        if row is not None:
            add(row, cell_id, day, t)
    # The rows are in path order (the root first), so in reverse every row comes after all
    # the rows below it: its figures are complete when they are added to the row above.
    keys = [key for key, _p, _s in specs]
    for row in reversed(rows[1:]):
        if not row.admitted:
            continue  # nothing to add up (a group counts only what the total counts)
        parent = row.path[:-PATH_STEP]
        up = by_path.get(parent) or row_at(parent)
        if up is not None:
            up.admitted += row.admitted
            for key in keys:
                up.groups[key].admitted += row.groups[key].admitted


_TALLY_INDEX = {"female": FEMALE, "young": YOUNG, "minority": MINORITY, "religious": RELIGIOUS}


def admissions_by_month(report: ProgressReport) -> list[tuple[dt.date, int]]:
    """Cumulative admissions of the report's subtree at the end of each month of its period
    up to its as-of day (the line of the progress chart), placed as the report placed them:
    one more query."""
    from django.db.models import DateField
    from django.db.models.functions import Cast, TruncMonth

    p = report.counting
    if p is None:
        return []
    bounds, end, where, root_path = report.period, p.end, p.where, p.root_path
    per_month: dict[dt.date, int] = defaultdict(int)
    for cell_id, month, n in (
        MemberEvent.objects.filter(kind=EventKind.ADMITTED, on__gte=bounds.start, on__lte=end)
        .filter(p.cells)
        # As a date: PostgreSQL truncates a date to a timestamp with time zone, whose
        # parsing in Python took two thirds of this function (16.000 cell-months, a province).
        .annotate(month=Cast(TruncMonth("on"), DateField()))
        .values_list("cell_id", "month")
        .annotate(n=Count("*"))
        .order_by()
    ):
        path = where.get(cell_id)
        if path is not None and path.startswith(root_path):
            per_month[month] += n
    points, total = [], 0
    d = dt.date(bounds.start.year, bounds.start.month, 1)
    while d <= end:
        total += per_month.get(d, 0)
        nxt = add_months(d, 1)
        points.append((min(nxt - dt.timedelta(days=1), end), total))
        d = nxt
    return points
