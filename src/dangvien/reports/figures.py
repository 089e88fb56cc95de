"""Member figures kept ahead of time, and how they stay equal to the rows.

A province's members report scans about 190,000 period rows, the country's 5.6 million.
Instead, the counts of each unit (the tree under one two-level path: a commune or ward, a
bloc, a base organization under a province) on a day are stored once (`MemberFigures`)
and a report over a province or the country adds up the units' rows. They are never
updated in place: they are counted by the same query as an uncached report
(`reports.selectors`), and they are used only while nothing has changed in the unit since.

How "nothing has changed" is known, without trusting every caller to delete the right
rows: each unit has a stamp (`FigureStamp`), a number that every write which can change a
count adds one to, in the writer's own transaction. Writers do not call the stamps: they
announce what changed (people/events.py, members/events.py, orgs/events.py) and one
listener per event stamps the units (reports/listeners.py). A reader
reads the stamps *before* it counts, and stores the counts with the stamp it read. A
writer that commits after the stamp was read leaves the stored figures under an older
stamp, so the next reader counts again; figures can be recounted needlessly, never used
when stale. Bulk tools that do not know which units they touched add one to the stamp of
the whole database (unit "").

The admissions of the progress report are kept the same way (`AdmissionFigures`, per unit
and span of days, per cell: targets/admissions.py), under the same stamps: an admission is
a member event, and the groups it counts in are the person's sex, birth date, ethnicity and
religion, all of which already stamp the cells the person was ever in.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q

from dangvien.members.models import MembershipPeriod
from dangvien.orgs.models import PATH_STEP, OrgVersion
from dangvien.reports.models import AdmissionFigures, FigureStamp, MemberFigures

log = logging.getLogger(__name__)

# A unit is the first two steps of a materialized path ("00000012.00000345.").
UNIT_LEN = 2 * PATH_STEP
EVERYTHING = ""
# Not a unit: the organization tree's token, a random number written anew by every change
# of the tree (targets/placement.py keeps the tree of a day under it). Random rather than
# counted, so that a token seen once always means the same tree, even after a test's
# rollback or a restored backup brought older rows back.
TREE = "tree"


def unit_of(path: str) -> str:
    return path[:UNIT_LEN]


def scan_prefixes(stale: list[str], found: int, root_path: str) -> list[str]:
    """The path prefixes to count `stale` units by, of the `found` units under root_path:
    a few units each by its prefix; many (an import, the first report of the day) by the
    provinces they are in, or the whole root, one scan being cheaper than many prefixes."""
    prefixes = stale if len(stale) * 2 <= found else [root_path]
    if len(prefixes) > 50 and not root_path:
        prefixes = sorted({unit[:PATH_STEP] for unit in stale})
    if len(prefixes) > 50:
        prefixes = [root_path]
    return prefixes


def data_version() -> tuple[int, int, int, int]:
    """A number that changes with every committed write, for results kept until the data
    change (core/keep.py): the audit log's last entry (every service writes one in its
    own transaction, an import one per file), the sealed chain's length, and the
    whole-database and tree stamps (which bulk tools that write without entries bump).

    The chain's length because entries are numbered when written but commit in any
    order: a write numbered 100 committing after one numbered 101 leaves the last entry
    at 101, and a result kept meanwhile would miss it for good. Each commit seals its
    entries into the chain at once (accounts/audit.py), so the length grows with every
    commit, in commit order. Two index lookups."""
    from dangvien.accounts.models import AuditEntry, AuditHead

    head = models.Subquery(AuditHead.objects.filter(pk=1).values("seq")[:1])
    row = AuditEntry.objects.order_by("-id").values_list("id", head).first()
    last, sealed = (row[0], row[1] or 0) if row is not None else (0, 0)
    stamps = dict(FigureStamp.objects.filter(unit__in=[EVERYTHING, TREE]).values_list("unit", "version"))
    return (last, sealed, stamps.get(EVERYTHING, 0), stamps.get(TREE, 0))


def read_stamps(root_path: str) -> dict[str, int]:
    """The stamps of every unit under root_path, of the whole database (EVERYTHING) and
    the tree's token (TREE), in one query: read before anything they vouch for."""
    return dict(
        FigureStamp.objects.filter(
            Q(unit__startswith=root_path) | Q(unit__in=[EVERYTHING, TREE])
        ).values_list("unit", "version")
    )


def figures_store(model: type[models.Model], rows: Sequence[models.Model], unique_fields: list[str]) -> None:
    """Store counted figures over the older ones. Storing is only a saving: a database
    busy with a writer (SQLite) or read-only (a replica) still gets its report, counted,
    and the next one counts again."""
    try:
        with transaction.atomic():
            model._default_manager.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=unique_fields,
                update_fields=["version", "epoch", "counts", "computed_at"],
            )
    except DatabaseError:
        log.warning(
            "%s not stored (%d units): the next report counts them again", model._meta.model_name, len(rows)
        )


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


def tree_touch() -> None:
    """The tree changed (an organization created, or a version written): a new token.
    After the units' stamps (figures_touch_units), so that writers lock in one order."""
    table = connection.ops.quote_name(FigureStamp._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (unit, version) VALUES (%s, %s) "  # noqa: S608 - the model's table
            "ON CONFLICT (unit) DO UPDATE SET version = excluded.version",
            [TREE, secrets.randbits(62)],
        )


def figures_touch_people(person_ids: Iterable[int]) -> None:
    """A person's sex, birth date, ethnicity, religion or education changed: every cell
    they were ever a member in."""

    ids = sorted(set(person_ids))
    if ids:
        figures_touch_cells(
            MembershipPeriod.objects.filter(membership__person_id__in=ids)
            .values_list("cell_id", flat=True)
            .distinct()
        )


def figures_forget_all() -> None:
    """After a bulk write that cannot say which units it touched (the demo, a tree rebuilt
    from an import): every stored figure is recounted on its next use, the tree re-read."""
    figures_touch_units([EVERYTHING])
    tree_touch()


def figures_prune(*, before: dt.datetime) -> int:
    """Delete the figures (members and admissions) counted before `before` (the daily tick
    keeps a month): they are recounted if asked again."""
    members, _ = MemberFigures.objects.filter(computed_at__lt=before).delete()
    admissions, _ = AdmissionFigures.objects.filter(computed_at__lt=before).delete()
    return members + admissions
