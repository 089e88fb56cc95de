"""The membership state machine: which event may follow which state, and what it leads
to. Pure data and functions, shared by the services, the import and the replay check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangvien.core.errors import ServiceError
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Status
from dangvien.pipeline import vocabulary

# event kind -> (states it may follow, state it leads to; None = "back to official or probationary")
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    EventKind.MADE_OFFICIAL: (frozenset({Status.PROBATIONARY}), Status.OFFICIAL),
    EventKind.EXEMPTED: (frozenset({Status.OFFICIAL, Status.TEMP_EXEMPT}), Status.EXEMPT),
    EventKind.TEMP_EXEMPTED: (frozenset({Status.OFFICIAL, Status.PROBATIONARY}), Status.TEMP_EXEMPT),
    EventKind.EXEMPTION_ENDED: (frozenset({Status.EXEMPT, Status.TEMP_EXEMPT}), None),
    EventKind.CELL_CHANGED: (ACTIVE_STATUSES, None),
    EventKind.TRANSFERRED_OUT: (ACTIVE_STATUSES, Status.TRANSFERRED_OUT),
    EventKind.REMOVED: (ACTIVE_STATUSES, Status.REMOVED),
    EventKind.EXPELLED: (ACTIVE_STATUSES, Status.EXPELLED),
    EventKind.LEFT: (ACTIVE_STATUSES, Status.LEFT),
    EventKind.DIED: (ACTIVE_STATUSES, Status.DIED),
}

# The words of a members file (pipeline/vocabulary.py), as statuses.
STATUS_FROM_IMPORT = {k: Status(v) if v else None for k, v in vocabulary.STATUSES.items()}


class TransitionError(ValueError):
    """The message is Vietnamese, for the user."""


def next_status(kind: str, current: str, *, is_official: bool) -> str:
    allowed, target = TRANSITIONS[kind]
    if current not in allowed:
        raise TransitionError(
            _("Không thể ghi “{v1}” cho đảng viên đang ở trạng thái “{v2}”").format(
                v1=EventKind(kind).label, v2=Status(current).label
            )
        )
    if kind == EventKind.CELL_CHANGED:
        return current
    if target is None:
        return Status.OFFICIAL if is_official else Status.PROBATIONARY
    return target


@dataclass(frozen=True)
class PlannedEvent:
    kind: str
    on: dt.date
    status: str


def initial_events(
    *, admission_date: dt.date, official_date: dt.date | None, status: str | None, status_since: dt.date
) -> list[PlannedEvent]:
    """The events that bring a member registered from paper to the state they are in."""
    events = [PlannedEvent(EventKind.ADMITTED, admission_date, Status.PROBATIONARY)]
    if official_date is not None:
        events.append(PlannedEvent(EventKind.MADE_OFFICIAL, official_date, Status.OFFICIAL))
    if status == Status.EXEMPT:
        events.append(PlannedEvent(EventKind.EXEMPTED, max(status_since, events[-1].on), Status.EXEMPT))
    elif status == Status.TEMP_EXEMPT:
        events.append(
            PlannedEvent(EventKind.TEMP_EXEMPTED, max(status_since, events[-1].on), Status.TEMP_EXEMPT)
        )
    return events


def check_dates(
    *, birth_date: dt.date, admission_date: dt.date, official_date: dt.date | None, today: dt.date
) -> ServiceError | None:
    """The first impossible date, as the refusal to raise (its field says which date);
    None when the dates make sense."""
    if admission_date > today:
        return ServiceError("members.admitted_in_future", field="admission_date")
    if admission_date < dt.date(1930, 2, 3):
        return ServiceError("members.admitted_before_party", field="admission_date")
    if birth_date >= admission_date:
        return ServiceError("members.admitted_before_birth", field="admission_date")
    if official_date is not None:
        if official_date < admission_date:
            return ServiceError("members.official_before_admitted", field="official_date")
        if official_date > today:
            return ServiceError("members.official_in_future", field="official_date")
    return None
