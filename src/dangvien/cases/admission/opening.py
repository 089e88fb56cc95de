"""Opening a dossier and its first papers: the steps taken from the pool, the recorded
exceptions, and the verification of the person's background (lý lịch)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.candidates.models import OPEN_STATES, Candidate, State
from dangvien.candidates.selectors import certificate_status
from dangvien.candidates.services import candidate_move
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import (
    check_introductions,
    check_verification,
)
from dangvien.cases.admission.steps import (
    advance,
    check_order,
    clean_papers,
    lock_case,
    record_step,
    require_open,
    require_step,
)
from dangvien.cases.models import (
    Case,
    CaseState,
    PriorExit,
    Relation,
    Route,
    Verification,
    VerificationResult,
)
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.core.versioned import save_versioned
from dangvien.orgs.scope import require_write, scope_for
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook


def _check_prior_exit(prior_exit: str, cleared: dt.date | None) -> None:
    if prior_exit and prior_exit not in PriorExit.values:
        raise ServiceError("cases.prior_exit_invalid", field="prior_exit")
    if cleared is not None:
        not_future(cleared, "conviction_cleared_on")
    if prior_exit == PriorExit.CONVICTION_CLEARED and cleared is None:
        raise ServiceError("cases.conviction_cleared_missing", field="conviction_cleared_on")


def _current_mentor_exists(candidate: Candidate) -> bool:
    return candidate.mentorships.filter(valid_to__isnull=True).exists()


@transaction.atomic
def admission_open(
    *,
    actor: User | None,
    candidate: Candidate,
    opened_on: dt.date,
    route: str = Route.MEMBERS,
    education_exception: str = "",
    over_age_agreement: str = "",
    readmission_agreement: str = "",
    prior_exit: str = "",
    conviction_cleared_on: dt.date | None = None,
) -> Case:
    """The cell opens a dossier for a candidate on its list. The first two steps (the
    sympathizer list with a mentor, the certificate) are taken from the pool when the
    pool already shows them."""
    cand = Candidate.objects.select_for_update().select_related("cell", "person").get(pk=candidate.pk)
    require_write(scope_for(actor), cand.cell)
    not_future(opened_on, "opened_on")
    if cand.state not in OPEN_STATES:
        raise ServiceError("cases.not_listed_any_more", cand=cand)
    if (
        cand.state == State.IN_ADMISSION
        or Case.objects.filter(person=cand.person, state__in=[CaseState.OPEN, CaseState.SUSPENDED]).exists()
    ):
        raise ServiceError("cases.case_already_open", cand=cand)
    if route not in Route.values:
        raise ServiceError("cases.route_invalid", field="route")
    _check_prior_exit(prior_exit, conviction_cleared_on)
    if cand.person.memberships.filter(is_active=True).exists():
        raise ServiceError("cases.already_member", cand=cand)
    parent_kind = cand.cell.parent.kind if cand.cell.parent_id else None  # type: ignore[union-attr]
    steps = [s.code for s in P.steps_for(cand.cell, parent_kind)]
    try:
        with transaction.atomic():
            c = Case.objects.create(
                person=cand.person,
                candidate=cand,
                cell=cand.cell,
                steps=steps,
                step=steps[0],
                step_since=opened_on,
                route=route,
                opened_on=opened_on,
                opened_by=recorded_by(actor),
                education_exception=education_exception.strip()[:300],
                over_age_agreement=over_age_agreement.strip()[:300],
                readmission_agreement=readmission_agreement.strip()[:300],
                prior_exit=prior_exit,
                conviction_cleared_on=conviction_cleared_on,
            )
    except IntegrityError:  # a second click at the same moment
        raise ServiceError("cases.case_already_open", cand=cand) from None
    Verification.objects.create(case=c, relation=Relation.SELF, full_name=cand.person.full_name)
    book, cal = RuleBook.load(), calendar_from_db()
    if cand.listed_on is not None and _current_mentor_exists(cand):
        record_step(
            c,
            actor=actor,
            step=P.SYMPATHIZER,
            done_on=cand.listed_on,
            doc_ref=cand.listed_ref,
            papers=["sympathizer_resolution"],
            note="Theo danh sách quần chúng ưu tú",
        )
        advance(c, done_on=cand.listed_on, book=book, cal=cal)
        status = certificate_status(cand.person, on=opened_on, org=cand.cell, book=book)
        if status.valid and status.certificate is not None:
            issued = max(status.certificate.issued_on, cand.listed_on)
            record_step(
                c,
                actor=actor,
                step=P.CERTIFICATE,
                done_on=issued,
                doc_ref=status.certificate.number,
                papers=["certificate"],
                note="Theo giấy chứng nhận đã ghi",
            )
            advance(c, done_on=issued, book=book, cal=cal)
    c.save()
    candidate_move(cand, to=State.IN_ADMISSION, on=opened_on, actor=actor)
    audit_log(
        actor=actor,
        action="cases.open",
        obj=c,
        changes={"person": c.person_id, "cell": c.cell.code, "route": route, "step": c.step},
    )
    return c


@transaction.atomic
def admission_record_step(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    step: str,
    done_on: dt.date,
    doc_ref: str = "",
    papers: Iterable[str] = (),
    note: str = "",
) -> Case:
    """Record a step that is a paper, not a vote or a decision: the sympathizer list,
    the certificate, the application, the history, the introductions, the opinions, the
    section committee's review."""
    c = lock_case(actor, case, expected_version)
    require_step(c, step)
    if step in (P.CELL_VOTE, P.BASE_RESOLUTION, P.DECISION, P.CEREMONY):
        raise ServiceError("cases.step_has_own_form", v1=P.BY_CODE[step].label)
    not_future(done_on, "done_on")
    check_order(c, done_on, "done_on")
    book = RuleBook.load()
    if step == P.SYMPATHIZER:
        assert c.candidate is not None
        if c.candidate.listed_on is None:
            raise ServiceError("cases.listed_date_missing", field="done_on")
        if not _current_mentor_exists(c.candidate):
            raise ServiceError("cases.mentor_missing", field="done_on")
    elif step == P.CERTIFICATE:
        status = certificate_status(c.person, on=done_on, org=c.cell, book=book)
        if not status.valid:
            raise ServiceError("core.reason", field="done_on", reason=status.message)
    elif step == P.APPLICATION and done_on < c.opened_on - dt.timedelta(days=366):
        raise ServiceError("cases.application_too_early", field="done_on")
    elif step == P.HISTORY:
        check = check_verification(c)
        if not check.ok:
            raise ServiceError("core.reason", field="done_on", reason=check.message)
    elif step == P.INTRODUCTIONS:
        check = check_introductions(
            c, done_on, book, list(c.introductions.select_related("introducer__person"))
        )
        if not check.ok:
            raise ServiceError("cases.check_failed", check=check, field="done_on")
    clean = clean_papers(step, papers)
    record_step(c, actor=actor, step=step, done_on=done_on, doc_ref=doc_ref, papers=clean, note=note)
    advance(c, done_on=done_on, book=book, cal=calendar_from_db())
    save_versioned(c, "step", "step_since", "due_on", "due_rule")
    audit_log(
        actor=actor,
        action=f"cases.step.{step}",
        obj=c,
        changes={"done_on": done_on, "doc_ref": doc_ref, "papers": clean, "next": c.step},
    )
    return c


@transaction.atomic
def admission_record_exceptions(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    education_exception: str,
    over_age_agreement: str,
    readmission_agreement: str,
    prior_exit: str = "",
    conviction_cleared_on: dt.date | None = None,
) -> Case:
    """Record the exceptions and agreements the checks accept (they often arrive after
    the dossier is opened): the education exception applied, the province's agreement
    for a person over 60 or for a re-admission. Each is the reference of a paper."""
    c = lock_case(actor, case, expected_version)
    require_open(c)
    if c.cell_resolution_on is not None:
        raise ServiceError("cases.conditions_after_vote")
    _check_prior_exit(prior_exit, conviction_cleared_on)
    new = {
        "education_exception": education_exception.strip()[:300],
        "over_age_agreement": over_age_agreement.strip()[:300],
        "readmission_agreement": readmission_agreement.strip()[:300],
        "prior_exit": prior_exit,
        "conviction_cleared_on": conviction_cleared_on,
    }
    changes = {k: [getattr(c, k), v] for k, v in new.items() if getattr(c, k) != v}
    if not changes:
        return c
    for k, v in new.items():
        setattr(c, k, v)
    save_versioned(c, *new)
    audit_log(actor=actor, action="cases.exceptions", obj=c, changes=changes)
    return c


# --- Background verification and introductions -----------------------------------------


@transaction.atomic
def admission_add_verification(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    relation: str,
    full_name: str,
    exempt: bool = False,
) -> Verification:
    c = lock_case(actor, case, expected_version)
    require_open(c)
    if relation not in Relation.values or relation == Relation.SELF:
        raise ServiceError("cases.relation_missing", field="relation")
    name = " ".join(full_name.split())[:120]
    if not name:
        raise ServiceError("cases.verified_name_missing", field="full_name")
    if c.records.filter(step=P.HISTORY).exists():
        raise ServiceError("cases.background_done")
    v = Verification.objects.create(case=c, relation=relation, full_name=name, exempt=exempt)
    save_versioned(c)
    audit_log(
        actor=actor,
        action="cases.verification.add",
        obj=c,
        changes={"relation": relation, "full_name": name, "exempt": exempt},
    )
    return v


@transaction.atomic
def admission_record_verification(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    verification: Verification,
    result: str,
    result_on: dt.date,
    result_ref: str = "",
    note: str = "",
) -> Verification:
    c = lock_case(actor, case, expected_version)
    require_open(c)
    v = c.verifications.filter(pk=verification.pk).first()
    if v is None:
        raise ServiceError("cases.no_such_verification")
    if result not in (VerificationResult.CLEAR, VerificationResult.CONCERN):
        raise ServiceError("cases.verification_result_missing", field="result")
    not_future(result_on, "result_on")
    old = v.result
    v.result, v.result_on, v.result_ref, v.note = (
        result,
        result_on,
        result_ref.strip()[:100],
        note.strip()[:500],
    )
    v.save()
    save_versioned(c)
    audit_log(
        actor=actor,
        action="cases.verification.result",
        obj=c,
        changes={"verification": v.pk, "result": [old, result], "result_on": result_on},
    )
    return v
