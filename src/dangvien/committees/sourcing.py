"""The survey of the pool (khảo sát nguồn) per cell on a day: the people the unit covers
(the committee's latest headcount), its members and their share of them, the pool and
those ready, and whether the unit has no source left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from dangvien.candidates.models import OPEN_STATES, Candidate, CandidateEvent, State
from dangvien.committees.models import Headcount, NoSource
from dangvien.members.models import ACTIVE_STATUSES, MembershipPeriod
from dangvien.orgs.models import CELL_KINDS, Organization
from dangvien.orgs.scope import Scope


@dataclass
class SourcingRow:
    code: str
    name: str
    covered: int | None
    members: int
    pool: int
    ready: int
    no_source: bool
    no_source_reason: str = ""

    @property
    def share(self) -> Decimal | None:
        """Members per 100 people covered, two decimals (None: nobody counted yet)."""
        if not self.covered:
            return None
        return (Decimal(100 * self.members) / Decimal(self.covered)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        share = self.share
        return {
            "code": self.code,
            "name": self.name,
            "covered": self.covered,
            "members": self.members,
            "share": float(share) if share is not None else None,
            "pool": self.pool,
            "ready": self.ready,
            "no_source": self.no_source,
        }


@dataclass
class Sourcing:
    org: str
    as_of: dt.date
    rows: list[SourcingRow]

    def as_dict(self) -> dict[str, Any]:
        return {"org": self.org, "as_of": self.as_of.isoformat(), "rows": [r.as_dict() for r in self.rows]}


def no_source_on(day: dt.date) -> Q:
    """NoSource rows in force on `day`."""
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gt=day))


def no_source_cells(day: dt.date, *, path: str = "") -> dict[int, str]:
    """Organization id → reason, for the units marked as having no source on `day`."""
    rows = NoSource.objects.filter(no_source_on(day), organization__path__startswith=path)
    return dict(rows.values_list("organization_id", "reason"))


def sourcing_report(scope: Scope, *, org: Organization, as_of: dt.date) -> Sourcing:
    """Every cell under `org` that stood on `as_of`; six queries whatever the size."""
    cells = list(
        scope.orgs()
        .filter(path__startswith=org.path, kind__in=CELL_KINDS)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=as_of))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of))
        .order_by("path")
        .values_list("pk", "code", "name")
    )
    latest: dict[int, int] = {}
    counts = (
        Headcount.objects.filter(organization__path__startswith=org.path, on__lte=as_of)
        .order_by("organization_id", "-on", "-pk")
        .values_list("organization_id", "covered")
    )
    for org_id, covered in counts:  # the first of each unit is its latest count
        latest.setdefault(org_id, covered)
    members = dict(
        MembershipPeriod.objects.filter(
            cell__path__startswith=org.path, status__in=ACTIVE_STATUSES, valid_from__lte=as_of
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .values("cell_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cell_id", "n")
    )
    # Each candidacy's state on the day. Most have not moved since: their state now is their
    # state then (one aggregate). Only those with a history row after the day (few) are
    # read back to their last row on or before it.
    later = CandidateEvent.objects.filter(candidate=OuterRef("pk"), on__gt=as_of)
    in_org = Candidate.objects.filter(cell__path__startswith=org.path)
    unchanged = (
        in_org.filter(state__in=OPEN_STATES)
        .filter(~Exists(later))
        .values("cell_id", "state")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cell_id", "state", "n")
    )
    state_then = Subquery(
        CandidateEvent.objects.filter(candidate=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-pk")
        .values("state_to")[:1]
    )
    moved = (
        in_org.filter(Exists(later))
        .annotate(then=state_then)
        .filter(then__in=OPEN_STATES)
        .values("cell_id", "then")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cell_id", "then", "n")
    )
    pool: dict[int, int] = {}
    ready: dict[int, int] = {}
    for cell_id, state, n in [*unchanged, *moved]:
        pool[cell_id] = pool.get(cell_id, 0) + n
        if state == State.READY:
            ready[cell_id] = ready.get(cell_id, 0) + n
    marked = no_source_cells(as_of, path=org.path)
    rows = [
        SourcingRow(
            code=code,
            name=name,
            covered=latest.get(pk),
            members=members.get(pk, 0),
            pool=pool.get(pk, 0),
            ready=ready.get(pk, 0),
            no_source=pk in marked,
            no_source_reason=marked.get(pk, ""),
        )
        for pk, code, name in cells
    ]
    return Sourcing(org.code, as_of, rows)
