"""Member figures kept ahead of time, and how they stay equal to the rows.

A province's members report scans about 190,000 period rows, the country's 5.6 million.
Instead, the counts of each unit (the tree under one two-level path: a commune or ward, a
bloc, a base organization under a province) on a day are stored once (`MemberFigures`)
and a report over a province or the country adds up the units' rows. They are never
updated in place: they are counted by the same query as an uncached report
(`reports.selectors`), and they are used only while nothing has changed in the unit since.

How "nothing has changed" is known, without trusting every caller to delete the right
rows: each unit has a stamp (`FigureStamp`), a number that every write which can change a
count adds one to, in the writer's own transaction (`figures_touch_*`, called by the
member, person and organization services, the members import and the demo). A reader
reads the stamps *before* it counts, and stores the counts with the stamp it read. A
writer that commits after the stamp was read leaves the stored figures under an older
stamp, so the next reader counts again; figures can be recounted needlessly, never used
when stale. Bulk tools that do not know which units they touched add one to the stamp of
the whole database (unit "").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from dangvien.orgs.models import PATH_STEP, OrgVersion
from dangvien.reports.models import FigureStamp, MemberFigures

# A unit is the first two steps of a materialized path ("00000012.00000345.").
UNIT_LEN = 2 * PATH_STEP
EVERYTHING = ""


def unit_of(path: str) -> str:
    return path[:UNIT_LEN]


def figures_touch_units(units: Iterable[str]) -> None:
    """Add one to each unit's stamp (creating it at 1), in the caller's transaction.

    The units are stamped in sorted order, so that two writers touching the same units
    lock them in the same order and cannot deadlock."""
    keys = sorted(set(units))
    if not keys:
        return
    table = connection.ops.quote_name(FigureStamp._meta.db_table)
    with connection.cursor() as cur:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            cur.execute(
                f"INSERT INTO {table} (unit, version) VALUES "  # noqa: S608 - the model's table
                + ", ".join(["(%s, 1)"] * len(chunk))
                + f" ON CONFLICT (unit) DO UPDATE SET version = {table}.version + 1",
                chunk,
            )


def figures_touch_cells(cell_ids: Iterable[int]) -> None:
    """The members of these cells changed: stamp every unit the cells were ever in (a
    back-dated change alters the figures of every day since, wherever the cell stood)."""
    ids = sorted(set(cell_ids))
    if not ids:
        return
    units: set[str] = set()
    for start in range(0, len(ids), 500):
        units.update(
            unit_of(p)
            for p in OrgVersion.objects.filter(organization_id__in=ids[start : start + 500])
            .values_list("path", flat=True)
            .distinct()
        )
    figures_touch_units(units)


def figures_touch_paths(paths: Iterable[str]) -> None:
    """An organization changed (its kind, sector or place): stamp the units of its paths."""
    figures_touch_units(unit_of(p) for p in paths if p)


def figures_touch_people(person_ids: Iterable[int]) -> None:
    """A person's sex, birth date, ethnicity or education changed: every cell they were
    ever a member in."""
    from dangvien.members.models import MembershipPeriod

    ids = sorted(set(person_ids))
    if ids:
        figures_touch_cells(
            MembershipPeriod.objects.filter(membership__person_id__in=ids)
            .values_list("cell_id", flat=True)
            .distinct()
        )


def figures_forget_all() -> None:
    """After a bulk write that cannot say which units it touched (the demo, a tree rebuilt
    from an import): every stored figure is recounted on its next use."""
    figures_touch_units([EVERYTHING])


def figures_prune(*, before: dt.datetime) -> int:
    """Delete the figures counted before `before` (the daily tick keeps a month): they are
    recounted if asked again."""
    deleted, _ = MemberFigures.objects.filter(computed_at__lt=before).delete()
    return deleted
