"""A cell's meetings: the register, the attendance taken from the registry as it stood on
the day, the mentors' assessments heard there, and the figures a vote at the meeting
starts from (summoned, present, exempt who came, excused, the proposed denominator)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.candidates.models import Assessment, Candidate
from dangvien.candidates.services import candidate_assess
from dangvien.committees.models import Attendance, Meeting, MeetingAssessment, MeetingKind, Presence
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.members.models import ACTIVE_STATUSES, MembershipPeriod, Status
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, require_write, scope_for

EXEMPT = (Status.EXEMPT, Status.TEMP_EXEMPT)


@dataclass(frozen=True)
class Roll:
    """A member of the cell on a day, as the attendance form lists them."""

    membership_id: int
    name: str
    card: str
    status: str

    @property
    def exempt(self) -> bool:
        return self.status in EXEMPT


def roll_on(cell: Organization, on: dt.date) -> list[Roll]:
    """The cell's members on the day (the registry's periods), official first, by name."""
    rows = (
        MembershipPeriod.objects.filter(cell=cell, status__in=ACTIVE_STATUSES, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("membership_id", "membership__person__full_name", "membership__card_number", "status")
        .order_by("membership__person__sort_key", "membership_id")
    )
    order: dict[str, int] = {
        Status.OFFICIAL: 0,
        Status.PROBATIONARY: 1,
        Status.EXEMPT: 2,
        Status.TEMP_EXEMPT: 2,
    }
    roll = [Roll(mid, name, card or "", status) for mid, name, card, status in rows]
    return sorted(roll, key=lambda r: order.get(r.status, 3))  # stable: by name within each


@dataclass
class Figures:
    """What a vote at this meeting is proposed from (still correctable with a reason)."""

    official: int = 0
    probationary: int = 0
    exempt: int = 0
    summoned: int = 0
    present: int = 0
    exempt_present: int = 0
    excused_official: int = 0
    absent: int = 0
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def denominator(self) -> int:
        """Official members, plus the exempt who came, less the officials excused."""
        return self.official + self.exempt_present - self.excused_official


def meeting_figures(meeting: Meeting) -> Figures:
    f = Figures()
    for status, presence in meeting.attendance.values_list("status_then", "presence"):
        exempt = status in EXEMPT
        came = presence == Presence.PRESENT
        if exempt:
            f.exempt += 1
            f.exempt_present += came
        else:
            f.summoned += 1
            f.official += status == Status.OFFICIAL
            f.probationary += status == Status.PROBATIONARY
            f.absent += presence != Presence.PRESENT
            if status == Status.OFFICIAL and presence == Presence.EXCUSED:
                f.excused_official += 1
        f.present += came
    if f.excused_official:
        f.excluded = {"excused": f.excused_official}
    return f


@transaction.atomic
def meeting_record(
    *,
    actor: User | None,
    cell: Organization,
    held_on: dt.date,
    presence: Mapping[int, str],
    kind: str = MeetingKind.REGULAR,
    guests: str = "",
    items: str = "",
) -> Meeting:
    """Record a meeting: every member of the cell that day gets a line; `presence` gives
    each one's (membership id → present, excused or absent; an exempt member left out did
    not come, a member left out otherwise was absent without leave)."""
    require_write(scope_for(actor), cell)
    not_future(held_on, "held_on")
    if not cell.is_cell:
        raise ServiceError("committees.not_a_cell", cell=cell, field="cell")
    if kind not in MeetingKind.values:
        raise ServiceError("committees.meeting_kind_invalid", field="kind")
    roll = {r.membership_id: r for r in roll_on(cell, held_on)}
    strangers = set(presence) - set(roll)
    if strangers:
        raise ServiceError("committees.not_in_cell_that_day", held_on=held_on, field="presence")
    if any(p not in Presence.values for p in presence.values()):
        raise ServiceError("committees.presence_invalid", field="presence")
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                cell=cell,
                held_on=held_on,
                kind=kind,
                guests=" ".join(guests.split())[:300],
                items=items.strip()[:5000],
                recorded_by=recorded_by(actor),
            )
    except IntegrityError:  # the same meeting twice (a double click, a second tab)
        raise ServiceError("committees.meeting_exists", held_on=held_on, field="held_on") from None
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            membership_id=mid,
            status_then=r.status,
            presence=presence.get(mid, Presence.ABSENT),
        )
        for mid, r in roll.items()
    )
    f = meeting_figures(meeting)
    audit_log(
        actor=actor,
        action="committees.meeting",
        obj=meeting,
        changes={"cell": cell.code, "held_on": held_on, "present": f.present, "members": len(roll)},
    )
    return meeting


def meeting_assess(
    *,
    actor: User | None,
    meeting: Meeting,
    candidate: Candidate,
    conclusion: str,
    strengths: str = "",
    weaknesses: str = "",
) -> Assessment:
    """The mentor's report on a candidate heard at this meeting, and the cell's conclusion."""
    with transaction.atomic():
        if candidate.cell_id != meeting.cell_id:
            raise ServiceError("committees.candidate_other_cell", field="candidate")
        a = candidate_assess(
            actor=actor,
            candidate=candidate,
            on=meeting.held_on,
            conclusion=conclusion,
            strengths=strengths,
            weaknesses=weaknesses,
        )
        MeetingAssessment.objects.create(meeting=meeting, assessment=a)
    return a


def meetings_of(scope: Scope, cell: Organization, *, limit: int = 36) -> list[Meeting]:
    return list(Meeting.objects.filter(scope.org_filter("cell"), cell=cell).order_by("-held_on")[:limit])


def meeting_get(scope: Scope, pk: int) -> Meeting | None:
    return Meeting.objects.filter(scope.org_filter("cell"), pk=pk).select_related("cell").first()
