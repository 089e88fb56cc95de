"""Transfers of party activity (QĐ 294 6.3): create, issue the introduction letter,
receive, return (temporary), cancel. The sending side writes through the member's cell;
the receiving side through the destination cell; neither needs the other's tree.

A permanent transfer keeps the member counted in the sending cell until the receiving
cell records it (one CELL_CHANGED event on the day received): a member is never on no
list. A transfer outside the system ends the membership here (TRANSFERRED_OUT) on the
letter's date, as the paper records would."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.models import OPEN_TRANSFER_STATES, Transfer, TransferKind, TransferState
from dangvien.core.dates import add_months
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.core.versioned import lock_for_write, save_versioned
from dangvien.members.models import ACTIVE_STATUSES, EventKind, Membership
from dangvien.members.services import member_record_event
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook

TEMPORARY_MAX_MONTHS = 24  # full-time study: 3 months to 2 years (QĐ 24 6.3.2)


def _lock(transfer: Transfer, expected_version: int) -> Transfer:
    queryset = Transfer.objects.select_related(
        "membership__person", "membership__cell", "from_cell", "to_cell"
    )
    return lock_for_write(queryset, transfer.pk, expected_version)


def find_destination(code: str) -> Organization:
    """A receiving cell by its code, anywhere in the system: the sending side knows the
    code from the receiving side's papers, not from browsing its tree."""
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None:
        raise ServiceError("cases.no_such_destination", v1=code.strip()[:40], field="to_code")
    if not org.is_cell:
        raise ServiceError("cases.destination_not_cell", org=org, field="to_code")
    if not org.is_active:
        raise ServiceError("cases.destination_dissolved", org=org, field="to_code")
    return org


@transaction.atomic
def transfer_create(
    *,
    actor: User | None,
    membership: Membership,
    kind: str,
    moved_on: dt.date,
    reason: str,
    to_cell: Organization | None = None,
    outside_name: str = "",
    until: dt.date | None = None,
) -> Transfer:
    """The sending side records the decision (or the move) to transfer: the member must
    complete the transfer within 60 working days of it."""
    m = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cell", "person")
        .get(pk=membership.pk)
    )
    require_write(scope_for(actor), m.cell)
    if m.status not in ACTIVE_STATUSES:
        raise ServiceError("cases.transfer_member_gone", m=m, v1=m.get_status_display().lower())
    if kind not in TransferKind.values:
        raise ServiceError("cases.transfer_kind_missing", field="kind")
    not_future(moved_on, "moved_on")
    last = m.events.order_by("-on", "-id").values_list("on", flat=True).first()
    if last is not None and moved_on < last:
        raise ServiceError(
            "cases.transfer_before_last_event",
            moved_on=moved_on,
            last=last,
            field="moved_on",
        )
    if not reason.strip():
        raise ServiceError("cases.transfer_reason_missing", field="reason")
    if (to_cell is None) == (not outside_name.strip()):
        raise ServiceError("cases.destination_missing", field="to_code")
    if to_cell is not None and to_cell.pk == m.cell_id:
        raise ServiceError("cases.destination_same_cell", field="to_code")
    if kind == TransferKind.TEMPORARY:
        if until is None or until <= moved_on:
            raise ServiceError("cases.temporary_end_missing", field="until")
        if until > add_months(moved_on, TEMPORARY_MAX_MONTHS):
            raise ServiceError("cases.temporary_too_long", field="until")
    elif until is not None:
        raise ServiceError("cases.permanent_has_no_end", field="until")
    book, cal = RuleBook.load(), calendar_from_db()
    days = int(book.value("deadline.transfer_complete_working_days", on=moved_on, org=m.cell))
    complete_by = cal.add_working_days(moved_on, days)
    try:
        with transaction.atomic():
            t = Transfer.objects.create(
                membership=m,
                kind=kind,
                from_cell=m.cell,
                to_cell=to_cell,
                outside_name=outside_name.strip()[:300],
                reason=reason.strip()[:500],
                moved_on=moved_on,
                complete_by=complete_by,
                until=until,
                due_on=complete_by,
                created_by=recorded_by(actor),
            )
    except IntegrityError:
        raise ServiceError("cases.transfer_already_open", m=m) from None
    audit_log(
        actor=actor,
        action="transfers.create",
        obj=t,
        changes={
            "membership": m.pk,
            "kind": kind,
            "from": m.cell.code,
            "to": to_cell.code if to_cell else outside_name,
            "moved_on": moved_on,
        },
    )
    return t


@transaction.atomic
def transfer_issue_letter(
    *,
    actor: User | None,
    transfer: Transfer,
    expected_version: int,
    letter_ref: str,
    letter_on: dt.date,
    issued_by: str = "",
) -> Transfer:
    """The introduction letter (number, date): the member presents it to the receiving
    cell within 30 working days. Outside the system, the transfer ends here."""
    t = _lock(transfer, expected_version)
    require_write(scope_for(actor), t.from_cell)
    if t.state != TransferState.PREPARING:
        raise ServiceError("cases.letter_already_recorded", v1=t.get_state_display())
    if not letter_ref.strip():
        raise ServiceError("cases.letter_number_missing", field="letter_ref")
    not_future(letter_on, "letter_on")
    if letter_on < t.moved_on:
        raise ServiceError("cases.letter_before_move", t=t, field="letter_on")
    t.letter_ref, t.letter_on, t.issued_by = letter_ref.strip()[:100], letter_on, issued_by.strip()[:200]
    if t.to_cell_id is None:
        t.state, t.due_on = TransferState.SENT_OUTSIDE, None
        if t.kind == TransferKind.PERMANENT:
            member_record_event(
                actor=actor,
                membership=t.membership,
                kind=EventKind.TRANSFERRED_OUT,
                on=letter_on,
                decision_ref=t.letter_ref,
                note=f"Chuyển đến {t.outside_name}",
                by_transfer=True,
            )
    else:
        book, cal = RuleBook.load(), calendar_from_db()
        days = int(book.value("deadline.transfer_present_working_days", on=letter_on, org=t.from_cell))
        t.present_by = cal.add_working_days(letter_on, days)
        t.state, t.due_on = TransferState.IN_TRANSIT, min(t.present_by, t.complete_by)
    save_versioned(t, "letter_ref", "letter_on", "issued_by", "present_by", "state", "due_on")
    audit_log(
        actor=actor,
        action="transfers.letter",
        obj=t,
        changes={"letter_ref": letter_ref, "letter_on": letter_on, "state": t.state},
    )
    return t


@transaction.atomic
def transfer_receive(
    *, actor: User | None, transfer: Transfer, expected_version: int, received_on: dt.date
) -> Transfer:
    """The receiving cell records the member's arrival. Permanent: the member moves to the
    receiving cell that day. Temporary: the member is shown there, counted where the
    membership is. A late arrival is recorded all the same (and shows as late)."""
    t = _lock(transfer, expected_version)
    if t.to_cell is None:
        raise ServiceError("cases.outside_no_receiver")
    require_write(scope_for(actor), t.to_cell)
    if t.state != TransferState.IN_TRANSIT:
        raise ServiceError("cases.cannot_receive", v1=t.get_state_display())
    not_future(received_on, "received_on")
    assert t.letter_on is not None
    if received_on < t.letter_on:
        raise ServiceError("cases.received_before_letter", t=t, field="received_on")
    if t.kind == TransferKind.PERMANENT:
        if not t.to_cell.is_active:
            raise ServiceError("cases.receiver_dissolved", t=t)
        member_record_event(
            actor=actor,
            membership=t.membership,
            kind=EventKind.CELL_CHANGED,
            on=received_on,
            to_cell=t.to_cell,
            decision_ref=t.letter_ref,
            note=f"Chuyển sinh hoạt từ {t.from_cell.name}",
            by_transfer=True,
        )
    t.state, t.received_on, t.received_by = TransferState.RECEIVED, received_on, recorded_by(actor)
    t.due_on = None
    save_versioned(t, "state", "received_on", "received_by", "due_on")
    audit_log(actor=actor, action="transfers.receive", obj=t, changes={"received_on": received_on})
    return t


@transaction.atomic
def transfer_return(
    *, actor: User | None, transfer: Transfer, expected_version: int, on: dt.date
) -> Transfer:
    """A temporary member goes back to where the membership is (either side records it)."""
    t = _lock(transfer, expected_version)
    scope = scope_for(actor)
    if not (scope.can_write(t.from_cell) or (t.to_cell is not None and scope.can_write(t.to_cell))):
        require_write(scope, t.from_cell)
    if t.kind != TransferKind.TEMPORARY or t.state not in (
        TransferState.RECEIVED,
        TransferState.SENT_OUTSIDE,
    ):
        raise ServiceError("cases.return_not_temporary")
    not_future(on, "on")
    start = t.received_on or t.letter_on
    assert start is not None
    if on < start:
        raise ServiceError("cases.return_too_early", start=start, field="on")
    t.state, t.returned_on = TransferState.RETURNED, on
    save_versioned(t, "state", "returned_on")
    audit_log(actor=actor, action="transfers.return", obj=t, changes={"on": on})
    return t


@transaction.atomic
def transfer_cancel(
    *, actor: User | None, transfer: Transfer, expected_version: int, on: dt.date, reason: str
) -> Transfer:
    """The sending side withdraws a transfer not yet received (the member stays)."""
    t = _lock(transfer, expected_version)
    require_write(scope_for(actor), t.from_cell)
    if t.state not in OPEN_TRANSFER_STATES:
        raise ServiceError("cases.cannot_cancel", v1=t.get_state_display())
    if not reason.strip():
        raise ServiceError("cases.cancel_reason_missing", field="reason")
    not_future(on, "on")
    t.state, t.cancelled_on, t.cancel_reason, t.due_on = (
        TransferState.CANCELLED,
        on,
        reason.strip()[:500],
        None,
    )
    save_versioned(t, "state", "cancelled_on", "cancel_reason", "due_on")
    audit_log(actor=actor, action="transfers.cancel", obj=t, changes={"on": on, "reason": reason})
    return t


def transfers_close_for_departure(*, membership_id: int, on: dt.date, reason: str) -> None:
    """The membership ended: an open transfer is cancelled, a temporary stay ends."""
    Transfer.objects.filter(membership_id=membership_id, state__in=OPEN_TRANSFER_STATES).update(
        state=TransferState.CANCELLED,
        cancelled_on=on,
        cancel_reason=reason[:500],
        due_on=None,
        version=F("version") + 1,  # a form opened before the departure is now stale
    )
    Transfer.objects.filter(
        Q(state=TransferState.RECEIVED) | Q(state=TransferState.SENT_OUTSIDE),
        membership_id=membership_id,
        kind=TransferKind.TEMPORARY,
    ).update(state=TransferState.RETURNED, returned_on=on, version=F("version") + 1)
