"""Writes to the pool and the classes. Each function: keyword-only, one transaction,
scope-checked, one audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.candidates.models import (
    OPEN_STATES,
    Assessment,
    Attendance,
    Candidate,
    CandidateEvent,
    Certificate,
    ClassKind,
    Mentorship,
    Result,
    Source,
    State,
    TrainingClass,
)
from dangvien.candidates.selectors import certificate_status
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.core.text import fold
from dangvien.core.versioned import lock_for_write
from dangvien.members.models import Membership, Status
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for
from dangvien.people.models import Person
from dangvien.people.services import PersonData, person_apply


def _check_mentor(mentor: Membership, cell: Organization) -> None:
    if mentor.status != Status.OFFICIAL:
        raise ServiceError(
            "candidates.mentor_not_official",
            mentor=mentor,
            field="mentor",
        )
    if mentor.cell_id != cell.pk:
        raise ServiceError("candidates.mentor_other_cell", mentor=mentor, cell=cell, field="mentor")


@transaction.atomic
def candidate_add(
    *,
    actor: User | None,
    person: PersonData | Person,
    cell: Organization,
    source: str,
    listed_on: dt.date | None,
    listed_ref: str = "",
    mentor: Membership | None = None,
    certificate_date: dt.date | None = None,
    introducer: Membership | None = None,
    audit: bool = True,
) -> Candidate:
    """Put a person on a cell's sympathizer list (by the cell's resolution). A paper
    awareness certificate may come with them: with a valid one they are ready at once."""
    require_write(scope_for(actor), cell)
    if not cell.is_cell:
        raise ServiceError("candidates.not_a_cell", cell=cell, field="cell")
    if source not in Source.values:
        raise ServiceError("candidates.source_invalid", field="source")
    if listed_on is not None:
        not_future(listed_on, "listed_on")
    if isinstance(person, PersonData) and not person.cccd:
        # Without a CCCD the same human is recognized by name and birth date, as in the registry.
        same = {"person__name_search": fold(person.full_name), "person__birth_date": person.birth_date}
        if Membership.objects.filter(is_active=True, **same).exists():
            raise ServiceError("candidates.already_member_same_birth", person=person, field="full_name")
        if Candidate.objects.filter(state__in=OPEN_STATES, **same).exists():
            raise ServiceError(
                "candidates.already_listed_same_birth",
                person=person,
                field="full_name",
            )
    p = person if isinstance(person, Person) else person_apply(actor=actor, data=person, audit=False)
    if p.memberships.filter(is_active=True).exists():
        raise ServiceError("candidates.already_member", p=p, field="full_name")
    if Candidate.objects.filter(person=p, state__in=OPEN_STATES).exists():
        raise ServiceError("candidates.already_listed", p=p, field="full_name")
    if mentor is not None:
        _check_mentor(mentor, cell)
    if introducer is not None and not introducer.is_active:
        raise ServiceError("candidates.introducer_not_member", field="introducer")
    today = timezone.localdate()
    if certificate_date is not None:
        certificate_record(
            actor=actor, person=p, kind=ClassKind.AWARENESS, issued_on=certificate_date, audit=False
        )
    try:
        with transaction.atomic():
            c = Candidate.objects.create(
                person=p,
                cell=cell,
                source=source,
                listed_on=listed_on,
                listed_ref=listed_ref.strip()[:100],
                introducer=introducer,
                state=State.READY if certificate_status(p, on=today, org=cell).valid else State.SOURCING,
                state_since=listed_on or today,
            )
    except IntegrityError:  # two clicks at once: the partial unique index lets one through
        raise ServiceError("candidates.already_listed", p=p, field="full_name") from None
    CandidateEvent.objects.create(
        candidate=c,
        on=c.state_since,
        state_to=c.state,
        reason=listed_ref.strip()[:500],
        recorded_by=recorded_by(actor),
    )
    if mentor is not None:
        Mentorship.objects.create(candidate=c, mentor=mentor, valid_from=listed_on or today)
    if audit:  # an import writes one entry for its file instead
        audit_log(
            actor=actor,
            action="candidates.add",
            obj=c,
            changes={
                "person": p.pk,
                "cell": cell.code,
                "source": source,
                "listed_on": listed_on,
                "cccd": p.cccd,
                "introducer": introducer.card_number or introducer.pk if introducer else None,
            },
        )
    return c


def candidate_move(
    c: Candidate, *, to: str, on: dt.date, actor: User | None, reason: str = "", ends_help: bool = False
) -> None:
    """The one writer of a candidacy's state: the new state with its date, a new version,
    and a CandidateEvent row. `c` is locked by the caller, whose own audit entry covers the
    change (a case opened, a class joined, a certificate recorded...). `ends_help`: the
    mentor's help ends that day (admitted, withdrawn)."""
    if to == c.state:
        return
    old = c.state
    c.state, c.state_since = to, on
    fields = ["state", "state_since", "version"]
    if to == State.WITHDRAWN:
        c.withdrawn_reason = reason.strip()[:500]
        fields.append("withdrawn_reason")
    c.version += 1
    c.save(update_fields=fields)
    CandidateEvent.objects.create(
        candidate=c,
        on=on,
        state_from=old,
        state_to=to,
        reason=reason.strip()[:500],
        recorded_by=recorded_by(actor),
    )
    if ends_help:
        c.mentorships.filter(valid_to__isnull=True).update(valid_to=on)


def sync_readiness(
    person: Person, *, on: dt.date, left_class: bool = False, actor: User | None = None
) -> None:
    """An open candidacy not yet in admission is ready exactly when the person holds a
    valid awareness certificate; without one it goes back to sourcing once out of class
    (a failed class does not undo an earlier certificate that is still valid)."""
    c = (
        Candidate.objects.filter(person=person, state__in=[State.SOURCING, State.IN_CLASS, State.READY])
        .select_related("cell")
        .first()
    )
    if c is None:
        return
    if certificate_status(person, on=on, org=c.cell).valid:
        state = State.READY
    elif left_class or c.state == State.READY:
        state = State.SOURCING
    else:
        return
    if state != c.state:
        c = Candidate.objects.select_for_update().get(pk=c.pk)
        candidate_move(c, to=state, on=on, actor=actor)


def _locked(candidate: Candidate, expected_version: int | None) -> Candidate:
    return lock_for_write(Candidate.objects.select_related("cell", "person"), candidate.pk, expected_version)


@transaction.atomic
def candidate_assign_mentor(
    *,
    actor: User | None,
    candidate: Candidate,
    mentor: Membership,
    on: dt.date,
    expected_version: int | None = None,
) -> Mentorship:
    """A new mentor from `on`; the previous one's period ends that day (history kept)."""
    c = _locked(candidate, expected_version)
    require_write(scope_for(actor), c.cell)
    not_future(on, "on")
    if c.state not in OPEN_STATES:
        raise ServiceError("candidates.not_listed_any_more", field="mentor")
    _check_mentor(mentor, c.cell)
    current = c.mentorships.filter(valid_to__isnull=True).first()
    if current is not None:
        if current.mentor_id == mentor.pk:
            raise ServiceError("candidates.already_mentor", mentor=mentor, field="mentor")
        if on < current.valid_from:
            raise ServiceError(
                "candidates.mentor_date_before_previous",
                current=current,
                field="on",
            )
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    ms = Mentorship.objects.create(candidate=c, mentor=mentor, valid_from=on)
    c.version += 1
    c.save(update_fields=["version"])
    audit_log(
        actor=actor,
        action="candidates.mentor",
        obj=c,
        changes={"mentor": mentor.pk, "on": on, "previous": current.mentor_id if current else None},
    )
    return ms


@transaction.atomic
def candidate_assess(
    *,
    actor: User | None,
    candidate: Candidate,
    on: dt.date,
    conclusion: str,
    strengths: str = "",
    weaknesses: str = "",
) -> Assessment:
    c = _locked(candidate, None)
    require_write(scope_for(actor), c.cell)
    not_future(on, "on")
    if c.state not in OPEN_STATES:
        raise ServiceError("candidates.not_listed_any_more", field="on")
    if not conclusion.strip():
        raise ServiceError("candidates.conclusion_missing", field="conclusion")
    a = Assessment.objects.create(
        candidate=c,
        on=on,
        strengths=strengths.strip(),
        weaknesses=weaknesses.strip(),
        conclusion=conclusion.strip(),
        recorded_by=recorded_by(actor),
    )
    audit_log(actor=actor, action="candidates.assess", obj=c, changes={"on": on})
    return a


@transaction.atomic
def candidate_withdraw(
    *, actor: User | None, candidate: Candidate, on: dt.date, reason: str, expected_version: int | None = None
) -> Candidate:
    c = _locked(candidate, expected_version)
    require_write(scope_for(actor), c.cell)
    not_future(on, "on")
    if c.state not in OPEN_STATES:
        raise ServiceError("candidates.left_or_admitted")
    if c.state == State.IN_ADMISSION:
        raise ServiceError("candidates.in_admission")
    if not reason.strip():
        raise ServiceError("candidates.withdraw_reason_missing", field="reason")
    old = c.state
    candidate_move(c, to=State.WITHDRAWN, on=on, actor=actor, reason=reason, ends_help=True)
    audit_log(
        actor=actor, action="candidates.withdraw", obj=c, changes={"state": [old, c.state], "reason": reason}
    )
    return c


@transaction.atomic
def certificate_record(
    *, actor: User | None, person: Person, kind: str, issued_on: dt.date, number: str = "", audit: bool = True
) -> Certificate:
    """A certificate known from paper (no class recorded here). Recorded by someone who
    may write where the person is followed (their open candidacy's or membership's cell)."""
    not_future(issued_on, "issued_on")
    if kind not in ClassKind.values:
        raise ServiceError("candidates.certificate_kind_invalid", field="kind")
    holder = (
        Candidate.objects.filter(person=person, state__in=OPEN_STATES)
        .values_list("cell_id", flat=True)
        .first()
        or Membership.objects.filter(person=person, is_active=True).values_list("cell_id", flat=True).first()
    )
    if holder is not None:
        require_write(scope_for(actor), Organization.objects.get(pk=holder))
    existing = Certificate.objects.filter(person=person, kind=kind, issued_on=issued_on).first()
    if existing is not None:
        return existing
    cert = Certificate.objects.create(
        person=person, kind=kind, issued_on=issued_on, number=number.strip()[:50]
    )
    if kind == ClassKind.AWARENESS:
        sync_readiness(person, on=timezone.localdate(), actor=actor)
    if audit:
        audit_log(
            actor=actor,
            action="candidates.certificate",
            obj=cert,
            changes={"person": person.pk, "issued_on": issued_on},
        )
    return cert


@transaction.atomic
def class_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    organizer: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    organizer_name: str = "",
) -> TrainingClass:
    require_write(scope_for(actor), organizer)
    if kind not in ClassKind.values:
        raise ServiceError("candidates.class_kind_invalid", field="kind")
    if not name.strip():
        raise ServiceError("candidates.class_name_missing", field="name")
    if ends_on < starts_on:
        raise ServiceError("candidates.class_ends_before_start", field="ends_on")
    tc = TrainingClass.objects.create(
        kind=kind,
        name=name.strip()[:200],
        organizer=organizer,
        organizer_name=organizer_name.strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip()[:200],
    )
    audit_log(
        actor=actor, action="classes.create", obj=tc, changes={"kind": kind, "organizer": organizer.code}
    )
    return tc


@transaction.atomic
def class_enroll(*, actor: User | None, training_class: TrainingClass, people: Sequence[Person]) -> int:
    """Enrol people (candidates for an awareness class, probationary members for a
    new-member class). People already enrolled are skipped. Returns how many were added."""
    scope = scope_for(actor)
    require_write(scope, training_class.organizer)
    added = 0
    for p in people:
        if training_class.kind == ClassKind.AWARENESS:
            c = Candidate.objects.filter(person=p, state__in=OPEN_STATES).select_related("cell").first()
            if c is None:
                raise ServiceError("candidates.not_listed", p=p, field="people")
            require_write(scope, c.cell)
            if c.state == State.SOURCING:
                c = Candidate.objects.select_for_update().get(pk=c.pk)
                candidate_move(c, to=State.IN_CLASS, on=training_class.starts_on, actor=actor)
        else:
            m = Membership.objects.filter(person=p, status=Status.PROBATIONARY).select_related("cell").first()
            if m is None:
                raise ServiceError("candidates.not_probationary", p=p, field="people")
            require_write(scope, m.cell)
        _, created = Attendance.objects.get_or_create(training_class=training_class, person=p)
        added += created
    audit_log(actor=actor, action="classes.enroll", obj=training_class, changes={"added": added})
    return added


@transaction.atomic
def class_record_result(
    *,
    actor: User | None,
    attendance: Attendance,
    result: str,
    certificate_number: str = "",
    certificate_date: dt.date | None = None,
) -> Attendance:
    """Passed → a certificate (number and date); an awareness-class candidate becomes ready."""
    a = (
        Attendance.objects.select_for_update()
        .select_related("training_class", "person")
        .get(pk=attendance.pk)
    )
    tc = a.training_class
    require_write(scope_for(actor), tc.organizer)
    if result not in (Result.PASSED, Result.FAILED):
        raise ServiceError("candidates.result_invalid", field="result")
    if result == Result.PASSED:
        if certificate_date is None:
            raise ServiceError("candidates.certificate_date_missing", field="certificate_date")
        if certificate_date < tc.ends_on:
            raise ServiceError(
                "candidates.certificate_before_class_end",
                tc=tc,
                field="certificate_date",
            )
        not_future(certificate_date, "certificate_date")
    old = a.result
    a.result = result
    a.save(update_fields=["result"])
    Certificate.objects.filter(attendance=a).delete()
    if result == Result.PASSED:
        assert certificate_date is not None
        Certificate.objects.create(
            person=a.person,
            kind=tc.kind,
            number=certificate_number.strip()[:50],
            issued_on=certificate_date,
            attendance=a,
        )
    if tc.kind == ClassKind.AWARENESS:
        sync_readiness(a.person, on=certificate_date or tc.ends_on, left_class=True, actor=actor)
    audit_log(
        actor=actor,
        action="classes.result",
        obj=a,
        changes={
            "result": [old, result],
            "certificate_number": certificate_number,
            "certificate_date": certificate_date,
        },
    )
    return a
