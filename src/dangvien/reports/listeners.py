"""The kept figures follow every write that can change a count: one listener per event,
instead of a stamp call at each writer (reports/figures.py says how stamps work)."""

from __future__ import annotations

from dangvien.core.events import listen
from dangvien.members.events import MembershipsChanged
from dangvien.orgs.events import OrganizationsChanged, TreeChanged, TreeRebuilt
from dangvien.people.events import PeopleChanged
from dangvien.reports.figures import (
    EVERYTHING,
    figures_touch_cells,
    figures_touch_people,
    figures_touch_units,
    tree_touch,
    unit_of,
)


@listen(PeopleChanged)
def stamp_people(event: PeopleChanged) -> None:
    figures_touch_people(event.person_ids)


@listen(MembershipsChanged)
def stamp_cells(event: MembershipsChanged) -> None:
    figures_touch_cells(event.cell_ids)


@listen(OrganizationsChanged)
def stamp_organizations(event: OrganizationsChanged) -> None:
    figures_touch_units(unit_of(p) for p in event.paths if p)


@listen(TreeRebuilt)
def stamp_everything(event: TreeRebuilt) -> None:
    figures_touch_units([EVERYTHING])


# Registered last: the subclasses' listeners above stamp the units first, then every change
# of the tree gets its new token, so that writers lock the stamps in one order.
@listen(TreeChanged)
def new_tree_token(event: TreeChanged) -> None:
    tree_touch()
