"""Writes to the member registry. The current state of a membership only ever changes
through `_apply`, which appends the event, closes the open period and opens the next."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.bulk import allocate_ids, bulk_insert
from dangvien.core.errors import ServiceError, StaleError
from dangvien.core.events import announce
from dangvien.core.text import clean_name, fold, vietnamese_sort_key
from dangvien.members.events import MemberEventProposed, MembershipEnded, MembershipsChanged
from dangvien.members.lifecycle import (
    TRANSITIONS,
    PlannedEvent,
    TransitionError,
    check_dates,
    initial_events,
    next_status,
)
from dangvien.members.models import (
    ACTIVE_STATUSES,
    EventKind,
    MemberEvent,
    Membership,
    MembershipPeriod,
    Status,
)
from dangvien.members.tally import tally_add, tally_move
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for
from dangvien.people.models import Person
from dangvien.people.services import PersonData, person_apply

_CARD_MAX = 20


# Leaving the rolls is decided by a committee: the event carries its decision's number.
NEEDS_DECISION = (EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT)


def _clean_card(card_number: str | None) -> str | None:
    card = (card_number or "").strip()
    if not card:
        return None
    if len(card) > _CARD_MAX or not card.replace("-", "").isalnum():
        raise ServiceError("members.card_invalid", field="card_number")
    return card


def _check_cell(actor: User | None, cell: Organization) -> None:
    require_write(scope_for(actor), cell)
    if not cell.is_cell:
        raise ServiceError("members.not_a_cell", cell=cell, field="cell")
    if not cell.is_active:
        raise ServiceError("members.cell_dissolved", cell=cell, field="cell")


def _apply(
    m: Membership,
    *,
    kind: str,
    on: dt.date,
    status: str,
    cell: Organization,
    actor: User | None,
    decision_ref: str = "",
    note: str = "",
) -> MemberEvent:
    event = MemberEvent.objects.create(
        membership=m,
        kind=kind,
        on=on,
        status=status,
        cell=cell,
        decision_ref=decision_ref.strip(),
        note=note.strip(),
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    open_period = MembershipPeriod.objects.filter(membership=m, valid_to__isnull=True).first()
    if open_period is not None and open_period.valid_from >= on:
        open_period.status, open_period.cell = status, cell
        open_period.save(update_fields=["status", "cell"])
    else:
        if open_period is not None:
            open_period.valid_to = on
            open_period.save(update_fields=["valid_to"])
        MembershipPeriod.objects.create(membership=m, cell=cell, status=status, valid_from=on)
    tally_move([(m.cell_id, m.status)], [(cell.pk, status)])
    announce(MembershipsChanged(tuple({m.cell_id, cell.pk})))
    m.status, m.status_since, m.cell = status, on, cell
    m.is_active = status in ACTIVE_STATUSES
    if kind == EventKind.MADE_OFFICIAL:
        m.official_date = on
    m.version += 1
    m.save(update_fields=["status", "status_since", "cell", "is_active", "official_date", "version"])
    return event


@transaction.atomic
def member_register(
    *,
    actor: User | None,
    person: PersonData,
    cell: Organization,
    admission_date: dt.date,
    card_number: str | None = None,
    ceremony_date: dt.date | None = None,
    official_date: dt.date | None = None,
    status: str | None = None,
) -> Membership:
    """Enter into the registry a member admitted before (from the paper records)."""
    _check_cell(actor, cell)
    today = timezone.localdate()
    problem = check_dates(
        birth_date=person.birth_date, admission_date=admission_date, official_date=official_date, today=today
    )
    if problem is not None:
        raise problem
    if status in (Status.EXEMPT,) and official_date is None:
        raise ServiceError("members.probationary_exempt", field="status")
    card = _clean_card(card_number)
    if card and Membership.objects.filter(card_number=card).exists():
        raise ServiceError("members.card_taken", card=card, field="card_number")
    p = person_apply(actor=actor, data=person, audit=False)
    if p.memberships.filter(is_active=True).exists():
        raise ServiceError("members.already_member_same_cccd", p=p, field="cccd")
    (membership_id,) = members_bulk_register(
        actor=actor,
        note="",
        items=[
            NewMember(
                person=p,
                card_number=card,
                cell_id=cell.pk,
                admission_date=admission_date,
                official_date=official_date,
                status=status,
                status_since=today,
                ceremony_date=ceremony_date,
            )
        ],
    )
    m = Membership.objects.select_related("cell", "person").get(pk=membership_id)
    audit_log(
        actor=actor,
        action="members.register",
        obj=m,
        changes={
            "person": p.pk,
            "cell": cell.code,
            "card_number": card,
            "admission_date": admission_date,
            "official_date": official_date,
            "status": m.status,
            "cccd": p.cccd,
        },
    )
    return m


@transaction.atomic
def member_update(
    *,
    actor: User | None,
    membership: Membership,
    expected_version: int,
    person: PersonData,
    card_number: str | None,
    ceremony_date: dt.date | None,
) -> Membership:
    """Correct identity data and the card number (not the status: that is an event)."""
    m = Membership.objects.select_for_update().select_related("cell", "person").get(pk=membership.pk)
    if m.version != expected_version:
        raise StaleError
    require_write(scope_for(actor), m.cell)
    card = _clean_card(card_number)
    if card and Membership.objects.filter(card_number=card).exclude(pk=m.pk).exists():
        raise ServiceError("members.card_taken", card=card, field="card_number")
    changes: dict[str, Any] = {}
    if card != m.card_number:
        changes["card_number"] = [m.card_number, card]
    if ceremony_date != m.ceremony_date:
        changes["ceremony_date"] = [m.ceremony_date, ceremony_date]
    person_apply(actor=actor, data=person, existing=m.person, audit=False, collect=changes)
    if not changes:
        return m
    m.card_number, m.ceremony_date = card, ceremony_date
    m.version += 1
    m.save(update_fields=["card_number", "ceremony_date", "version"])
    audit_log(actor=actor, action="members.update", obj=m, changes=changes)
    return m


@transaction.atomic
def member_record_event(
    *,
    actor: User | None,
    membership: Membership,
    kind: str,
    on: dt.date,
    expected_version: int | None = None,
    to_cell: Organization | None = None,
    decision_ref: str = "",
    note: str = "",
    by_recognition: bool = False,
    by_transfer: bool = False,
) -> MemberEvent:
    """Record one dated event of a membership. Recognition (made official) belongs to the
    recognition dossier and moves between cells to the transfers (cases package): those
    services call here with by_recognition / by_transfer; the generic form cannot."""
    m = Membership.objects.select_for_update().select_related("cell").get(pk=membership.pk)
    if expected_version is not None and m.version != expected_version:
        raise StaleError
    if not by_transfer:  # a transfer is received by the other side, checked by its service
        require_write(scope_for(actor), m.cell)
    if kind not in EventKind.values or kind == EventKind.ADMITTED:
        raise ServiceError("members.event_kind_invalid", field="kind")
    if kind in NEEDS_DECISION and not decision_ref.strip():
        raise ServiceError("members.decision_ref_missing", field="decision_ref")
    if on > timezone.localdate():
        raise ServiceError("members.date_in_future", field="on")
    last = m.events.order_by("-on", "-id").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ServiceError(
            "members.event_out_of_order",
            on=on,
            last=last,
            field="on",
        )
    try:
        status = next_status(kind, m.status, is_official=m.official_date is not None)
    except TransitionError as exc:
        raise ServiceError("core.reason", field="kind", reason=str(exc)) from None
    cell = m.cell
    if kind == EventKind.CELL_CHANGED:
        if to_cell is None or to_cell.pk == m.cell_id:
            raise ServiceError("members.same_cell", field="to_cell")
        _check_cell(actor, to_cell)
        cell = to_cell
    if kind == EventKind.MADE_OFFICIAL and on <= m.admission_date:
        raise ServiceError("members.official_before_admission", field="on")
    # The steps other packages own (a recognition dossier, an open transfer) refuse here.
    announce(MemberEventProposed(m.pk, kind, by_recognition, by_transfer))
    old_status = m.status
    event = _apply(
        m, kind=kind, on=on, status=status, cell=cell, actor=actor, decision_ref=decision_ref, note=note
    )
    if status not in ACTIVE_STATUSES:
        # The membership ended (or left the system): nothing of it stays open anywhere.
        reason = f"{EventKind(kind).label} ngày {on:%d/%m/%Y}"
        announce(MembershipEnded(m.pk, on, reason, by_transfer))
    audit_log(
        actor=actor,
        action=f"members.event.{kind}",
        obj=m,
        changes={"on": on, "status": [old_status, status], "cell": cell.code, "decision_ref": decision_ref},
    )
    return event


def memberships_move_cell(
    *, actor: User | None, memberships: QuerySet[Membership], to_cell: Organization, on: dt.date, note: str
) -> int:
    """Move many members at once (a merge or split), one dated event each, in bulk."""
    moving = list(memberships.select_for_update().values_list("pk", "status", "cell_id"))
    if not moving:
        return 0
    rows = [(pk, status) for pk, status, _ in moving]
    ids = [pk for pk, _ in rows]
    tally_move(
        [(cell, status) for _, status, cell in moving], [(to_cell.pk, status) for _, status, _ in moving]
    )
    announce(MembershipsChanged(tuple({cell for _, _, cell in moving} | {to_cell.pk})))
    recorded_by = actor if actor is not None and actor.pk else None
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(
                membership_id=pk,
                kind=EventKind.CELL_CHANGED,
                on=on,
                status=status,
                cell=to_cell,
                note=note[:500],
                recorded_by=recorded_by,
            )
            for pk, status in rows
        ],
        batch_size=1000,
    )
    open_periods = MembershipPeriod.objects.filter(membership_id__in=ids, valid_to__isnull=True)
    same_day = list(open_periods.filter(valid_from__gte=on).values_list("membership_id", flat=True))
    open_periods.filter(valid_from__gte=on).update(cell=to_cell)
    open_periods.filter(valid_from__lt=on).update(valid_to=on)
    same = set(same_day)
    MembershipPeriod.objects.bulk_create(
        [
            MembershipPeriod(membership_id=pk, cell=to_cell, status=status, valid_from=on)
            for pk, status in rows
            if pk not in same
        ],
        batch_size=1000,
    )
    Membership.objects.filter(pk__in=ids).update(cell=to_cell, version=F("version") + 1)
    return len(rows)


def membership_replay(m: Membership) -> list[str]:
    """Differences between the stored state and what the events say (empty = consistent)."""
    events = list(m.events.order_by("on", "id"))
    problems: list[str] = []
    if not events or events[0].kind != EventKind.ADMITTED:
        return ["no admission event"]
    status, cell_id, official = events[0].status, events[0].cell_id, None
    for e in events[1:]:
        if e.kind == EventKind.MADE_OFFICIAL:
            official = e.on
        status, cell_id = e.status, e.cell_id
    if m.status != status:
        problems.append(f"status {m.status} != {status}")
    if m.cell_id != cell_id:
        problems.append(f"cell {m.cell_id} != {cell_id}")
    if official is not None and m.official_date != official:
        problems.append(f"official_date {m.official_date} != {official}")
    if m.is_active != (status in ACTIVE_STATUSES):
        problems.append("is_active")
    periods = list(m.periods.order_by("valid_from"))
    if sum(1 for p in periods if p.valid_to is None) != 1:
        problems.append("open periods != 1")
    if periods and (periods[-1].status != status or periods[-1].cell_id != cell_id):
        problems.append("last period")
    for a, b in itertools.pairwise(periods):
        if a.valid_to != b.valid_from:
            problems.append("gap between periods")
    return problems


@dataclass
class NewMember:
    person: PersonData | Person  # an existing Person is reused (a re-admission)
    card_number: str | None
    cell_id: int
    admission_date: dt.date
    official_date: dt.date | None
    status: str | None  # None, or exempt / temporarily exempt
    status_since: dt.date | None = None
    ended: tuple[str, dt.date] | None = None  # (event kind, date) for members who already left
    ceremony_date: dt.date | None = None
    decision_ref: str = ""  # the admission decision's number, on the "admitted" event


def members_bulk_register(*, actor: User | None, items: list[NewMember], note: str) -> list[int]:
    """Register many already-validated members (import, demo) and return their ids.

    Writes exactly the rows member_register writes — the person, the membership, one
    event per step and the periods between them — in four bulk inserts. The caller
    validates and audits (one entry for the whole file)."""
    recorded_by = actor.pk if actor is not None and actor.pk else None
    now = timezone.now()
    today = timezone.localdate()
    new_people = [it.person for it in items if isinstance(it.person, PersonData)]
    person_ids = iter(allocate_ids(Person, len(new_people)))
    person_rows = []
    ids_for_items = []
    for it in items:
        if isinstance(it.person, PersonData):
            d = it.person
            pk = next(person_ids)
            name = clean_name(d.full_name)
            person_rows.append(
                (
                    pk,
                    name,
                    fold(name),
                    vietnamese_sort_key(name),
                    d.birth_date,
                    d.sex,
                    d.cccd or None,
                    d.old_id,
                    d.ethnicity,
                    d.religion,
                    d.home_town,
                    d.residence_province,
                    d.residence_ward,
                    d.residence_detail,
                    d.education,
                    d.profession,
                    d.phone,
                    now,
                    now,
                    1,
                )
            )
            ids_for_items.append(pk)
        else:
            ids_for_items.append(it.person.pk)
    bulk_insert(Person, PERSON_COLUMNS, person_rows)
    membership_ids = allocate_ids(Membership, len(items))
    membership_rows, event_rows, period_rows = [], [], []
    for it, person_id, mid in zip(items, ids_for_items, membership_ids, strict=True):
        plan = initial_events(
            admission_date=it.admission_date,
            official_date=it.official_date,
            status=it.status,
            status_since=it.status_since or today,
        )
        if it.ended is not None:
            kind, on = it.ended
            plan.append(PlannedEvent(kind, max(on, plan[-1].on), TRANSITIONS[kind][1] or plan[-1].status))
        last = plan[-1]
        membership_rows.append(
            (
                mid,
                person_id,
                it.card_number,
                it.cell_id,
                it.admission_date,
                it.ceremony_date,
                it.official_date,
                last.status,
                last.on,
                last.status in ACTIVE_STATUSES,
                1,
                now,
            )
        )
        for i, e in enumerate(plan):
            ref = it.decision_ref[:100] if e.kind == EventKind.ADMITTED else ""
            event_rows.append((mid, e.kind, e.on, e.status, it.cell_id, ref, note, now, recorded_by))
            valid_to = plan[i + 1].on if i + 1 < len(plan) else None
            if valid_to != e.on:  # two events on one day: only the later state held
                period_rows.append((mid, it.cell_id, e.status, e.on, valid_to))
    bulk_insert(Membership, MEMBERSHIP_COLUMNS, membership_rows)
    bulk_insert(MemberEvent, EVENT_COLUMNS, event_rows)
    bulk_insert(MembershipPeriod, PERIOD_COLUMNS, period_rows)
    tally_add(Counter((row[3], row[7]) for row in membership_rows))
    announce(MembershipsChanged(tuple({row[3] for row in membership_rows})))
    return membership_ids


PERSON_COLUMNS = (
    "id",
    "full_name",
    "name_search",
    "sort_key",
    "birth_date",
    "sex",
    "cccd",
    "old_id",
    "ethnicity",
    "religion",
    "home_town",
    "residence_province",
    "residence_ward",
    "residence_detail",
    "education",
    "profession",
    "phone",
    "created_at",
    "updated_at",
    "version",
)
MEMBERSHIP_COLUMNS = (
    "id",
    "person_id",
    "card_number",
    "cell_id",
    "admission_date",
    "ceremony_date",
    "official_date",
    "status",
    "status_since",
    "is_active",
    "version",
    "created_at",
)
EVENT_COLUMNS = (
    "membership_id",
    "kind",
    "on",
    "status",
    "cell_id",
    "decision_ref",
    "note",
    "recorded_at",
    "recorded_by_id",
)
PERIOD_COLUMNS = ("membership_id", "cell_id", "status", "valid_from", "valid_to")
