"""What the registry's writes announce (core/events.py). Listeners: reports/listeners.py
(the kept figures), cases/listeners.py (the dossiers a membership's change touches)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.core.events import Event


@dataclass(frozen=True)
class MembershipsChanged(Event):
    """Members of these cells were admitted, moved, or changed status (any date, back-dated
    too): the counts of every unit the cells ever stood in may change."""

    cell_ids: tuple[int, ...]


@dataclass(frozen=True)
class MemberEventProposed(Event):
    """An event is about to be recorded on a membership. A listener refuses it (raises a
    ServiceError) when another package owns that step: a recognition dossier records the
    membership made official, an open transfer its move."""

    membership_id: int
    kind: str
    by_recognition: bool
    by_transfer: bool


@dataclass(frozen=True)
class MembershipEnded(Event):
    """The membership left the active registry (death, expulsion, removal, moved out): nothing
    of it may stay open anywhere. `by_transfer`: the transfer that moved it out ended it."""

    membership_id: int
    on: dt.date
    reason: str
    by_transfer: bool
