"""Eligibility checks of an admission dossier, each judged by the rule pack in force on
the date of the act it checks (the cell meeting; an introduction's date) and each citing
its source, so a refusal tells the secretary what rule and what to do."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangvien.candidates.selectors import certificate_status
from dangvien.cases.admission.procedure import BY_CODE, DATED_PAPERS, INTRODUCTIONS
from dangvien.cases.models import (
    NEVER_READMITTED,
    Case,
    Introduction,
    IntroKind,
    PriorExit,
    Route,
    StepRecord,
    VerificationResult,
)
from dangvien.core.dates import add_months
from dangvien.core.errors import ServiceError
from dangvien.core.text import fold
from dangvien.members.models import Membership, Status
from dangvien.rules.calendar import age_in_full_months
from dangvien.rules.selectors import RuleBook


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    ok: bool
    message: str
    cite: str = ""


def _years(months: int) -> str:
    y, m = divmod(months, 12)
    return _("{y} tuổi {m} tháng").format(y=y, m=m) if m else _("đủ {y} tuổi").format(y=y)


def check_age(case: Case, on: dt.date, book: RuleBook) -> Check:
    person, org = case.person, case.cell
    months = age_in_full_months(person.birth_date, on)
    low = book.get("admission.min_age_months", on=on, org=org)
    high = book.get("admission.max_age_months", on=on, org=org)
    lo, hi = int(low.value), int(high.value)
    at = _("Ngày {on:%d/%m/%Y} {person.full_name} {v1} ({months} tháng)").format(
        on=on, person=person, v1=_years(months), months=months
    )
    if months < lo:
        return Check(
            "age",
            _("Tuổi"),
            False,
            _("{at}: chưa đủ {v1} tuổi ({lo} tháng). Chi bộ chỉ xét khi đã đủ tuổi.").format(
                at=at, v1=lo // 12, lo=lo
            ),
            low.cite,
        )
    if months > hi:
        if case.over_age_agreement:
            return Check(
                "age",
                _("Tuổi"),
                True,
                _("{at}: trên {v1} tuổi, có văn bản đồng ý: {case.over_age_agreement}").format(
                    at=at, v1=hi // 12, case=case
                ),
                high.cite,
            )
        return Check(
            "age",
            _("Tuổi"),
            False,
            _(
                "{at}: quá {v1} tuổi ({hi} tháng). Cần văn bản đồng ý của Ban Thường vụ "
                "tỉnh ủy, ghi số văn bản vào hồ sơ."
            ).format(at=at, v1=hi // 12, hi=hi),
            high.cite,
        )
    return Check("age", _("Tuổi"), True, _("{at}: trong độ tuổi được kết nạp.").format(at=at), low.cite)


_GRADE = re.compile(r"^\s*(\d{1,2})\s*/\s*(10|12)\s*$")
_WORDS = (
    ("tien si", 12),
    ("thac si", 12),
    ("dai hoc", 12),
    ("cao dang", 12),
    ("trung cap", 12),
    ("thpt", 12),
    ("trung hoc pho thong", 12),
    ("thcs", 9),
    ("trung hoc co so", 9),
    ("tieu hoc", 5),
)


def school_years(education: str) -> int | None:
    """Years of general schooling in the twelve-year system: "9/12" → 9; the old ten-year
    system "7/10" → 9 (its seventh grade ended lower secondary); words such as "Đại học"."""
    m = _GRADE.match(education)
    if m:
        grade, system = int(m.group(1)), int(m.group(2))
        return grade + 2 if system == 10 and grade >= 5 else grade
    text = fold(education)
    for word, years in _WORDS:
        if word in text:
            return years
    return None


def check_education(case: Case, on: dt.date, book: RuleBook) -> Check:
    rule = book.get("admission.min_education", on=on, org=case.cell)
    education = case.person.education.strip()
    years = school_years(education)
    if years is not None and years >= 9:
        return Check(
            "education",
            _("Học vấn"),
            True,
            _("Trình độ {education}: đạt {rule.text}.").format(education=education, rule=rule),
            rule.cite,
        )
    if case.education_exception:
        exception = book.get("admission.education_exception", on=on, org=case.cell)
        return Check(
            "education",
            _("Học vấn"),
            True,
            _("Trình độ {v1}; áp dụng ngoại lệ: {case.education_exception}").format(
                v1=education or _("chưa ghi"), case=case
            ),
            exception.cite,
        )
    found = (
        _("Trình độ “{education}”").format(education=education)
        if education
        else _("Chưa ghi trình độ học vấn")
    )
    return Check(
        "education",
        _("Học vấn"),
        False,
        _("{found}: chưa đạt {rule.text}. Sửa trình độ trong lý lịch hoặc ghi ngoại lệ được áp dụng.").format(
            found=found, rule=rule
        ),
        rule.cite,
    )


def check_certificate(case: Case, on: dt.date, book: RuleBook) -> Check:
    status = certificate_status(case.person, on=on, org=case.cell, book=book)
    cite = book.get("certificate.validity_months", on=on, org=case.cell).cite
    if status.valid:
        assert status.certificate is not None and status.valid_until is not None
        number = (
            _("số {status.certificate.number} ").format(status=status) if status.certificate.number else ""
        )
        return Check(
            "certificate",
            _("Giấy chứng nhận"),
            True,
            _(
                "Giấy chứng nhận {number}cấp ngày "
                "{status.certificate.issued_on:%d/%m/%Y}, còn giá trị đến "
                "{status.valid_until:%d/%m/%Y}."
            ).format(number=number, status=status),
            cite,
        )
    return Check("certificate", _("Giấy chứng nhận"), False, status.message, cite)


def introducer_problem(m: Membership, on: dt.date) -> ServiceError | None:
    """The one judge of "the introducer is an official member" (None when they are): made
    official on or before the day of the introduction, and not exempt, moved out or gone
    since before that day. The service raises it when an introduction is recorded; the
    dossier's check shows its message for every introduction on file."""
    if m.official_date is None or m.official_date > on:
        return ServiceError("cases.introducer_not_official", field="introducer", m=m, on=on)
    if m.status != Status.OFFICIAL and m.status_since <= on:
        status = m.get_status_display().lower()
        return ServiceError("cases.introducer_not_active", field="introducer", m=m, on=on, status=status)
    return None


def introduction_problem(intro: Introduction, case: Case, book: RuleBook) -> ServiceError | None:
    """Why one introduction does not count (None when it does), by the rules of its date:
    the refusal the service raises, with the field to blame."""
    on, org = intro.given_on, case.cell
    if intro.kind == IntroKind.MEMBER:
        m = intro.introducer
        assert m is not None
        problem = introducer_problem(m, on)
        if problem is not None:
            return problem
        if intro.is_relative and not book.value("introducer.relatives_allowed", on=on, org=org):
            rule = book.get("introducer.relatives_allowed", on=on, org=org)
            return ServiceError("cases.introducer_relative", field="is_relative", m=m, cite=rule.cite)
        months = book.get("introducer.months_together", on=on, org=org)
        exempt = intro.replacement and book.value("introducer.replacement_exempt", on=on, org=org)
        if not exempt and (intro.months_together or 0) < int(months.value):
            return ServiceError(
                "cases.introducer_months",
                field="months_together",
                m=m,
                have=intro.months_together or 0,
                need=months.value,
                cite=months.cite,
            )
        return None
    limit = book.get("youth_union.max_age_years", on=on, org=org)
    if intro.kind == IntroKind.YOUTH_UNION and age_in_full_months(case.person.birth_date, on) > 12 * int(
        limit.value
    ):
        return ServiceError(
            "cases.youth_union_over_age",
            field="kind",
            on=on,
            person=case.person,
            limit=limit.value,
            cite=limit.cite,
        )
    return None


def check_introductions(case: Case, on: dt.date, book: RuleBook, intros: list[Introduction]) -> Check:
    count = book.get("introducer.count", on=on, org=case.cell)
    active = [i for i in intros if i.ended_on is None or i.ended_on > on]
    problems = [p.message for p in (introduction_problem(i, case, book) for i in active) if p is not None]
    good = [i for i in active if introduction_problem(i, case, book) is None]
    members = sum(1 for i in good if i.kind == IntroKind.MEMBER)
    if case.route == Route.MEMBERS:
        need, have = int(count.value), members
        what = _("{need} đảng viên chính thức giới thiệu").format(need=need)
        ok = members >= need
    else:
        union = IntroKind.YOUTH_UNION if case.route == Route.YOUTH_UNION else IntroKind.TRADE_UNION
        has_resolution = any(i.kind == union for i in good)
        need, have = 1, members
        what = _("nghị quyết giới thiệu của {v1} và 1 đảng viên chính thức").format(v1=IntroKind(union).label)
        ok = has_resolution and members >= 1
    if ok:
        extra = (_(" Không tính: ") + "; ".join(problems) + ".") if problems else ""
        return Check(
            "introductions",
            _("Người giới thiệu"),
            True,
            _("Đủ {what}.{extra}").format(what=what, extra=extra),
            count.cite,
        )
    lines = [
        _("Cần {what}; hiện có {have} đảng viên giới thiệu hợp lệ").format(what=what, have=have),
        *problems,
    ]
    return Check("introductions", _("Người giới thiệu"), False, ". ".join(lines) + ".", count.cite)


def check_verification(case: Case) -> Check:
    rows = list(case.verifications.all())
    if not any(v.relation == "self" for v in rows):
        return Check(
            "verification",
            _("Thẩm tra lý lịch"),
            False,
            _("Chưa ghi việc thẩm tra lý lịch của bản thân người vào Đảng."),
        )
    pending = [v.full_name for v in rows if not v.exempt and v.result == VerificationResult.PENDING]
    if pending:
        return Check(
            "verification",
            _("Thẩm tra lý lịch"),
            False,
            _("Chưa có kết quả thẩm tra: ")
            + ", ".join(pending)
            + _(". Chi ủy chỉ nhận xét khi đã có kết quả."),
        )
    concerns = [v.full_name for v in rows if v.result == VerificationResult.CONCERN]
    if concerns:
        return Check(
            "verification",
            _("Thẩm tra lý lịch"),
            False,
            _("Kết quả thẩm tra có vấn đề cần xem xét: ") + ", ".join(concerns) + ".",
        )
    return Check(
        "verification",
        _("Thẩm tra lý lịch"),
        True,
        _("Đã có kết quả thẩm tra của {v1} người.").format(v1=len(rows)),
    )


def check_papers(case: Case, on: dt.date, book: RuleBook, done: dict[str, dt.date]) -> Check:
    rule = book.get("papers.validity_months", on=on, org=case.cell)
    months = int(rule.value)
    stale = []
    for code in DATED_PAPERS:
        since = done.get(code)
        if since is not None and add_months(since, months) <= on:
            stale.append(f"{BY_CODE[code].label} ({since:%d/%m/%Y})")
    if stale:
        return Check(
            "papers",
            _("Thời hạn giấy tờ"),
            False,
            _("Quá {months} tháng tính đến ngày {on:%d/%m/%Y}: ").format(months=months, on=on)
            + "; ".join(stale)
            + _(". Cần làm lại các giấy tờ này."),
            rule.cite,
        )
    return Check(
        "papers",
        _("Thời hạn giấy tờ"),
        True,
        _("Các giấy tờ còn trong thời hạn {months} tháng.").format(months=months),
        rule.cite,
    )


LEAVING = (Status.REMOVED, Status.EXPELLED, Status.LEFT)


def check_readmission(case: Case, on: dt.date, book: RuleBook, past: list[Membership]) -> Check | None:
    """Only for a person who was a member before (the registry has an ended membership);
    None otherwise. QĐ 294 3.5: never after leaving on one's own, applying to leave
    (unless for serious family hardship), serious disunity, corruption or a serious crime;
    otherwise 36 months after leaving (60 after a cleared conviction), once, with the
    province standing committee's written agreement."""
    ended = [m for m in past if m.status in LEAVING]
    if not ended:
        return None
    org = case.cell
    times = book.get("readmission.max_times", on=on, org=org)
    wait = book.get("readmission.wait_months", on=on, org=org)

    def refuse(message: str, cite: str) -> Check:
        return Check("readmission", _("Kết nạp lại"), False, message, cite)

    if len(ended) > int(times.value):
        return refuse(
            _("Đã được kết nạp lại {v1} lần: không được kết nạp lại nữa.").format(v1=len(ended) - 1),
            times.cite,
        )
    last = max(ended, key=lambda m: m.status_since)
    if case.prior_exit in NEVER_READMITTED:
        return refuse(
            _("{v1}: không được kết nạp lại.").format(v1=PriorExit(case.prior_exit).label), times.cite
        )
    if last.status == Status.LEFT and case.prior_exit != PriorExit.HARDSHIP:
        return refuse(
            _(
                "Đã xin ra khỏi Đảng ngày {last.status_since:%d/%m/%Y}: không được kết "
                "nạp lại, trừ trường hợp vì hoàn cảnh gia đình đặc biệt khó khăn (ghi "
                "lý do đó vào hồ sơ)."
            ).format(last=last),
            times.cite,
        )
    if add_months(last.status_since, int(wait.value)) > on:
        return refuse(
            _(
                "Ra khỏi Đảng ngày {last.status_since:%d/%m/%Y} ({v1}): phải sau ít "
                "nhất {wait.value} tháng mới được xét kết nạp lại."
            ).format(last=last, v1=last.get_status_display(), wait=wait),
            wait.cite,
        )
    if case.prior_exit == PriorExit.CONVICTION_CLEARED:
        after = book.get("readmission.after_conviction_months", on=on, org=org)
        cleared = case.conviction_cleared_on
        if cleared is None:
            return refuse(_("Ghi ngày được xóa án tích."), after.cite)
        if add_months(cleared, int(after.value)) > on:
            return refuse(
                _(
                    "Được xóa án tích ngày {cleared:%d/%m/%Y}: phải sau ít nhất "
                    "{after.value} tháng mới được xét kết nạp lại."
                ).format(cleared=cleared, after=after),
                after.cite,
            )
    if not case.readmission_agreement:
        return refuse(
            _("Kết nạp lại cần văn bản đồng ý của Ban Thường vụ tỉnh ủy: ghi số văn bản vào hồ sơ."),
            wait.cite,
        )
    return Check(
        "readmission",
        _("Kết nạp lại"),
        True,
        _("Đủ thời gian chờ; văn bản đồng ý: {case.readmission_agreement}.").format(case=case),
        wait.cite,
    )


def admission_checks(
    case: Case,
    *,
    on: dt.date,
    book: RuleBook | None = None,
    intros: list[Introduction] | None = None,
    records: list[StepRecord] | None = None,
) -> list[Check]:
    """Every eligibility check of the case as of `on` (the cell meeting, or today before it).
    The case page passes the introductions (introducer and person joined) and step records
    it has already read."""
    book = book or RuleBook.load()
    if intros is None:
        intros = list(case.introductions.select_related("introducer__person"))
    if records is None:
        done = dict(case.records.values_list("step", "done_on"))
    else:
        done = {r.step: r.done_on for r in sorted(records, key=lambda r: (r.done_on, r.pk))}
    for i in intros:  # an introduction's own date counts for its paper's age
        done[INTRODUCTIONS] = min(done.get(INTRODUCTIONS, i.given_on), i.given_on)
    past = list(Membership.objects.filter(person_id=case.person_id, is_active=False))
    checks = [
        check_age(case, on, book),
        check_education(case, on, book),
        check_certificate(case, on, book),
        check_verification(case),
        check_introductions(case, on, book, intros),
        check_papers(case, on, book, done),
    ]
    re_check = check_readmission(case, on, book, past)
    if re_check is not None:
        checks.append(re_check)
    return checks
