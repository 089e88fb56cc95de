"""What the registry does when the tree changes under it (orgs/events.py)."""

from __future__ import annotations

from dangvien.core.events import listen
from dangvien.members.models import Membership
from dangvien.members.services import memberships_move_cell
from dangvien.orgs.events import OrganizationAbsorbed
from dangvien.orgs.models import Organization


@listen(OrganizationAbsorbed)
def move_the_members(event: OrganizationAbsorbed) -> None:
    """A merge or split: each member of the source (or each listed) moves to the target on
    the reorganization's day, one dated event each."""
    memberships = Membership.objects.filter(cell_id=event.source_id, is_active=True)
    if event.member_ids is not None:
        memberships = memberships.filter(pk__in=event.member_ids)
    memberships_move_cell(
        actor=event.actor,
        memberships=memberships,
        to_cell=Organization.objects.get(pk=event.target_id),
        on=event.on,
        note=event.note,
    )
