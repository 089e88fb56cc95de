"""Admissions per cell, for the progress report: counted from the member events, or kept
ahead of time for a unit, a province and the country.

The country's progress for a year counts some 340,000 admissions, each joined to its
person for the groups (women, under 30, ethnic minority, religious): 2.9 s in the
database alone. Instead, each unit's admissions in a span of days (the period's first day
to the report's last) are counted once, per cell, and stored (`reports.AdmissionFigures`),
valid while the unit's stamp is the one read before they were counted — the stamps of the
member figures, which every write of an admission, a transfer, a person's sex, birth date,
ethnicity or religion and a cell's place in the tree already adds to (reports/figures.py).

A cell's figures do not depend on where the cell stands: the report places each cell
where it stood on its as-of date (moves, merges), in Python, exactly as it places the
counts it makes itself. A unit's figures hold every cell that was ever in the unit, so a
cell that moved between two units is in both, with the same counts: it is taken once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from dangvien.core.sql import YearsBefore, plain_rows
from dangvien.members.models import EventKind, MemberEvent
from dangvien.orgs.models import OrgVersion
from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import EVERYTHING, UNIT_LEN, figures_store, read_stamps, scan_prefixes, unit_of
from dangvien.reports.models import AdmissionFigures, FigureStamp
from dangvien.reports.selectors import member_counts
from dangvien.targets.groups import is_minority, is_religious

# What is counted per cell (and per day for a cell that changed sector), in this order.
Tally = list[int]
ADMITTED, FEMALE, YOUNG, MINORITY, RELIGIOUS = range(5)


def admissions(start: dt.date, end: dt.date) -> QuerySet[MemberEvent, MemberEvent]:
    """The admission events decided from start to end, both included."""
    return MemberEvent.objects.filter(kind=EventKind.ADMITTED, on__gte=start, on__lte=end)


def tally(
    events: QuerySet[MemberEvent, MemberEvent], *, by_day: bool = False
) -> dict[tuple[int, Any], Tally]:
    """(cell, decision day or None) → [admitted, women, under 30, minority, religious], in
    one grouped query: the database counts the women and the under-30s (on the decision
    date); ethnicity and religion, free text, are judged here once per distinct value."""
    dims = [
        "cell_id",
        *(["on"] if by_day else []),
        "membership__person__ethnicity",
        "membership__person__religion",
    ]
    qs = (
        events.values_list(*dims)
        .annotate(
            n=Count("*"),
            female=Count("id", filter=Q(membership__person__sex="female")),
            # Under 30 on the decision date: born after the day 30 years before it.
            young=Count("id", filter=Q(membership__person__birth_date__gt=YearsBefore("on", 30))),
        )
        .order_by()
    )
    # Plain tuples where no column needs converting (a day does, on SQLite).
    rows = list(qs) if by_day else [(c, None, *rest) for c, *rest in plain_rows(qs)]
    minority: dict[str, bool] = {}
    religious: dict[str, bool] = {}
    out: dict[tuple[int, Any], Tally] = {}
    for cell_id, day, ethnicity, religion, n, female, young in rows:
        m = minority.get(ethnicity)
        if m is None:
            m = minority[ethnicity] = is_minority(str(ethnicity or ""))
        r = religious.get(religion)
        if r is None:
            r = religious[religion] = is_religious(str(religion or ""))
        t = out.get((cell_id, day))
        if t is None:
            t = out[(cell_id, day)] = [0, 0, 0, 0, 0]
        t[ADMITTED] += n
        t[FEMALE] += female
        t[YOUNG] += young
        t[MINORITY] += n if m else 0
        t[RELIGIOUS] += n if r else 0
    return out


def kept_by_cell(
    root_path: str,
    start: dt.date,
    end: dt.date,
    *,
    units: list[str] | None = None,
    stamps: dict[str, int] | None = None,
) -> dict[int, Tally]:
    """Every cell ever in a unit under root_path (a unit's own path, a province's or "")
    → its admissions from start to end, from the stored figures where they are still
    valid, counted and stored for the other units. `units`: the units to read, when the
    caller knows them (the progress report: those under the root by its as-of day);
    by default every unit ever under root_path. `stamps`: reports.figures.read_stamps,
    when the caller has read them (before anything else)."""
    # The stamps are read before anything is counted below: a write committed meanwhile
    # leaves what is stored under the older stamp, to be counted again, never trusted.
    # (What is stored is checked against them whenever it is read: either order is safe.)
    if stamps is None:
        stamps = read_stamps(root_path)
    epoch = stamps.get(EVERYTHING, 0)
    if units is None:
        units = sorted(
            OrgVersion.objects.filter(path__startswith=root_path)
            .annotate(n=Length("path"))
            .filter(n=UNIT_LEN)
            .values_list("path", flat=True)
            .distinct()
        )
    out: dict[int, Tally] = {}
    if not units:
        return out
    kept = {
        unit: (version, kept_epoch, counts)
        for unit, version, kept_epoch, counts in AdmissionFigures.objects.filter(
            start=start, end=end, unit__startswith=root_path
        ).values_list("unit", "version", "epoch", "counts")
    }
    stale: list[str] = []
    for unit in units:
        version, kept_epoch, counts = kept.get(unit, (None, None, None))
        if version == stamps.get(unit, 0) and kept_epoch == epoch and counts is not None:
            out.update(zip(map(int, counts), counts.values(), strict=True))
        else:
            stale.append(unit)
    if not stale:
        return out
    counted = count_units(stale, scan_prefixes(stale, len(units), root_path), start, end)
    rows = []
    for unit in stale:
        cells = counted.get(unit, {})
        out.update(cells)
        rows.append(
            AdmissionFigures(
                unit=unit,
                start=start,
                end=end,
                version=stamps.get(unit, 0),
                epoch=epoch,
                counts={str(c): t for c, t in cells.items()},
                computed_at=timezone.now(),
            )
        )
    figures_store(AdmissionFigures, rows, ["start", "end", "unit"])
    return out


def count_units(
    units: list[str], prefixes: list[str], start: dt.date, end: dt.date
) -> dict[str, dict[int, Tally]]:
    """Each unit's cells (every cell ever in it) → their admissions from start to end,
    reading the cells and the events under `prefixes` (reports.figures.scan_prefixes)."""
    under = Q()
    for prefix in prefixes:
        if prefix:
            under |= Q(path__startswith=prefix)
    wanted = set(units)
    units_of: dict[int, set[str]] = {}
    for org_id, path in OrgVersion.objects.filter(under).values_list("organization_id", "path").distinct():
        u = unit_of(path)
        if u in wanted:
            units_of.setdefault(org_id, set()).add(u)
    events = admissions(start, end)
    if any(prefixes):
        events = events.filter(cell_id__in=OrgVersion.objects.filter(under).values("organization_id"))
    out: dict[str, dict[int, Tally]] = {u: {} for u in units}
    for (cell_id, _day), t in tally(events).items():
        for u in units_of.get(cell_id, ()):
            out[u][cell_id] = t
    return out


def figures_warm(as_of: dt.date) -> None:
    """Count and store, ahead of the day's first report, what the reports of as_of read:
    every unit's member figures of that day and its admissions of the current term and
    year up to that day (the nightly tick calls it). Units already counted are only read."""
    from dangvien.targets.periods import period_bounds, periods_around

    member_counts(scope_for(None), None, as_of)
    for period in periods_around(as_of):
        bounds = period_bounds(period)
        end = min(bounds.end, as_of)
        if end >= bounds.start:
            kept_by_cell("", bounds.start, end)


def kept_admissions_differences() -> list[tuple[str, dt.date, dt.date]]:
    """The stored admission figures still taken as valid that a fresh count of the events
    contradicts (empty when every write path stamps what it changes). The test suite
    checks it after every test, with the member figures."""
    stamps = dict(FigureStamp.objects.values_list("unit", "version"))
    epoch = stamps.get(EVERYTHING, 0)
    wrong = []
    for f in AdmissionFigures.objects.order_by("unit", "start", "end"):
        if f.version != stamps.get(f.unit, 0) or f.epoch != epoch:
            continue  # stale: it would be counted again, never used
        fresh = count_units([f.unit], [f.unit], f.start, f.end)[f.unit]
        if {str(c): t for c, t in fresh.items()} != f.counts:
            wrong.append((f.unit, f.start, f.end))
    return wrong
