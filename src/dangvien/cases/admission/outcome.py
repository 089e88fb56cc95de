"""How a dossier ends or pauses: the ceremony (the person becomes a probationary member and
the probation is followed), a suspension and its resumption, a rejection or withdrawal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.candidates.models import Candidate, State
from dangvien.candidates.services import candidate_move, sync_readiness
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.steps import (
    clean_papers,
    compute_due,
    lock_case,
    record_step,
    require_open,
    require_step,
)
from dangvien.cases.models import (
    Case,
    CaseState,
    Suspension,
)
from dangvien.cases.recognition.services import recognition_open
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future
from dangvien.core.versioned import save_versioned
from dangvien.members.models import Membership
from dangvien.members.services import NewMember, members_bulk_register
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook


@transaction.atomic
def admission_record_ceremony(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    held_on: dt.date,
    late_agreement: str = "",
    papers: Iterable[str] = (),
) -> Membership:
    """The ceremony: the person becomes a probationary member (admission date = the
    decision's date, ceremony date kept; probation runs 12 months from the ceremony)."""
    c = lock_case(actor, case, expected_version)
    require_step(c, P.CEREMONY)
    not_future(held_on, "held_on")
    assert c.decision_on is not None and c.decision_received_on is not None
    if held_on < c.decision_received_on:
        raise ServiceError(
            "cases.ceremony_before_decision",
            c=c,
            field="held_on",
        )
    if c.due_on is not None and held_on > c.due_on and not late_agreement.strip():
        rule = RuleBook.load().get("deadline.ceremony_working_days", on=c.decision_received_on, org=c.cell)
        raise ServiceError(
            "cases.ceremony_late",
            c=c,
            rule=rule,
            field="late_agreement",
        )
    if c.person.memberships.filter(is_active=True).exists():
        raise ServiceError("cases.already_member_now", c=c)
    (membership_id,) = members_bulk_register(
        actor=actor,
        note=f"Kết nạp theo quyết định {c.decision_ref}",
        items=[
            NewMember(
                person=c.person,
                card_number=None,
                cell_id=c.cell_id,
                admission_date=c.decision_on,
                official_date=None,
                status=None,
                status_since=held_on,
                ceremony_date=held_on,
                decision_ref=c.decision_ref,
            )
        ],
    )
    m = Membership.objects.get(pk=membership_id)
    record_step(
        c,
        actor=actor,
        step=P.CEREMONY,
        done_on=held_on,
        doc_ref="",
        papers=clean_papers(P.CEREMONY, papers),
        note=late_agreement,
    )
    c.state, c.ceremony_on, c.ceremony_agreement = CaseState.ADMITTED, held_on, late_agreement.strip()[:300]
    c.closed_on, c.due_on, c.due_rule, c.membership = held_on, None, "", m
    save_versioned(
        c, "state", "ceremony_on", "ceremony_agreement", "closed_on", "due_on", "due_rule", "membership"
    )
    recognition_open(actor=actor, membership=m)  # the probation is followed from today
    if c.candidate is not None:
        cand = Candidate.objects.select_for_update().get(pk=c.candidate.pk)
        candidate_move(cand, to=State.ADMITTED, on=held_on, actor=actor, ends_help=True)
    audit_log(
        actor=actor,
        action="cases.ceremony",
        obj=c,
        changes={
            "held_on": held_on,
            "membership": m.pk,
            "admission_date": c.decision_on,
            "late_agreement": late_agreement,
        },
    )
    return m


# --- Suspension and closing ------------------------------------------------------------


@transaction.atomic
def admission_suspend(
    *, actor: User | None, case: Case, expected_version: int, on: dt.date, reason: str
) -> Case:
    c = lock_case(actor, case, expected_version)
    require_open(c)
    not_future(on, "on")
    if on < c.step_since:
        raise ServiceError("cases.suspended_before_step", c=c, field="on")
    if not reason.strip():
        raise ServiceError("cases.suspension_reason_missing", field="reason")
    Suspension.objects.create(case=c, since=on, reason=reason.strip()[:500])
    c.state = CaseState.SUSPENDED
    save_versioned(c, "state")
    audit_log(actor=actor, action="cases.suspend", obj=c, changes={"on": on, "reason": reason})
    return c


@transaction.atomic
def admission_resume(
    *, actor: User | None, case: Case, expected_version: int, on: dt.date, note: str = ""
) -> Case:
    """Resume a suspended case: its deadline moves by the working days it was paused."""
    c = lock_case(actor, case, expected_version)
    if c.state != CaseState.SUSPENDED:
        raise ServiceError("cases.not_suspended")
    not_future(on, "on")
    s = c.suspensions.get(until__isnull=True)
    if on < s.since:
        raise ServiceError("cases.resumed_before_suspended", s=s, field="on")
    cal = calendar_from_db()
    s.until, s.resume_note, s.working_days = on, note.strip()[:500], cal.working_days_between(s.since, on)
    s.save()
    old = c.due_on
    c.state = CaseState.OPEN
    c.due_on, c.due_rule = compute_due(c, book=RuleBook.load(), cal=cal)
    save_versioned(c, "state", "due_on", "due_rule")
    audit_log(
        actor=actor,
        action="cases.resume",
        obj=c,
        changes={"on": on, "paused_working_days": s.working_days, "due_on": [old, c.due_on]},
    )
    return c


CLOSE_OUTCOMES = (CaseState.REJECTED, CaseState.WITHDRAWN)


@transaction.atomic
def admission_close(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    on: dt.date,
    outcome: str,
    reason: str,
    keep_in_pool: bool,
) -> Case:
    """Rejection (by the cell, a committee, or failed checks) or withdrawal, at any step.
    The person goes back to the pool, or leaves it."""
    c = lock_case(actor, case, expected_version)
    if not c.is_open:
        raise ServiceError("cases.closed", v1=c.get_state_display())
    if outcome not in CLOSE_OUTCOMES:
        raise ServiceError("cases.close_outcome_missing", field="outcome")
    not_future(on, "on")
    if on < c.opened_on:
        raise ServiceError("cases.closed_before_opened", field="on")
    if not reason.strip():
        raise ServiceError("cases.reason_missing", field="reason")
    c.suspensions.filter(until__isnull=True).update(until=on)
    c.state, c.closed_on, c.close_reason, c.due_on, c.due_rule = outcome, on, reason.strip()[:500], None, ""
    save_versioned(c, "state", "closed_on", "close_reason", "due_on", "due_rule")
    if c.candidate is not None:
        cand = Candidate.objects.select_for_update().get(pk=c.candidate.pk)
        if keep_in_pool:
            candidate_move(cand, to=State.SOURCING, on=on, actor=actor, reason=reason)
            sync_readiness(c.person, on=on, actor=actor)
        else:
            candidate_move(cand, to=State.WITHDRAWN, on=on, actor=actor, reason=reason, ends_help=True)
    audit_log(
        actor=actor,
        action="cases.close",
        obj=c,
        changes={"outcome": outcome, "on": on, "reason": reason, "keep_in_pool": keep_in_pool},
    )
    return c
