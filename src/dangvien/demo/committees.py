"""The committees at work in the demo (issue 21): every cell answered for by a member of
its commune's committee, introductions this year, a headcount per cell (a few agencies
whose every employee is a member, marked "no source"), monthly meetings with attendance,
and the cell votes of the dossiers recorded at a meeting of their day.

Drawn by a generator of its own, after everything else: every other demo figure stays as it
was. Written in bulk (the demo is synthetic); a year of meetings where the demo is small,
the last two months at the scale of the nation (67 million attendance rows otherwise)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from dangvien.candidates.models import Candidate
from dangvien.cases.models import Body, Vote
from dangvien.committees.models import (
    Assignment,
    Attendance,
    Covered,
    Headcount,
    Meeting,
    MeetingKind,
    NoSource,
    Presence,
)
from dangvien.core.dates import add_months
from dangvien.members.models import ACTIVE_STATUSES, MembershipPeriod, OfficeHolder, Status
from dangvien.orgs.models import CELL_KINDS, Organization, Sector
from dangvien.orgs.scope import scope_for
from dangvien.targets.commendations import commendation_rows
from dangvien.targets.models import Commendation

EXEMPT = (Status.EXEMPT, Status.TEMP_EXEMPT)


@dataclass
class CommitteeStats:
    assignments: int = 0
    meetings: int = 0
    attendance: int = 0
    no_source: int = 0
    commendations: int = 0


def fill_committees(*, today: dt.date, members: int) -> CommitteeStats:
    rng = random.Random("committees")
    stats = CommitteeStats()
    cells = list(Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True).order_by("path"))
    by_commune: dict[int, list[Organization]] = defaultdict(list)
    for c in cells:
        if c.parent_id is not None:
            by_commune[c.parent_id].append(c)
    seats: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for org_id, mid, since in (
        OfficeHolder.objects.filter(organization_id__in=list(by_commune), valid_to__isnull=True)
        .exclude(membership__isnull=True)
        .order_by("organization_id", "pk")
        .values_list("organization_id", "membership_id", "valid_from")
    ):
        seats[org_id].append((mid, since))
    assignments = []
    for commune_id, its_cells in by_commune.items():
        pool = seats.get(commune_id)
        if not pool:
            continue
        for k, cell in enumerate(its_cells):  # round robin: each member one or more cells
            mid, since = pool[k % len(pool)]
            assignments.append(
                Assignment(committee_id=commune_id, membership_id=mid, cell=cell, valid_from=since)
            )
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    stats.assignments = len(assignments)
    # This year's listings: most of them brought by the member answering for the cell.
    answering = {a.cell_id: a.membership_id for a in assignments}
    start = dt.date(today.year, 1, 1)
    for pk, cell_id in Candidate.objects.filter(
        Q(listed_on__gte=start) | Q(listed_on__isnull=True, state_since__gte=start)
    ).values_list("pk", "cell_id"):
        if cell_id in answering and rng.random() < 0.6:
            Candidate.objects.filter(pk=pk).update(introducer_id=answering[cell_id])
    # The survey: residents of a hamlet, employees of an agency or a school.
    counts = dict(
        MembershipPeriod.objects.filter(valid_to__isnull=True, status__in=ACTIVE_STATUSES)
        .values("cell_id")
        .annotate(n=Count("id"))
        .values_list("cell_id", "n")
    )
    surveyed = (
        dt.date(today.year, 1, 15) if today >= dt.date(today.year, 1, 15) else dt.date(today.year - 1, 1, 15)
    )
    headcounts, marks = [], []
    first_agency = next((c.pk for c in cells if c.sector == Sector.AGENCY and counts.get(c.pk)), None)
    for cell in cells:
        n = counts.get(cell.pk, 0)
        if cell.sector in (Sector.AGENCY, Sector.SCHOOL, Sector.HEALTH, Sector.POLICE, Sector.MILITARY):
            # A few agencies whose every employee is a member (one at least, to be seen).
            agency_full = cell.sector == Sector.AGENCY and (rng.random() < 0.1 or cell.pk == first_agency)
            covered = n if agency_full else n + rng.randint(3, 25)
            headcounts.append(
                Headcount(organization=cell, on=surveyed, kind=Covered.EMPLOYEES, covered=covered)
            )
            if agency_full and n:
                marks.append(
                    NoSource(
                        organization=cell,
                        since=surveyed,
                        reason="Mọi cán bộ, công chức của cơ quan đã là đảng viên",
                    )
                )
        else:
            headcounts.append(
                Headcount(
                    organization=cell,
                    on=surveyed,
                    kind=Covered.RESIDENTS,
                    covered=n * rng.randint(12, 30) + 200,
                )
            )
    Headcount.objects.bulk_create(headcounts, batch_size=5000)
    NoSource.objects.bulk_create(marks, batch_size=5000)
    stats.no_source = len(marks)
    _meetings(rng, cells, today=today, months=12 if members <= 300_000 else 2, stats=stats)
    stats.commendations = _commendations(list(by_commune), today=today)
    return stats


def _commendations(committee_ids: list[int], *, today: dt.date) -> int:
    """Last year's commendations: every unit the rule proposed, decided by its committee in
    mid-January (the demo's committees accept every proposal)."""
    year = today.year - 1
    decided_on = dt.date(today.year, 1, 15)
    if decided_on > today:
        return 0
    scope = scope_for(None)
    rows = []
    for committee in Organization.objects.filter(pk__in=committee_ids).order_by("path"):
        report = commendation_rows(scope, org=committee, year=year)
        for k, r in enumerate(x for x in report.rows if x.proposed):
            rows.append(
                Commendation(
                    organization=r.org,
                    year=year,
                    level=f"Giấy khen của Ban Chấp hành {committee.name}",
                    decision_ref=f"{k + 1:02d}-QĐ/ĐU",
                    decided_on=decided_on,
                )
            )
    Commendation.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _meetings(
    rng: random.Random, cells: list[Organization], *, today: dt.date, months: int, stats: CommitteeStats
) -> None:
    """Monthly meetings on the 10th (an extraordinary one on a cell vote's day), with the
    attendance of the members of that day; the cell votes point to their meeting."""
    first = add_months(today.replace(day=1), -months + 1)
    days: dict[int, set[dt.date]] = defaultdict(set)
    month = first
    while month <= today:
        day = month.replace(day=10)
        if day <= today:
            for cell in cells:
                if cell.founded_on is None or cell.founded_on <= day:
                    days[cell.pk].add(day)
        month = add_months(month, 1)
    votes = list(
        Vote.objects.filter(body=Body.CELL, held_on__gte=first).values_list("pk", "case__cell_id", "held_on")
    )
    for _pk, cell_id, held_on in votes:
        days[cell_id].add(held_on)
    meetings = [
        Meeting(
            cell_id=cell_id,
            held_on=day,
            kind=MeetingKind.REGULAR if day.day == 10 else MeetingKind.EXTRAORDINARY,
            items="Sinh hoạt thường kỳ" if day.day == 10 else "Xét kết nạp đảng viên",
        )
        for cell_id, its_days in days.items()
        for day in sorted(its_days)
    ]
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    stats.meetings = len(meetings)
    at = {(m.cell_id, m.held_on): m.pk for m in Meeting.objects.only("pk", "cell_id", "held_on")}
    for vote_pk, cell_id, held_on in votes:
        Vote.objects.filter(pk=vote_pk).update(meeting_id=at[(cell_id, held_on)])
    periods: dict[int, list[tuple[int, str, dt.date, dt.date | None]]] = defaultdict(list)
    for row in (
        MembershipPeriod.objects.filter(status__in=ACTIVE_STATUSES, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
        .values_list("cell_id", "membership_id", "status", "valid_from", "valid_to")
        .iterator(chunk_size=20_000)
    ):
        periods[row[0]].append(row[1:])
    rows: list[Attendance] = []
    for (cell_id, day), meeting_id in at.items():
        for mid, status, since, until in periods.get(cell_id, ()):
            if since <= day and (until is None or until > day):
                if status in EXEMPT:
                    presence = Presence.PRESENT if rng.random() < 0.2 else Presence.ABSENT
                else:
                    r = rng.random()
                    presence = (
                        Presence.PRESENT if r < 0.9 else Presence.EXCUSED if r < 0.97 else Presence.ABSENT
                    )
                rows.append(
                    Attendance(
                        meeting_id=meeting_id, membership_id=mid, status_then=status, presence=presence
                    )
                )
        if len(rows) >= 50_000:
            Attendance.objects.bulk_create(rows, batch_size=10_000)
            stats.attendance += len(rows)
            rows = []
    Attendance.objects.bulk_create(rows, batch_size=10_000)
    stats.attendance += len(rows)
