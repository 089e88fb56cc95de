"""Exemption and temporary exemption from party activity, from the member's request to
its end (QĐ 24 7.1; HD 01/2021 10.3), and the residence registration of members living
elsewhere than their cell. The status changes are member events, written by
services.member_record_event like every other."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future
from dangvien.core.versioned import lock_for_write, save_versioned
from dangvien.members.models import EventKind, Exemption, ExemptionKind, Membership, Residence, Status
from dangvien.members.services import member_record_event
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for

_EVENT = {ExemptionKind.EXEMPT: EventKind.EXEMPTED, ExemptionKind.TEMP_EXEMPT: EventKind.TEMP_EXEMPTED}
_FROM = {
    ExemptionKind.EXEMPT: (Status.OFFICIAL, Status.TEMP_EXEMPT),
    ExemptionKind.TEMP_EXEMPT: (Status.OFFICIAL, Status.PROBATIONARY),
}


def _lock(actor: User | None, exemption: Exemption, expected_version: int) -> Exemption:
    e = lock_for_write(Exemption.objects.select_related("membership__cell"), exemption.pk, expected_version)
    require_write(scope_for(actor), e.membership.cell)
    return e


@transaction.atomic
def exemption_request(
    *, actor: User | None, membership: Membership, kind: str, requested_on: dt.date, reason: str
) -> Exemption:
    m = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cell", "person")
        .get(pk=membership.pk)
    )
    require_write(scope_for(actor), m.cell)
    if kind not in ExemptionKind.values:
        raise ServiceError("members.exemption_kind_missing", field="kind")
    not_future(requested_on, "requested_on")
    if m.status not in _FROM[ExemptionKind(kind)]:
        raise ServiceError(
            "members.exemption_not_allowed", v1=ExemptionKind(kind).label, v2=m.get_status_display()
        )
    if not reason.strip():
        raise ServiceError("members.exemption_reason_missing", field="reason")
    try:
        with transaction.atomic():
            e = Exemption.objects.create(
                membership=m, kind=kind, requested_on=requested_on, reason=reason.strip()[:500]
            )
    except IntegrityError:
        raise ServiceError("members.exemption_open", m=m) from None
    audit_log(
        actor=actor, action="members.exemption.request", obj=e, changes={"kind": kind, "on": requested_on}
    )
    return e


@transaction.atomic
def exemption_decide(
    *,
    actor: User | None,
    exemption: Exemption,
    expected_version: int,
    decided_on: dt.date,
    decision_ref: str,
    approved: bool = True,
) -> Exemption:
    """The cell's decision. Approved: the member is (temporarily) exempt from that day."""
    e = _lock(actor, exemption, expected_version)
    if e.decided_on is not None or e.refused:
        raise ServiceError("members.exemption_decided")
    not_future(decided_on, "decided_on")
    if decided_on < e.requested_on:
        raise ServiceError("members.decided_before_request", field="decided_on")
    if not decision_ref.strip():
        raise ServiceError("members.resolution_missing", field="decision_ref")
    e.decided_on, e.decision_ref, e.refused = decided_on, decision_ref.strip()[:100], not approved
    if approved:
        member_record_event(
            actor=actor,
            membership=e.membership,
            kind=_EVENT[ExemptionKind(e.kind)],
            on=decided_on,
            decision_ref=e.decision_ref,
            note=e.reason,
        )
    save_versioned(e, "decided_on", "decision_ref", "refused")
    audit_log(
        actor=actor,
        action="members.exemption.decide",
        obj=e,
        changes={"decided_on": decided_on, "decision_ref": decision_ref, "approved": approved},
    )
    return e


@transaction.atomic
def exemption_report(
    *, actor: User | None, exemption: Exemption, expected_version: int, reported_on: dt.date
) -> Exemption:
    """The cell reports its decision to the committee above."""
    e = _lock(actor, exemption, expected_version)
    if e.decided_on is None or e.refused:
        raise ServiceError("members.report_before_decision")
    if e.reported_on is not None:
        raise ServiceError("members.already_reported", e=e)
    not_future(reported_on, "reported_on")
    if reported_on < e.decided_on:
        raise ServiceError("members.reported_before_decided", field="reported_on")
    e.reported_on = reported_on
    save_versioned(e, "reported_on")
    audit_log(actor=actor, action="members.exemption.report", obj=e, changes={"reported_on": reported_on})
    return e


@transaction.atomic
def exemption_end(
    *, actor: User | None, exemption: Exemption, expected_version: int, on: dt.date, decision_ref: str = ""
) -> Exemption:
    """The member returns to activity."""
    e = _lock(actor, exemption, expected_version)
    if e.decided_on is None or e.refused or e.ended_on is not None:
        raise ServiceError("members.not_exempt")
    not_future(on, "on")
    if on < e.decided_on:
        raise ServiceError("members.back_before_exempt", field="on")
    member_record_event(
        actor=actor, membership=e.membership, kind=EventKind.EXEMPTION_ENDED, on=on, decision_ref=decision_ref
    )
    e.ended_on = on
    save_versioned(e, "ended_on")
    audit_log(actor=actor, action="members.exemption.end", obj=e, changes={"on": on})
    return e


@transaction.atomic
def residence_register(
    *, actor: User | None, membership: Membership, cell: Organization, registered_on: dt.date
) -> Residence:
    """A member living elsewhere registers with the cell where they live. The member's
    own side records it; the residence cell then sees the member read-only."""
    m = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cell", "person")
        .get(pk=membership.pk)
    )
    require_write(scope_for(actor), m.cell)
    if not m.is_active:
        raise ServiceError("members.not_active", m=m)
    if not cell.is_cell or not cell.is_active:
        raise ServiceError("members.not_active_cell", cell=cell, field="cell")
    if cell.pk == m.cell_id:
        raise ServiceError("members.residence_same_cell", field="cell")
    not_future(registered_on, "registered_on")
    current = Residence.objects.filter(membership=m, ended_on__isnull=True).first()
    if current is not None:
        if registered_on < current.registered_on:
            raise ServiceError("members.residence_before_current", field="registered_on")
        current.ended_on = registered_on
        current.save(update_fields=["ended_on"])
    r = Residence.objects.create(membership=m, cell=cell, registered_on=registered_on)
    audit_log(
        actor=actor, action="members.residence", obj=r, changes={"cell": cell.code, "on": registered_on}
    )
    return r
