"""What the dossiers do when the registry changes under them (members/events.py)."""

from __future__ import annotations

from dangvien.cases.models import OPEN_TRANSFER_STATES, Recognition, Transfer
from dangvien.cases.recognition.services import recognition_close_for_departure
from dangvien.cases.transfer.services import transfers_close_for_departure
from dangvien.core.errors import ServiceError
from dangvien.core.events import listen
from dangvien.members.events import MemberEventProposed, MembershipEnded
from dangvien.members.models import EventKind


@listen(MemberEventProposed)
def refuse_steps_owned_by_a_dossier(event: MemberEventProposed) -> None:
    """A member with a recognition dossier is made official by that dossier's decision; a
    member with an open transfer moves by receiving (or cancelling) it."""
    if (
        event.kind == EventKind.MADE_OFFICIAL
        and not event.by_recognition
        and Recognition.objects.filter(membership_id=event.membership_id).exists()
    ):
        raise ServiceError(
            "cases.official_by_recognition",
            field="kind",
        )
    if (
        event.kind in (EventKind.CELL_CHANGED, EventKind.TRANSFERRED_OUT)
        and not event.by_transfer
        and Transfer.objects.filter(
            membership_id=event.membership_id, state__in=OPEN_TRANSFER_STATES
        ).exists()
    ):
        raise ServiceError(
            "cases.open_transfer",
            field="kind",
        )


@listen(MembershipEnded)
def close_what_the_leaver_left_open(event: MembershipEnded) -> None:
    recognition_close_for_departure(membership_id=event.membership_id, on=event.on, reason=event.reason)
    if not event.by_transfer:  # the transfer that moved the member out closes itself
        transfers_close_for_departure(membership_id=event.membership_id, on=event.on, reason=event.reason)
