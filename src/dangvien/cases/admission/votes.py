"""The cell's vote, the base committee's resolution, an extension of the committee's time
and the competent committee's decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import (
    admission_checks,
)
from dangvien.cases.admission.selectors import cell_voters
from dangvien.cases.admission.steps import (
    advance,
    check_order,
    clean_papers,
    compute_due,
    lock_case,
    record_step,
    require_open,
    require_step,
)
from dangvien.cases.committee import require_committee
from dangvien.cases.counting import check_vote_counts
from dangvien.cases.models import (
    Body,
    Case,
    Exclusion,
    Vote,
)
from dangvien.committees.models import Meeting
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.core.versioned import save_versioned
from dangvien.members.officers import base_committee_of, check_committee_size
from dangvien.rules.arithmetic import vote_passes, votes_needed
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook


def _after_vote(
    c: Case,
    *,
    actor: User | None,
    vote: Vote,
    step: str,
    papers: Iterable[str],
    book: RuleBook,
    also: tuple[str, ...] = (),
) -> None:
    """A passed vote completes its step; a failed one only bumps the version (the vote row
    is kept and the case waits at the same step for a new vote or a closing)."""
    if not vote.passed:
        save_versioned(c)
        return
    record_step(
        c,
        actor=actor,
        step=step,
        done_on=vote.held_on,
        doc_ref=vote.doc_ref,
        papers=clean_papers(step, papers),
        note=vote.summary,
    )
    advance(c, done_on=vote.held_on, book=book, cal=calendar_from_db())
    save_versioned(c, "step", "step_since", "due_on", "due_rule", *also)


@transaction.atomic
def admission_record_cell_vote(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    held_on: dt.date,
    summoned: int,
    present: int | None,
    exempt_present: int,
    excluded: Mapping[str, int],
    denominator: int,
    yes: int,
    no: int,
    denominator_note: str = "",
    doc_ref: str = "",
    papers: Iterable[str] = (),
    meeting: Meeting | None = None,
) -> Vote:
    """The cell meeting and its vote. Every eligibility check must pass on the meeting
    date. The denominator the registry proposes (official members of the cell that day,
    plus exempt members who attended, less the exclusions) may be corrected with a reason.
    A failed vote is kept; the case stays at this step."""
    c = lock_case(actor, case, expected_version)
    require_step(c, P.CELL_VOTE)
    not_future(held_on, "held_on")
    if meeting is not None and (meeting.cell_id != c.cell_id or meeting.held_on != held_on):
        raise ServiceError("committees.meeting_other_cell", field="held_on")
    check_order(c, held_on, "held_on")
    book = RuleBook.load()
    failed = [ch for ch in admission_checks(c, on=held_on, book=book) if not ch.ok]
    if failed:
        reasons = " ".join(
            f"{ch.label}: {ch.message}" + (f" ({ch.cite})" if ch.cite else "") for ch in failed
        )
        raise ServiceError("cases.not_ready_for_vote", failed=reasons)
    official, exempt = cell_voters(c.cell, held_on)
    if exempt_present < 0 or exempt_present > exempt:
        raise ServiceError(
            "cases.exempt_members_on_day",
            held_on=held_on,
            exempt=exempt,
            field="exempt_present",
        )
    clean_excluded: dict[str, int] = {}
    for code, n in excluded.items():
        if code not in Exclusion.values or n < 0:
            raise ServiceError("cases.exclusion_invalid", field="excluded")
        if n:
            clean_excluded[code] = n
    proposal = official + exempt_present - sum(clean_excluded.values())
    if denominator != proposal and not denominator_note.strip():
        raise ServiceError(
            "cases.denominator_differs",
            denominator=denominator,
            proposal=proposal,
            field="denominator_note",
        )
    if summoned < 0 or (present is not None and present > summoned + exempt_present):
        raise ServiceError("cases.present_over_called", field="present")
    check_vote_counts(yes=yes, no=no, present=present, denominator=denominator)
    threshold = book.get("vote.cell_threshold", on=held_on, org=c.cell)
    passed = vote_passes(yes=yes, denominator=denominator, threshold=threshold.value)  # type: ignore[arg-type]
    vote = Vote.objects.create(
        case=c,
        body=Body.CELL,
        held_on=held_on,
        meeting=meeting,
        registry_official=official,
        registry_exempt=exempt,
        summoned=summoned,
        present=present,
        exempt_present=exempt_present,
        excluded=clean_excluded,
        denominator=denominator,
        denominator_note=denominator_note.strip()[:500],
        yes=yes,
        no=no,
        passed=passed,
        doc_ref=doc_ref.strip()[:100],
        recorded_by=recorded_by(actor),
    )
    if passed:
        c.cell_resolution_on = held_on  # the committee's 60 working days run from here
    _after_vote(
        c, actor=actor, vote=vote, step=P.CELL_VOTE, papers=papers, book=book, also=("cell_resolution_on",)
    )
    audit_log(
        actor=actor,
        action="cases.cell_vote",
        obj=c,
        changes={
            "held_on": held_on,
            "denominator": denominator,
            "proposal": proposal,
            "yes": yes,
            "no": no,
            "passed": passed,
            "needed": votes_needed(denominator=denominator, threshold=threshold.value),  # type: ignore[arg-type]
        },
    )
    return vote


@transaction.atomic
def admission_record_committee_vote(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    held_on: dt.date,
    members: int,
    present: int | None,
    yes: int,
    no: int,
    doc_ref: str = "",
    papers: Iterable[str] = (),
) -> Vote:
    """The base committee's resolution: at least 2/3 of all its members."""
    c = lock_case(actor, case, expected_version)
    require_committee(actor, c.cell)
    require_step(c, P.BASE_RESOLUTION)
    not_future(held_on, "held_on")
    check_order(c, held_on, "held_on")
    check_vote_counts(yes=yes, no=no, present=present, denominator=members)
    check_committee_size(base_committee_of(c.cell), held_on, members)
    book = RuleBook.load()
    threshold = book.get("vote.committee_threshold", on=held_on, org=c.cell)
    passed = vote_passes(yes=yes, denominator=members, threshold=threshold.value)  # type: ignore[arg-type]
    vote = Vote.objects.create(
        case=c,
        body=Body.BASE_COMMITTEE,
        held_on=held_on,
        summoned=members,
        present=present,
        denominator=members,
        yes=yes,
        no=no,
        passed=passed,
        doc_ref=doc_ref.strip()[:100],
        recorded_by=recorded_by(actor),
    )
    _after_vote(c, actor=actor, vote=vote, step=P.BASE_RESOLUTION, papers=papers, book=book)
    audit_log(
        actor=actor,
        action="cases.committee_vote",
        obj=c,
        changes={"held_on": held_on, "members": members, "yes": yes, "no": no, "passed": passed},
    )
    return vote


# --- Decision, extension, ceremony -----------------------------------------------------


@transaction.atomic
def admission_extend(
    *, actor: User | None, case: Case, expected_version: int, days: int, reason: str
) -> Case:
    """Extend the competent committee's time limit (special cases; at most 30 working days in all)."""
    c = lock_case(actor, case, expected_version)
    require_open(c)
    if c.step not in P.DECISION_PHASE or c.cell_resolution_on is None:
        raise ServiceError("cases.extension_before_resolution")
    book = RuleBook.load()
    limit = book.get("deadline.decision_extension_max_working_days", on=c.cell_resolution_on, org=c.cell)
    if days <= 0:
        raise ServiceError("cases.extension_zero", field="days")
    if c.extension_days + days > int(limit.value):
        raise ServiceError(
            "cases.extension_too_long",
            limit=limit,
            c=c,
            field="days",
        )
    if not reason.strip():
        raise ServiceError("cases.extension_reason_missing", field="reason")
    old = c.due_on
    c.extension_days += days
    c.extension_reason = "; ".join(filter(None, [c.extension_reason, reason.strip()]))[:500]
    c.due_on, c.due_rule = compute_due(c, book=book, cal=calendar_from_db())
    save_versioned(c, "extension_days", "extension_reason", "due_on", "due_rule")
    audit_log(
        actor=actor,
        action="cases.extend",
        obj=c,
        changes={"days": days, "due_on": [old, c.due_on], "reason": reason},
    )
    return c


@transaction.atomic
def admission_record_decision(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    decided_on: dt.date,
    decision_ref: str,
    received_on: dt.date,
    decided_by: str = "",
    papers: Iterable[str] = (),
) -> Case:
    """The competent committee's admission decision and the day the cell received it
    (the ceremony's 30 working days run from that day)."""
    c = lock_case(actor, case, expected_version)
    require_committee(actor, c.cell)
    require_step(c, P.DECISION)
    not_future(decided_on, "decided_on")
    not_future(received_on, "received_on")
    check_order(c, decided_on, "decided_on")
    if not decision_ref.strip():
        raise ServiceError("cases.decision_ref_missing", field="decision_ref")
    if received_on < decided_on:
        raise ServiceError("cases.received_before_decided", field="received_on")
    if c.person.memberships.filter(is_active=True).exists():
        raise ServiceError("cases.already_member_now", c=c)
    record_step(
        c,
        actor=actor,
        step=P.DECISION,
        done_on=decided_on,
        doc_ref=decision_ref,
        papers=clean_papers(P.DECISION, papers),
        note=decided_by,
    )
    c.decision_on, c.decision_ref = decided_on, decision_ref.strip()[:100]
    c.decided_by, c.decision_received_on = decided_by.strip()[:200], received_on
    advance(c, done_on=received_on, book=RuleBook.load(), cal=calendar_from_db())
    save_versioned(
        c,
        "decision_on",
        "decision_ref",
        "decided_by",
        "decision_received_on",
        "step",
        "step_since",
        "due_on",
        "due_rule",
    )
    audit_log(
        actor=actor,
        action="cases.decision",
        obj=c,
        changes={"decided_on": decided_on, "decision_ref": decision_ref, "received_on": received_on},
    )
    return c
