"""Every transition of an admission dossier: keyword-only, one transaction, scope-checked,
guarded by its preconditions and by the case's version (two tabs or a double click end
with one success and a "reload" message), one audit entry each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.candidates.models import OPEN_STATES, Candidate, State
from dangvien.candidates.selectors import certificate_status
from dangvien.candidates.services import candidate_move, sync_readiness
from dangvien.cases import procedure as P
from dangvien.cases.checks import (
    admission_checks,
    check_introductions,
    check_verification,
    introducer_problem,
    introduction_problem,
    require_committee,
)
from dangvien.cases.models import (
    Body,
    Case,
    CaseState,
    Exclusion,
    Introduction,
    IntroKind,
    PriorExit,
    Relation,
    Route,
    StepRecord,
    Suspension,
    Verification,
    VerificationResult,
    Vote,
)
from dangvien.cases.selectors import cell_voters
from dangvien.core.dates import add_months
from dangvien.core.errors import ServiceError, StaleError
from dangvien.core.services import not_future, recorded_by
from dangvien.members.models import EventKind, MemberEvent, Membership
from dangvien.members.officers import base_committee_of, check_committee_size
from dangvien.members.services import NewMember, members_bulk_register
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for
from dangvien.rules.arithmetic import vote_passes, votes_needed
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.selectors import RuleBook


def _today() -> dt.date:
    return timezone.localdate()


def _lock(actor: User | None, case: Case, expected_version: int) -> Case:
    c = (
        Case.objects.select_for_update(of=("self",))
        .select_related("cell", "person", "candidate")
        .get(pk=case.pk)
    )
    require_write(scope_for(actor), c.cell)
    if c.version != expected_version:
        raise StaleError
    return c


def _require_open(c: Case) -> None:
    if c.state == CaseState.SUSPENDED:
        raise ServiceError("Hồ sơ đang tạm dừng: bấm “Tiếp tục hồ sơ” trước khi ghi bước mới")
    if c.state != CaseState.OPEN:
        raise ServiceError(f"Hồ sơ đã đóng ({c.get_state_display()}): không ghi thêm được")


def _require_step(c: Case, step: str) -> None:
    _require_open(c)
    if c.step == step:
        return
    done = c.records.filter(step=step).first()
    if done is not None:
        raise ServiceError(
            f"Bước “{P.BY_CODE[step].label}” đã được ghi ngày {done.done_on:%d/%m/%Y}. Hãy tải lại trang."
        )
    if step not in c.steps:
        raise ServiceError(f"Hồ sơ này không có bước “{P.BY_CODE[step].label}”")
    raise ServiceError(
        f"Chưa đến bước “{P.BY_CODE[step].label}”: bước tiếp theo là “{P.BY_CODE[c.step].label}”"
    )


def _last_done(c: Case) -> dt.date | None:
    return c.records.order_by("-done_on").values_list("done_on", flat=True).first()


def _check_order(c: Case, on: dt.date, field: str) -> None:
    last = _last_done(c)
    if last is not None and on < last:
        raise ServiceError(
            f"Ngày {on:%d/%m/%Y} trước bước đã làm gần nhất ({last:%d/%m/%Y}): các bước phải theo thứ tự",
            field=field,
        )


def _clean_papers(step: str, papers: Iterable[str]) -> list[str]:
    allowed = [p.code for p in P.BY_CODE[step].papers]
    given = set(papers)
    unknown = given - set(allowed)
    if unknown:
        raise ServiceError("Giấy tờ không thuộc bước này: " + ", ".join(sorted(unknown)), field="papers")
    return [code for code in allowed if code in given]


def _paused(c: Case, since: dt.date) -> int:
    return sum(s.working_days or 0 for s in c.suspensions.all() if s.since >= since)


def due_date(
    *,
    step: str,
    org: Organization,
    cell_resolution_on: dt.date | None,
    decision_received_on: dt.date | None,
    applied_on: dt.date | None,
    extension_days: int,
    paused_working_days: int,
    book: RuleBook,
    cal: Calendar,
) -> tuple[dt.date | None, str]:
    """The deadline of a step and the rule behind it.

    Before the cell's vote, the dossier's papers must not pass their validity (12 months
    from the application); after it, the competent committee's 60 working days (plus an
    extension); after the decision, the ceremony's 30 working days from its receipt.
    Suspensions within the running period push it by their working days."""
    if step in P.DECISION_PHASE and cell_resolution_on is not None:
        key = "deadline.admission_decision_working_days"
        n = int(book.value(key, on=cell_resolution_on, org=org)) + extension_days
        return cal.add_working_days(cell_resolution_on, n + paused_working_days), key
    if step == P.CEREMONY and decision_received_on is not None:
        key = "deadline.ceremony_working_days"
        n = int(book.value(key, on=decision_received_on, org=org))
        return cal.add_working_days(decision_received_on, n + paused_working_days), key
    if applied_on is not None:
        key = "papers.validity_months"
        months = int(book.value(key, on=applied_on, org=org))
        return add_months(applied_on, months) - dt.timedelta(days=1), key
    return None, ""


def compute_due(c: Case, *, book: RuleBook, cal: Calendar) -> tuple[dt.date | None, str]:
    """due_date() for a saved case, from its history rows."""
    since = c.decision_received_on if c.step == P.CEREMONY else c.cell_resolution_on
    return due_date(
        step=c.step,
        org=c.cell,
        cell_resolution_on=c.cell_resolution_on,
        decision_received_on=c.decision_received_on,
        applied_on=c.records.filter(step=P.APPLICATION).values_list("done_on", flat=True).first(),
        extension_days=c.extension_days,
        paused_working_days=_paused(c, since) if since is not None else 0,
        book=book,
        cal=cal,
    )


def _advance(c: Case, *, done_on: dt.date, book: RuleBook, cal: Calendar) -> None:
    nxt = P.next_step(c.steps, c.step)
    assert nxt is not None, "the ceremony closes the case"
    c.step, c.step_since = nxt, done_on
    c.due_on, c.due_rule = compute_due(c, book=book, cal=cal)


def _save(c: Case, *fields: str) -> None:
    c.version += 1
    c.save(update_fields=[*fields, "version"])


def _record(
    c: Case, *, actor: User | None, step: str, done_on: dt.date, doc_ref: str, papers: list[str], note: str
) -> StepRecord:
    return StepRecord.objects.create(
        case=c,
        step=step,
        done_on=done_on,
        due_on=c.due_on,
        doc_ref=doc_ref.strip()[:100],
        papers=papers,
        note=note.strip()[:1000],
        recorded_by=recorded_by(actor),
    )


def _check_prior_exit(prior_exit: str, cleared: dt.date | None) -> None:
    if prior_exit and prior_exit not in PriorExit.values:
        raise ServiceError("Lý do ra khỏi Đảng không hợp lệ", field="prior_exit")
    if cleared is not None:
        not_future(cleared, "conviction_cleared_on")
    if prior_exit == PriorExit.CONVICTION_CLEARED and cleared is None:
        raise ServiceError("Ghi ngày được xóa án tích", field="conviction_cleared_on")


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
        raise ServiceError(f"{cand.person.full_name} không còn trong danh sách quần chúng ưu tú")
    if (
        cand.state == State.IN_ADMISSION
        or Case.objects.filter(person=cand.person, state__in=[CaseState.OPEN, CaseState.SUSPENDED]).exists()
    ):
        raise ServiceError(f"{cand.person.full_name} đang có hồ sơ kết nạp")
    if route not in Route.values:
        raise ServiceError("Hình thức giới thiệu không hợp lệ", field="route")
    _check_prior_exit(prior_exit, conviction_cleared_on)
    if cand.person.memberships.filter(is_active=True).exists():
        raise ServiceError(f"{cand.person.full_name} đang là đảng viên")
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
        raise ServiceError(f"{cand.person.full_name} đang có hồ sơ kết nạp") from None
    Verification.objects.create(case=c, relation=Relation.SELF, full_name=cand.person.full_name)
    book, cal = RuleBook.load(), calendar_from_db()
    if cand.listed_on is not None and _current_mentor_exists(cand):
        _record(
            c,
            actor=actor,
            step=P.SYMPATHIZER,
            done_on=cand.listed_on,
            doc_ref=cand.listed_ref,
            papers=["sympathizer_resolution"],
            note="Theo danh sách quần chúng ưu tú",
        )
        _advance(c, done_on=cand.listed_on, book=book, cal=cal)
        status = certificate_status(cand.person, on=opened_on, org=cand.cell, book=book)
        if status.valid and status.certificate is not None:
            issued = max(status.certificate.issued_on, cand.listed_on)
            _record(
                c,
                actor=actor,
                step=P.CERTIFICATE,
                done_on=issued,
                doc_ref=status.certificate.number,
                papers=["certificate"],
                note="Theo giấy chứng nhận đã ghi",
            )
            _advance(c, done_on=issued, book=book, cal=cal)
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
    c = _lock(actor, case, expected_version)
    _require_step(c, step)
    if step in (P.CELL_VOTE, P.BASE_RESOLUTION, P.DECISION, P.CEREMONY):
        raise ServiceError(f"Bước “{P.BY_CODE[step].label}” được ghi bằng mẫu riêng của nó")
    not_future(done_on, "done_on")
    _check_order(c, done_on, "done_on")
    book = RuleBook.load()
    if step == P.SYMPATHIZER:
        assert c.candidate is not None
        if c.candidate.listed_on is None:
            raise ServiceError("Chưa ghi ngày chi bộ đưa vào danh sách cảm tình Đảng", field="done_on")
        if not _current_mentor_exists(c.candidate):
            raise ServiceError("Chưa phân công đảng viên chính thức giúp đỡ", field="done_on")
    elif step == P.CERTIFICATE:
        status = certificate_status(c.person, on=done_on, org=c.cell, book=book)
        if not status.valid:
            raise ServiceError(status.message, field="done_on")
    elif step == P.APPLICATION and done_on < c.opened_on - dt.timedelta(days=366):
        raise ServiceError("Ngày làm đơn quá xa trước khi mở hồ sơ", field="done_on")
    elif step == P.HISTORY:
        check = check_verification(c)
        if not check.ok:
            raise ServiceError(check.message, field="done_on")
    elif step == P.INTRODUCTIONS:
        check = check_introductions(
            c, done_on, book, list(c.introductions.select_related("introducer__person"))
        )
        if not check.ok:
            raise ServiceError(f"{check.message} ({check.cite})", field="done_on")
    clean = _clean_papers(step, papers)
    _record(c, actor=actor, step=step, done_on=done_on, doc_ref=doc_ref, papers=clean, note=note)
    _advance(c, done_on=done_on, book=book, cal=calendar_from_db())
    _save(c, "step", "step_since", "due_on", "due_rule")
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
    c = _lock(actor, case, expected_version)
    _require_open(c)
    if c.cell_resolution_on is not None:
        raise ServiceError("Chi bộ đã biểu quyết: không sửa điều kiện của hồ sơ được nữa")
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
    _save(c, *new)
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
    c = _lock(actor, case, expected_version)
    _require_open(c)
    if relation not in Relation.values or relation == Relation.SELF:
        raise ServiceError("Chọn quan hệ với người vào Đảng", field="relation")
    name = " ".join(full_name.split())[:120]
    if not name:
        raise ServiceError("Ghi họ và tên người cần thẩm tra", field="full_name")
    if c.records.filter(step=P.HISTORY).exists():
        raise ServiceError("Bước lý lịch đã xong: không thêm người thẩm tra được nữa")
    v = Verification.objects.create(case=c, relation=relation, full_name=name, exempt=exempt)
    _save(c)
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
    c = _lock(actor, case, expected_version)
    _require_open(c)
    v = c.verifications.filter(pk=verification.pk).first()
    if v is None:
        raise ServiceError("Không có người thẩm tra này trong hồ sơ")
    if result not in (VerificationResult.CLEAR, VerificationResult.CONCERN):
        raise ServiceError("Chọn kết quả thẩm tra", field="result")
    not_future(result_on, "result_on")
    old = v.result
    v.result, v.result_on, v.result_ref, v.note = (
        result,
        result_on,
        result_ref.strip()[:100],
        note.strip()[:500],
    )
    v.save()
    _save(c)
    audit_log(
        actor=actor,
        action="cases.verification.result",
        obj=c,
        changes={"verification": v.pk, "result": [old, result], "result_on": result_on},
    )
    return v


@transaction.atomic
def admission_add_introduction(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    kind: str,
    given_on: dt.date,
    introducer: Membership | None = None,
    months_together: int | None = None,
    is_relative: bool = False,
    replacement: bool = False,
    doc_ref: str = "",
) -> Introduction:
    c = _lock(actor, case, expected_version)
    _require_open(c)
    not_future(given_on, "given_on")
    if kind not in IntroKind.values:
        raise ServiceError("Chọn hình thức giới thiệu", field="kind")
    if c.records.filter(step=P.INTRODUCTIONS).exists() and not replacement:
        raise ServiceError(
            "Bước giới thiệu đã xong: chỉ thêm được người giới thiệu thay thế", field="replacement"
        )
    if kind == IntroKind.MEMBER:
        if introducer is None:
            raise ServiceError("Chọn đảng viên giới thiệu", field="introducer")
        if introducer.person_id == c.person_id:
            raise ServiceError("Người vào Đảng không tự giới thiệu mình được", field="introducer")
        problem = introducer_problem(introducer, given_on)
        if problem:
            raise ServiceError(problem, field="introducer")
        if c.introductions.filter(introducer=introducer, ended_on__isnull=True).exists():
            raise ServiceError(
                f"{introducer.person.full_name} đã giới thiệu trong hồ sơ này", field="introducer"
            )
        if months_together is None or months_together < 0 or months_together > 1200:
            raise ServiceError("Ghi số tháng cùng công tác, học tập hoặc sinh hoạt", field="months_together")
        if replacement and not c.introductions.filter(kind=IntroKind.MEMBER, ended_on__isnull=False).exists():
            raise ServiceError(
                "Giới thiệu thay thế chỉ khi một người giới thiệu trước đã thôi (chuyển đi, bị kỷ luật...)",
                field="replacement",
            )
    else:
        expected = IntroKind.YOUTH_UNION if c.route == Route.YOUTH_UNION else IntroKind.TRADE_UNION
        if c.route == Route.MEMBERS or kind != expected:
            raise ServiceError(
                f"Hồ sơ theo hình thức “{c.get_route_display()}”: không nhận {IntroKind(kind).label.lower()}",
                field="kind",
            )
        if not doc_ref.strip():
            raise ServiceError("Ghi số nghị quyết giới thiệu", field="doc_ref")
        introducer, months_together, is_relative, replacement = None, None, False, False
    intro = Introduction(
        case=c,
        kind=kind,
        introducer=introducer,
        months_together=months_together,
        is_relative=is_relative,
        replacement=replacement,
        given_on=given_on,
        doc_ref=doc_ref.strip()[:100],
    )
    problem = introduction_problem(intro, c, RuleBook.load())
    if problem:
        raise ServiceError(problem, field="months_together" if "tháng" in problem else "introducer")
    intro.save()
    _save(c)
    audit_log(
        actor=actor,
        action="cases.introduction.add",
        obj=c,
        changes={"kind": kind, "introducer": introducer.pk if introducer else None, "given_on": given_on},
    )
    return intro


@transaction.atomic
def admission_end_introduction(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    introduction: Introduction,
    on: dt.date,
    reason: str,
) -> Introduction:
    """An introducer moved away, was disciplined or cannot continue: a replacement follows."""
    c = _lock(actor, case, expected_version)
    _require_open(c)
    intro = c.introductions.filter(pk=introduction.pk, ended_on__isnull=True).first()
    if intro is None:
        raise ServiceError("Không có người giới thiệu này trong hồ sơ")
    not_future(on, "on")
    if on < intro.given_on:
        raise ServiceError("Ngày thôi giới thiệu trước ngày giới thiệu", field="on")
    if not reason.strip():
        raise ServiceError("Ghi lý do", field="reason")
    intro.ended_on, intro.ended_reason = on, reason.strip()[:300]
    intro.save(update_fields=["ended_on", "ended_reason"])
    _save(c)
    audit_log(
        actor=actor, action="cases.introduction.end", obj=c, changes={"introduction": intro.pk, "on": on}
    )
    return intro


# --- Votes ---------------------------------------------------------------------------


def _check_counts(*, yes: int, no: int, present: int | None, denominator: int) -> None:
    for name, value in (("yes", yes), ("no", no), ("denominator", denominator)):
        if value < 0:
            raise ServiceError("Số phiếu không được âm", field=name)
    if denominator == 0:
        raise ServiceError("Tổng số được tính phải lớn hơn 0", field="denominator")
    if present is not None and yes + no > present:
        raise ServiceError(
            f"Tán thành + không tán thành ({yes + no}) nhiều hơn số có mặt ({present})", field="yes"
        )
    if yes + no > denominator:
        raise ServiceError(
            f"Tán thành + không tán thành ({yes + no}) nhiều hơn tổng số được tính ({denominator})",
            field="yes",
        )


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
        _save(c)
        return
    _record(
        c,
        actor=actor,
        step=step,
        done_on=vote.held_on,
        doc_ref=vote.doc_ref,
        papers=_clean_papers(step, papers),
        note=f"{vote.yes}/{vote.denominator} tán thành",
    )
    _advance(c, done_on=vote.held_on, book=book, cal=calendar_from_db())
    _save(c, "step", "step_since", "due_on", "due_rule", *also)


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
) -> Vote:
    """The cell meeting and its vote. Every eligibility check must pass on the meeting
    date. The denominator the registry proposes (official members of the cell that day,
    plus exempt members who attended, less the exclusions) may be corrected with a reason.
    A failed vote is kept; the case stays at this step."""
    c = _lock(actor, case, expected_version)
    _require_step(c, P.CELL_VOTE)
    not_future(held_on, "held_on")
    _check_order(c, held_on, "held_on")
    book = RuleBook.load()
    failed = [ch for ch in admission_checks(c, on=held_on, book=book) if not ch.ok]
    if failed:
        raise ServiceError(
            "Hồ sơ chưa đủ điều kiện để chi bộ xét: "
            + " ".join(f"{ch.label}: {ch.message}" + (f" ({ch.cite})" if ch.cite else "") for ch in failed)
        )
    official, exempt = cell_voters(c.cell, held_on)
    if exempt_present < 0 or exempt_present > exempt:
        raise ServiceError(
            f"Ngày {held_on:%d/%m/%Y} chi bộ có {exempt} đảng viên miễn/tạm miễn sinh hoạt",
            field="exempt_present",
        )
    clean_excluded: dict[str, int] = {}
    for code, n in excluded.items():
        if code not in Exclusion.values or n < 0:
            raise ServiceError("Lý do không tính vào tổng số không hợp lệ", field="excluded")
        if n:
            clean_excluded[code] = n
    proposal = official + exempt_present - sum(clean_excluded.values())
    if denominator != proposal and not denominator_note.strip():
        raise ServiceError(
            f"Tổng số được tính ({denominator}) khác số theo danh sách đảng viên ({proposal}): "
            "ghi lý do điều chỉnh",
            field="denominator_note",
        )
    if summoned < 0 or (present is not None and present > summoned + exempt_present):
        raise ServiceError("Số có mặt nhiều hơn số được triệu tập", field="present")
    _check_counts(yes=yes, no=no, present=present, denominator=denominator)
    threshold = book.get("vote.cell_threshold", on=held_on, org=c.cell)
    passed = vote_passes(yes=yes, denominator=denominator, threshold=threshold.value)  # type: ignore[arg-type]
    vote = Vote.objects.create(
        case=c,
        body=Body.CELL,
        held_on=held_on,
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
    c = _lock(actor, case, expected_version)
    require_committee(actor, c.cell)
    _require_step(c, P.BASE_RESOLUTION)
    not_future(held_on, "held_on")
    _check_order(c, held_on, "held_on")
    _check_counts(yes=yes, no=no, present=present, denominator=members)
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
    c = _lock(actor, case, expected_version)
    _require_open(c)
    if c.step not in P.DECISION_PHASE or c.cell_resolution_on is None:
        raise ServiceError("Chỉ gia hạn thời gian ra quyết định kết nạp sau khi chi bộ có nghị quyết")
    book = RuleBook.load()
    limit = book.get("deadline.decision_extension_max_working_days", on=c.cell_resolution_on, org=c.cell)
    if days <= 0:
        raise ServiceError("Số ngày gia hạn phải lớn hơn 0", field="days")
    if c.extension_days + days > int(limit.value):
        raise ServiceError(
            f"Chỉ gia hạn tối đa {limit.value} ngày làm việc ({limit.cite}); đã gia hạn {c.extension_days}",
            field="days",
        )
    if not reason.strip():
        raise ServiceError("Ghi lý do gia hạn", field="reason")
    old = c.due_on
    c.extension_days += days
    c.extension_reason = "; ".join(filter(None, [c.extension_reason, reason.strip()]))[:500]
    c.due_on, c.due_rule = compute_due(c, book=book, cal=calendar_from_db())
    _save(c, "extension_days", "extension_reason", "due_on", "due_rule")
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
    c = _lock(actor, case, expected_version)
    require_committee(actor, c.cell)
    _require_step(c, P.DECISION)
    not_future(decided_on, "decided_on")
    not_future(received_on, "received_on")
    _check_order(c, decided_on, "decided_on")
    if not decision_ref.strip():
        raise ServiceError("Ghi số quyết định kết nạp", field="decision_ref")
    if received_on < decided_on:
        raise ServiceError("Ngày nhận quyết định không được trước ngày quyết định", field="received_on")
    if c.person.memberships.filter(is_active=True).exists():
        raise ServiceError(f"{c.person.full_name} đã là đảng viên")
    _record(
        c,
        actor=actor,
        step=P.DECISION,
        done_on=decided_on,
        doc_ref=decision_ref,
        papers=_clean_papers(P.DECISION, papers),
        note=decided_by,
    )
    c.decision_on, c.decision_ref = decided_on, decision_ref.strip()[:100]
    c.decided_by, c.decision_received_on = decided_by.strip()[:200], received_on
    _advance(c, done_on=received_on, book=RuleBook.load(), cal=calendar_from_db())
    _save(
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
    c = _lock(actor, case, expected_version)
    _require_step(c, P.CEREMONY)
    not_future(held_on, "held_on")
    assert c.decision_on is not None and c.decision_received_on is not None
    if held_on < c.decision_received_on:
        raise ServiceError(
            f"Lễ kết nạp phải sau khi chi bộ nhận quyết định ({c.decision_received_on:%d/%m/%Y})",
            field="held_on",
        )
    if c.due_on is not None and held_on > c.due_on and not late_agreement.strip():
        rule = RuleBook.load().get("deadline.ceremony_working_days", on=c.decision_received_on, org=c.cell)
        raise ServiceError(
            f"Quá hạn tổ chức lễ kết nạp ({c.due_on:%d/%m/%Y}, {rule.value} ngày làm việc "
            "từ khi nhận quyết định — "
            f"{rule.cite}): cần ý kiến đồng ý của cấp ủy cấp trên trực tiếp, ghi số văn bản",
            field="late_agreement",
        )
    if c.person.memberships.filter(is_active=True).exists():
        raise ServiceError(f"{c.person.full_name} đã là đảng viên")
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
            )
        ],
    )
    m = Membership.objects.get(pk=membership_id)
    m.ceremony_date = held_on
    m.save(update_fields=["ceremony_date"])
    MemberEvent.objects.filter(membership=m, kind=EventKind.ADMITTED).update(decision_ref=c.decision_ref)
    _record(
        c,
        actor=actor,
        step=P.CEREMONY,
        done_on=held_on,
        doc_ref="",
        papers=_clean_papers(P.CEREMONY, papers),
        note=late_agreement,
    )
    c.state, c.ceremony_on, c.ceremony_agreement = CaseState.ADMITTED, held_on, late_agreement.strip()[:300]
    c.closed_on, c.due_on, c.due_rule, c.membership = held_on, None, "", m
    _save(c, "state", "ceremony_on", "ceremony_agreement", "closed_on", "due_on", "due_rule", "membership")
    from dangvien.cases.recognition_services import recognition_open

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
    c = _lock(actor, case, expected_version)
    _require_open(c)
    not_future(on, "on")
    if on < c.step_since:
        raise ServiceError(
            f"Ngày tạm dừng trước ngày bắt đầu bước hiện tại ({c.step_since:%d/%m/%Y})", field="on"
        )
    if not reason.strip():
        raise ServiceError("Ghi lý do tạm dừng", field="reason")
    Suspension.objects.create(case=c, since=on, reason=reason.strip()[:500])
    c.state = CaseState.SUSPENDED
    _save(c, "state")
    audit_log(actor=actor, action="cases.suspend", obj=c, changes={"on": on, "reason": reason})
    return c


@transaction.atomic
def admission_resume(
    *, actor: User | None, case: Case, expected_version: int, on: dt.date, note: str = ""
) -> Case:
    """Resume a suspended case: its deadline moves by the working days it was paused."""
    c = _lock(actor, case, expected_version)
    if c.state != CaseState.SUSPENDED:
        raise ServiceError("Hồ sơ không ở trạng thái tạm dừng")
    not_future(on, "on")
    s = c.suspensions.get(until__isnull=True)
    if on < s.since:
        raise ServiceError(f"Ngày tiếp tục trước ngày tạm dừng ({s.since:%d/%m/%Y})", field="on")
    cal = calendar_from_db()
    s.until, s.resume_note, s.working_days = on, note.strip()[:500], cal.working_days_between(s.since, on)
    s.save()
    old = c.due_on
    c.state = CaseState.OPEN
    c.due_on, c.due_rule = compute_due(c, book=RuleBook.load(), cal=cal)
    _save(c, "state", "due_on", "due_rule")
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
    c = _lock(actor, case, expected_version)
    if not c.is_open:
        raise ServiceError(f"Hồ sơ đã đóng ({c.get_state_display()})")
    if outcome not in CLOSE_OUTCOMES:
        raise ServiceError("Chọn kết quả: không kết nạp hoặc rút hồ sơ", field="outcome")
    not_future(on, "on")
    if on < c.opened_on:
        raise ServiceError("Ngày đóng hồ sơ trước ngày mở hồ sơ", field="on")
    if not reason.strip():
        raise ServiceError("Ghi lý do", field="reason")
    c.suspensions.filter(until__isnull=True).update(until=on)
    c.state, c.closed_on, c.close_reason, c.due_on, c.due_rule = outcome, on, reason.strip()[:500], None, ""
    _save(c, "state", "closed_on", "close_reason", "due_on", "due_rule")
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
