"""Every transition of a probation and its official recognition: keyword-only, one
transaction, scope-checked, version-checked, one audit entry each. The member's status
changes here only through members.services.member_record_event, so the registry's
events, periods and tallies stay the single history."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.committee import require_committee
from dangvien.cases.counting import check_vote_counts, vote_text
from dangvien.cases.models import (
    Body,
    Outcome,
    ProbationAssessment,
    ProbationMentor,
    Recognition,
    RecognitionState,
    RecognitionStep,
    RecognitionVote,
)
from dangvien.cases.recognition import rules as R
from dangvien.committees.models import Meeting
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.core.versioned import lock_for_write, save_versioned
from dangvien.members.models import EventKind, Membership, Status
from dangvien.members.officers import base_committee_of, check_committee_size
from dangvien.members.services import member_record_event
from dangvien.orgs.scope import require_write, scope_for
from dangvien.rules.arithmetic import vote_passes
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook


def _lock(actor: User | None, rec: Recognition, expected_version: int) -> Recognition:
    queryset = Recognition.objects.select_related("membership__cell", "membership__person")
    r = lock_for_write(queryset, rec.pk, expected_version)
    require_write(scope_for(actor), r.membership.cell)
    return r


def _require_step(r: Recognition, step: str) -> None:
    if r.state != RecognitionState.OPEN:
        raise ServiceError("cases.recognition_ended", v1=r.get_state_display())
    if r.step == step:
        return
    done = r.records.filter(step=step).first()
    if done is not None:
        raise ServiceError("cases.step_already_done", v1=R.BY_CODE[step].label, done=done)
    if step not in r.steps:
        raise ServiceError("cases.no_such_step", v1=R.BY_CODE[step].label)
    raise ServiceError("cases.step_not_yet", v1=R.BY_CODE[step].label, v2=R.BY_CODE[r.step].label)


def _record(
    r: Recognition, *, actor: User | None, step: str, done_on: dt.date, doc_ref: str, note: str
) -> None:
    RecognitionStep.objects.create(
        recognition=r,
        step=step,
        done_on=done_on,
        due_on=r.due_on,
        doc_ref=doc_ref.strip()[:100],
        note=note.strip()[:1000],
        recorded_by=recorded_by(actor),
    )


def _move_to(r: Recognition, step: str, *, since: dt.date) -> None:
    r.step, r.step_since = step, since
    r.due_on, r.due_rule = R.recognition_due(
        step=step,
        org=r.membership.cell,
        ends_on=r.ends_on,
        since=r.escalated_on or r.cell_resolution_on,
        book=RuleBook.load(),
        cal=calendar_from_db(),
    )


def _next(r: Recognition) -> str:
    i = r.steps.index(r.step)
    return r.steps[i + 1]


@transaction.atomic
def recognition_open(*, actor: User | None, membership: Membership) -> Recognition:
    """Start following a probationary member: from the ceremony (or, for a member entered
    from paper without one, the admission date) the probation runs 12 months; the cell's
    review is due 30 working days after it ends."""
    m = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cell__parent", "person")
        .get(pk=membership.pk)
    )
    require_write(scope_for(actor), m.cell)
    if m.status != Status.PROBATIONARY:
        raise ServiceError("cases.not_probationary", m=m)
    existing = Recognition.objects.filter(membership=m).first()
    if existing is not None:
        return existing  # a second click: the dossier is already there
    book = RuleBook.load()
    start = m.ceremony_date or m.admission_date
    ends_on = R.probation_end(start, org=m.cell, book=book)
    parent_kind = m.cell.parent.kind if m.cell.parent_id else None  # type: ignore[union-attr]
    steps = R.steps_for(m.cell, parent_kind)
    due, rule = R.recognition_due(
        step=R.CELL_VOTE, org=m.cell, ends_on=ends_on, since=None, book=book, cal=calendar_from_db()
    )
    try:
        with transaction.atomic():
            r = Recognition.objects.create(
                membership=m,
                steps=steps,
                step=steps[0],
                step_since=start,
                ceremony_on=start,
                ends_on=ends_on,
                due_on=due,
                due_rule=rule,
            )
    except IntegrityError:  # the same click twice at the same moment
        return Recognition.objects.get(membership=m)
    audit_log(actor=actor, action="recognition.open", obj=r, changes={"membership": m.pk, "ends_on": ends_on})
    return r


@transaction.atomic
def recognition_assign_mentor(
    *, actor: User | None, recognition: Recognition, expected_version: int, mentor: Membership, on: dt.date
) -> ProbationMentor:
    """Assign (or replace) the official member who helps the probationary member."""
    r = _lock(actor, recognition, expected_version)
    if r.state != RecognitionState.OPEN:
        raise ServiceError("cases.recognition_ended_no_mentor")
    not_future(on, "on")
    if on < r.ceremony_on:
        raise ServiceError("cases.mentor_before_ceremony", r=r, field="on")
    if (
        mentor.pk == r.membership_id
        or mentor.status != Status.OFFICIAL
        or mentor.cell_id != r.membership.cell_id
    ):
        raise ServiceError("cases.mentor_not_official", field="mentor")
    current = r.mentors.filter(valid_to__isnull=True).first()
    if current is not None:
        if current.mentor_id == mentor.pk:
            raise ServiceError("cases.already_mentor", field="mentor")
        if on < current.valid_from:
            raise ServiceError("cases.mentor_before_previous", current=current, field="on")
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    pm = ProbationMentor.objects.create(recognition=r, mentor=mentor, valid_from=on)
    save_versioned(r)
    audit_log(
        actor=actor,
        action="recognition.mentor",
        obj=r,
        changes={"mentor": mentor.pk, "on": on, "replaces": current.mentor_id if current else None},
    )
    return pm


@transaction.atomic
def recognition_record_papers(
    *, actor: User | None, recognition: Recognition, expected_version: int, dates: dict[str, dt.date | None]
) -> Recognition:
    """The papers of the end of probation: self-review, the mentor's assessment, the
    opinions of mass organizations and of the residence cell, each by its date."""
    r = _lock(actor, recognition, expected_version)
    if r.state != RecognitionState.OPEN:
        raise ServiceError("cases.recognition_ended_plain")
    changes = {}
    for name, label in R.END_PAPERS:
        if name not in dates:
            continue
        on = dates[name]
        if on is not None:
            not_future(on, name)
            if on < r.ceremony_on:
                raise ServiceError("cases.paper_before_ceremony", label=label, field=name)
        if getattr(r, name) != on:
            changes[name] = [getattr(r, name), on]
            setattr(r, name, on)
    if changes:
        save_versioned(r, *changes)
        audit_log(actor=actor, action="recognition.papers", obj=r, changes=changes)
    return r


def _vote(
    r: Recognition,
    *,
    actor: User | None,
    body: str,
    held_on: dt.date,
    denominator: int,
    yes: int,
    no: int,
    doc_ref: str,
    meeting: Meeting | None = None,
) -> RecognitionVote:
    """One vote; its outcome moves the case, a third vote without 2/3 escalates it."""
    check_vote_counts(yes=yes, no=no, denominator=denominator, over="cases.recognition_votes_over_counted")
    book = RuleBook.load()
    key = "vote.cell_threshold" if body == Body.CELL else "vote.committee_threshold"
    threshold = book.get(key, on=held_on, org=r.membership.cell).value
    if vote_passes(yes=yes, denominator=denominator, threshold=threshold):  # type: ignore[arg-type]
        outcome = Outcome.OFFICIAL
    elif vote_passes(yes=no, denominator=denominator, threshold=threshold):  # type: ignore[arg-type]
        outcome = Outcome.REMOVED
    else:
        outcome = Outcome.NONE
    vote = RecognitionVote.objects.create(
        recognition=r,
        body=body,
        held_on=held_on,
        meeting=meeting,
        denominator=denominator,
        yes=yes,
        no=no,
        outcome=outcome,
        doc_ref=doc_ref.strip()[:100],
        recorded_by=recorded_by(actor),
    )
    step = R.CELL_VOTE if body == Body.CELL else R.BASE_RESOLUTION
    if outcome:
        _record(
            r,
            actor=actor,
            step=step,
            done_on=held_on,
            doc_ref=doc_ref,
            note=f"{Outcome(outcome).label}: "
            + vote_text(yes=yes, no=no, counted=denominator, recognition=True),
        )
        if body == Body.CELL:
            r.cell_resolution_on = held_on
        r.proposal = outcome
        _move_to(r, _next(r), since=held_on)
        save_versioned(r, "cell_resolution_on", "proposal", "step", "step_since", "due_on", "due_rule")
        return vote
    failed = r.votes.filter(body=body, outcome="").count()
    limit = int(book.value("recognition.deadlock_votes", on=held_on, org=r.membership.cell))
    if failed >= limit:
        # QĐ 24 4.2.3: report to the committee above and the competent committee, which decide.
        _record(
            r,
            actor=actor,
            step=step,
            done_on=held_on,
            doc_ref=doc_ref,
            note=f"{failed} lần biểu quyết không đủ 2/3: báo cáo cấp ủy cấp trên "
            "và cấp ủy có thẩm quyền quyết định",
        )
        r.escalated_on, r.escalated_body = held_on, body
        _move_to(r, R.DECISION, since=held_on)
        save_versioned(r, "escalated_on", "escalated_body", "step", "step_since", "due_on", "due_rule")
    else:
        save_versioned(r)
    return vote


@transaction.atomic
def recognition_record_cell_vote(
    *,
    actor: User | None,
    recognition: Recognition,
    expected_version: int,
    held_on: dt.date,
    denominator: int,
    yes: int,
    no: int,
    doc_ref: str = "",
    meeting: Meeting | None = None,
) -> RecognitionVote:
    """The cell's review: after the 12 months end (the resolution is dated after the end),
    with the end-of-probation papers in. 2/3 for recognition or 2/3 for removal decides
    the proposal; neither is kept, and the third such vote escalates."""
    r = _lock(actor, recognition, expected_version)
    _require_step(r, R.CELL_VOTE)
    not_future(held_on, "held_on")
    if meeting is not None and (meeting.cell_id != r.membership.cell_id or meeting.held_on != held_on):
        raise ServiceError("committees.meeting_other_cell", field="held_on")
    if held_on <= r.ends_on:
        raise ServiceError(
            "cases.review_before_probation_end",
            r=r,
            field="held_on",
        )
    last = r.votes.filter(body=Body.CELL).order_by("-held_on").values_list("held_on", flat=True).first()
    if last is not None and held_on < last:
        raise ServiceError("cases.meeting_before_last_vote", last=last, field="held_on")
    missing = [str(label) for name, label in R.END_PAPERS if getattr(r, name) is None]
    if missing:
        raise ServiceError("cases.review_papers_missing", missing="; ".join(missing))
    if r.membership.status != Status.PROBATIONARY:
        raise ServiceError("cases.no_longer_probationary", r=r)
    vote = _vote(
        r,
        actor=actor,
        body=Body.CELL,
        held_on=held_on,
        denominator=denominator,
        yes=yes,
        no=no,
        doc_ref=doc_ref,
        meeting=meeting,
    )
    audit_log(
        actor=actor,
        action="recognition.cell_vote",
        obj=r,
        changes={
            "held_on": held_on,
            "denominator": denominator,
            "yes": yes,
            "no": no,
            "outcome": vote.outcome,
        },
    )
    return vote


@transaction.atomic
def recognition_record_section_review(
    *,
    actor: User | None,
    recognition: Recognition,
    expected_version: int,
    done_on: dt.date,
    doc_ref: str = "",
    note: str = "",
) -> Recognition:
    r = _lock(actor, recognition, expected_version)
    require_committee(actor, r.membership.cell)
    _require_step(r, R.SECTION_REVIEW)
    not_future(done_on, "done_on")
    assert r.cell_resolution_on is not None
    if done_on < r.cell_resolution_on:
        raise ServiceError("cases.appraisal_before_resolution", field="done_on")
    _record(r, actor=actor, step=R.SECTION_REVIEW, done_on=done_on, doc_ref=doc_ref, note=note)
    _move_to(r, _next(r), since=done_on)
    save_versioned(r, "step", "step_since", "due_on", "due_rule")
    audit_log(actor=actor, action="recognition.section_review", obj=r, changes={"done_on": done_on})
    return r


@transaction.atomic
def recognition_record_committee_vote(
    *,
    actor: User | None,
    recognition: Recognition,
    expected_version: int,
    held_on: dt.date,
    members: int,
    yes: int,
    no: int,
    doc_ref: str = "",
) -> RecognitionVote:
    """The base committee's resolution: 2/3 of all its members, for recognition or removal."""
    r = _lock(actor, recognition, expected_version)
    require_committee(actor, r.membership.cell)
    _require_step(r, R.BASE_RESOLUTION)
    not_future(held_on, "held_on")
    assert r.cell_resolution_on is not None
    if held_on < r.cell_resolution_on:
        raise ServiceError("cases.meeting_before_resolution", field="held_on")
    check_committee_size(base_committee_of(r.membership.cell), held_on, members)
    vote = _vote(
        r,
        actor=actor,
        body=Body.BASE_COMMITTEE,
        held_on=held_on,
        denominator=members,
        yes=yes,
        no=no,
        doc_ref=doc_ref,
    )
    audit_log(
        actor=actor,
        action="recognition.committee_vote",
        obj=r,
        changes={"held_on": held_on, "members": members, "yes": yes, "no": no, "outcome": vote.outcome},
    )
    return vote


@transaction.atomic
def recognition_record_decision(
    *,
    actor: User | None,
    recognition: Recognition,
    expected_version: int,
    decided_on: dt.date,
    decision_ref: str,
    outcome: str,
    decided_by: str = "",
) -> Recognition:
    """The competent committee's decision. Recognized: the member is official from the
    day the 12 months ended, whatever the date of the decision. Not qualified: removed
    from the rolls on the decision's date."""
    r = _lock(actor, recognition, expected_version)
    require_committee(actor, r.membership.cell)
    _require_step(r, R.DECISION)
    not_future(decided_on, "decided_on")
    if outcome not in (Outcome.OFFICIAL, Outcome.REMOVED):
        raise ServiceError("cases.outcome_missing", field="outcome")
    if not decision_ref.strip():
        raise ServiceError("cases.decision_number_missing", field="decision_ref")
    since = r.escalated_on or r.cell_resolution_on
    assert since is not None
    if decided_on < since:
        raise ServiceError("cases.decided_too_early", since=since, field="decided_on")
    _record(r, actor=actor, step=R.DECISION, done_on=decided_on, doc_ref=decision_ref, note=decided_by)
    if outcome == Outcome.OFFICIAL:
        kind, on, state = EventKind.MADE_OFFICIAL, r.ends_on, RecognitionState.OFFICIAL
    else:
        kind, on, state = EventKind.REMOVED, decided_on, RecognitionState.REMOVED
    member_record_event(
        actor=actor,
        membership=r.membership,
        kind=kind,
        on=on,
        decision_ref=decision_ref,
        note=f"Quyết định ngày {decided_on:%d/%m/%Y}"
        + (f" của {decided_by.strip()}" if decided_by.strip() else ""),
        by_recognition=True,
    )
    r.state, r.decision_on, r.decision_ref = state, decided_on, decision_ref.strip()[:100]
    r.decided_by, r.closed_on, r.due_on, r.due_rule = decided_by.strip()[:200], decided_on, None, ""
    save_versioned(r, "state", "decision_on", "decision_ref", "decided_by", "closed_on", "due_on", "due_rule")
    audit_log(
        actor=actor,
        action="recognition.decision",
        obj=r,
        changes={"decided_on": decided_on, "decision_ref": decision_ref, "outcome": outcome, "event_on": on},
    )
    return r


def recognition_close_for_departure(*, membership_id: int, on: dt.date, reason: str) -> None:
    """The member died, left, was expelled or transferred out of the system during
    probation: the dossier ends with them (called inside the registry's transaction)."""
    Recognition.objects.filter(membership_id=membership_id, state=RecognitionState.OPEN).update(
        state=RecognitionState.CLOSED,
        closed_on=on,
        close_reason=reason[:500],
        due_on=None,
        due_rule="",
        version=F("version") + 1,  # a form opened before the departure is now stale
    )


@transaction.atomic
def probation_assess(
    *,
    actor: User | None,
    recognition: Recognition,
    meeting: Meeting,
    conclusion: str,
    strengths: str = "",
    weaknesses: str = "",
) -> ProbationAssessment:
    """The mentor's report on a probationary member heard at one of the cell's meetings."""
    r = Recognition.objects.select_related("membership__cell").get(pk=recognition.pk)
    require_write(scope_for(actor), r.membership.cell)
    if r.state != RecognitionState.OPEN:
        raise ServiceError("cases.recognition_ended", v1=r.get_state_display())
    if meeting.cell_id != r.membership.cell_id:
        raise ServiceError("committees.meeting_other_cell", field="meeting")
    if not conclusion.strip():
        raise ServiceError("candidates.conclusion_missing", field="conclusion")
    a = ProbationAssessment.objects.create(
        recognition=r,
        meeting=meeting,
        strengths=strengths.strip(),
        weaknesses=weaknesses.strip(),
        conclusion=conclusion.strip(),
        recorded_by=recorded_by(actor),
    )
    audit_log(actor=actor, action="recognition.assess", obj=r, changes={"meeting": meeting.held_on})
    return a
