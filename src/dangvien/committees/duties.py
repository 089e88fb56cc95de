"""The yearly duty of a committee member: each one introduces at least one outstanding
person a year to the cells they answer for (the committees' own rule, in their reports).
Counted from the candidates' introducer and their history rows; shown, never graded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from dangvien.candidates.models import Candidate, CandidateEvent, State
from dangvien.committees.models import Assignment
from dangvien.core.sql import JoinedText, plain_rows
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope


@dataclass(slots=True)
class DutyRow:
    membership_id: int
    card: str
    name: str
    committee: str  # the committee's code
    committee_path: str
    cells: list[str] = field(default_factory=list)
    introduced: int = 0
    admitted: int = 0

    @property
    def met(self) -> bool:
        return self.introduced >= 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": self.card,
            "name": self.name,
            "cells": self.cells,
            "introduced": self.introduced,
            "admitted": self.admitted,
            "met": self.met,
        }


@dataclass
class Duties:
    org: str
    year: int
    as_of: dt.date
    rows: list[DutyRow]

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.met)

    @property
    def last_quarter(self) -> bool:
        """From October the members with none are shown in red and reach the watch."""
        return self.as_of.month >= 10

    def as_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "members": len(self.rows),
            "met": self.met,
            "rows": [r.as_dict() for r in self.rows],
        }


def year_window(year: int, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
    """Jan 1 to the report's day (Dec 31 at the latest)."""
    end = dt.date(year, 12, 31)
    return dt.date(year, 1, 1), min(as_of, end) if as_of is not None else end


def duties_report(scope: Scope, *, org: Organization, year: int, as_of: dt.date) -> Duties:
    """One row per committee member of `org` or a committee below it with an assignment
    to a cell under `org` during the year up to `as_of`. Three queries whatever the size."""
    under = Q(cell__path__startswith=org.path) & Q(committee__path__startswith=org.path)
    start, end = year_window(year, as_of)
    rows = _count(
        Q(under, scope.org_filter("cell")), start, end, candidates=Q(cell__path__startswith=org.path)
    )
    return Duties(org.code, year, end, rows)


def member_duties(
    membership_ids: list[int], *, year: int, as_of: dt.date | None = None
) -> dict[int, DutyRow]:
    """The duty of these members (those answering for a cell), wherever their cells are:
    what a cell's yearly rating screen shows beside its committee members, as information."""
    start, end = year_window(year, as_of)
    ids = Q(membership_id__in=membership_ids)
    rows = _count(ids, start, end, candidates=Q(introducer_id__in=membership_ids))
    return {r.membership_id: r for r in rows}


def _count(assigned: Q, start: dt.date, end: dt.date, *, candidates: Q) -> list[DutyRow]:
    answering = Assignment.objects.filter(assigned, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    )
    # One row per member (and committee) with their cells joined by the database: the loop
    # below reads one short row per member, not one per assignment.
    grouped = (
        answering.values(
            "membership_id",
            "membership__card_number",
            "membership__person__full_name",
            "membership__person__sort_key",
            "committee__code",
            "committee__path",
        )
        .annotate(cells=JoinedText("cell__code"))
        .order_by("committee__path", "membership__person__sort_key", "membership_id")
        .values_list(
            "membership_id",
            "membership__card_number",
            "membership__person__full_name",
            "committee__code",
            "committee__path",
            "cells",
        )
    )
    rows: dict[int, DutyRow] = {}
    sep = JoinedText.SEPARATOR
    # Integers and text only: read by a bare cursor (core/sql.py), as the progress report does.
    for mid, card, name, committee, committee_path, cells in plain_rows(grouped):
        codes = sorted(set(cells.split(sep))) if sep in cells else [cells]
        row = rows.get(mid)
        if row is None:
            rows[mid] = DutyRow(mid, card or "", name, committee, committee_path, codes)
        else:  # cells of two committees (rare): one row, under the first committee's path
            row.cells = sorted({*row.cells, *codes})
    if not rows:
        return []
    # Introduced this year to a cell they answer for (the listing's day; the history's
    # first day when the cell's resolution date was not recorded). Matched here against each
    # member's cells: an EXISTS on the assignments made PostgreSQL misjudge the rows (the
    # day is a COALESCE) and probe them one candidacy at a time, 40 ms more (bench).
    introduced = (
        Candidate.objects.filter(candidates, introducer__isnull=False)
        .annotate(day=Coalesce("listed_on", "state_since"))
        .filter(day__gte=start, day__lte=end)
        .values("introducer_id", "cell__code")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("introducer_id", "cell__code", "n")
    )
    for introducer, cell_code, n in plain_rows(introduced):
        row = rows.get(introducer)
        if row is not None and cell_code in row.cells:
            row.introduced += n
    admitted = (
        CandidateEvent.objects.filter(
            state_to=State.ADMITTED, on__gte=start, on__lte=end, candidate__introducer__isnull=False
        )
        .filter(candidate__in=Candidate.objects.filter(candidates).values("pk"))
        .values("candidate__introducer_id")
        .annotate(n=Count("candidate_id", distinct=True))
        .order_by()
        .values_list("candidate__introducer_id", "n")
    )
    for introducer, n in plain_rows(admitted):
        if introducer in rows:
            rows[introducer].admitted += n
    return list(rows.values())
