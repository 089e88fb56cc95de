"""What the tree's writes announce (core/events.py). Listeners: reports/listeners.py
(the kept figures and the tree's token), members/listeners.py (the members of an absorbed
organization)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dangvien.core.events import Event

if TYPE_CHECKING:
    from dangvien.accounts.models import User


@dataclass(frozen=True)
class TreeChanged(Event):
    """An organization was created: the tree of a day changed, no member was counted yet."""


@dataclass(frozen=True)
class OrganizationsChanged(TreeChanged):
    """Organizations at these paths changed kind, sector, place or name (a version was
    opened or closed): the members counted there may count differently."""

    paths: tuple[str, ...]


@dataclass(frozen=True)
class TreeRebuilt(TreeChanged):
    """Every path was recomputed (a tree imported in bulk): nothing kept can be trusted."""


@dataclass(frozen=True)
class OrganizationAbsorbed(Event):
    """A reorganization (merge or split) gives `source`'s members (all, or those listed) to
    `target` from `on`. The members package records each one's move."""

    source_id: int
    target_id: int
    on: dt.date
    member_ids: tuple[int, ...] | None
    note: str
    actor: User | None
