"""The admission dossier: steps in order, eligibility checks with their sources, votes,
deadlines in working days, suspension, the ceremony, closing, scope and double submits."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from dangvien.candidates.models import Candidate, State
from dangvien.candidates.services import certificate_record
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import admission_checks, school_years
from dangvien.cases.admission.selectors import cell_voters, overdue_items, pipeline_board
from dangvien.cases.admission.services import (
    admission_add_introduction,
    admission_add_verification,
    admission_close,
    admission_end_introduction,
    admission_extend,
    admission_record_ceremony,
    admission_record_step,
    admission_resume,
    admission_suspend,
)
from dangvien.cases.models import Case, CaseState, Exclusion, IntroKind, Route, StepRecord, Vote
from dangvien.core.errors import StaleError
from dangvien.members.models import EventKind, Membership, Status
from dangvien.members.services import member_record_event
from dangvien.orgs.models import OrgKind
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.orgs.services import org_create
from dangvien.rules.services import rule_override

from ..cases_helpers import candidate, fresh, officials, open_case, prepare, through_decision, vote
from ..conftest import refused

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def cell(tree):
    """Thôn 1 with 12 official members; two of them introduce."""
    officials(tree.xa_c1, 12)
    return tree.xa_c1


def intros(cell, n=2):
    return officials(cell, n, prefix="Người giới thiệu")


def ready_case(cell, **kw):
    case = open_case(candidate(cell, **kw))
    return prepare(case, introducers=intros(cell))


# --- Opening and the order of steps ---------------------------------------------------


def test_opening_takes_the_sympathizer_list_and_the_certificate_from_the_pool(cell):
    cand = candidate(cell)
    case = open_case(cand)
    assert case.step == P.APPLICATION
    assert list(case.records.values_list("step", flat=True)) == [P.SYMPATHIZER, P.CERTIFICATE]
    assert case.verifications.get().relation == "self"
    assert Candidate.objects.get(pk=cand.pk).state == State.IN_ADMISSION


def test_without_a_certificate_the_case_waits_at_the_certificate_step(cell):
    case = open_case(candidate(cell, certificate=None))
    assert case.step == P.CERTIFICATE
    with refused("core.reason"):
        admission_record_step(
            actor=None, case=case, expected_version=case.version, step=P.CERTIFICATE, done_on=D(2025, 11, 5)
        )
    certificate_record(
        actor=None, person=case.person, kind="awareness", issued_on=D(2025, 11, 4), number="12"
    )
    case = admission_record_step(
        actor=None,
        case=fresh(case),
        expected_version=case.version,
        step=P.CERTIFICATE,
        done_on=D(2025, 11, 5),
    )
    assert case.step == P.APPLICATION


def test_a_person_has_one_open_case_at_a_time(cell):
    cand = candidate(cell)
    open_case(cand)
    with refused("cases.case_already_open"):
        open_case(Candidate.objects.get(pk=cand.pk))


def test_the_steps_follow_the_tree(tree):
    section = org_create(
        actor=None,
        code="XA-BP",
        name="Đảng bộ bộ phận",
        kind=OrgKind.SECTION,
        parent=tree.xa,
        founded_on=D(2000, 1, 1),
    )
    under = org_create(
        actor=None,
        code="XA-BP-C",
        name="Chi bộ 3",
        kind=OrgKind.CELL,
        parent=section,
        founded_on=D(2000, 1, 1),
    )
    base_cell = org_create(
        actor=None,
        code="BC",
        name="Chi bộ cơ sở",
        kind=OrgKind.BASE_CELL,
        parent=tree.province,
        founded_on=D(2000, 1, 1),
    )
    assert P.SECTION_REVIEW in open_case(candidate(under, name="A")).steps
    plain = open_case(candidate(tree.xa_c1, name="B")).steps
    assert P.SECTION_REVIEW not in plain and P.BASE_RESOLUTION in plain
    assert P.BASE_RESOLUTION not in open_case(candidate(base_cell, name="C")).steps


def test_a_step_cannot_be_skipped_nor_recorded_twice(cell):
    case = open_case(candidate(cell))
    with refused("cases.step_not_yet"):
        admission_record_step(
            actor=None, case=case, expected_version=case.version, step=P.OPINIONS, done_on=D(2025, 11, 5)
        )
    done = admission_record_step(
        actor=None, case=case, expected_version=case.version, step=P.APPLICATION, done_on=D(2025, 11, 5)
    )
    with pytest.raises(StaleError, match="tải lại"):  # the second tab, the double click
        admission_record_step(
            actor=None, case=case, expected_version=case.version, step=P.APPLICATION, done_on=D(2025, 11, 5)
        )
    with refused("cases.step_already_done"):
        admission_record_step(
            actor=None, case=done, expected_version=done.version, step=P.APPLICATION, done_on=D(2025, 11, 5)
        )
    assert case.records.filter(step=P.APPLICATION).count() == 1


def test_bad_input_changes_nothing(cell):
    case = open_case(candidate(cell))
    version = case.version
    for kwargs, code in [
        ({"done_on": dt.date.today() + dt.timedelta(days=1)}, "core.date_in_future"),
        ({"done_on": D(2025, 8, 1)}, "cases.step_out_of_order"),
        ({"done_on": D(2025, 11, 5), "papers": ["<script>"]}, "cases.papers_not_of_step"),
    ]:
        with refused(code):
            admission_record_step(
                actor=None, case=case, expected_version=version, step=P.APPLICATION, **kwargs
            )
    assert fresh(case).version == version and not case.records.filter(step=P.APPLICATION).exists()


def test_the_missing_papers_are_the_checklist_less_what_was_handed_in(cell):
    case = ready_case(cell)
    record = case.records.get(step=P.INTRODUCTIONS)
    assert record.papers == []
    assert case.records.get(step=P.APPLICATION).papers == ["application"]


# --- Eligibility checks -----------------------------------------------------------------


def check(case, code, on):
    return next(c for c in admission_checks(fresh(case), on=on) if c.code == code)


def test_the_day_a_person_turns_18_in_months_passes_and_the_day_before_does_not(cell):
    case = ready_case(cell, birth=D(2008, 3, 15))
    before = check(case, "age", D(2026, 3, 14))
    assert not before.ok and "chưa đủ 18 tuổi" in before.message and "QĐ 294" in before.cite
    assert check(case, "age", D(2026, 3, 15)).ok


def test_60_years_passes_60_years_and_11_months_needs_the_province_agreement(cell):
    case = ready_case(cell, birth=D(1965, 11, 20))
    assert check(case, "age", D(2025, 11, 20)).ok  # full 60 years: 720 months
    late = check(case, "age", D(2026, 10, 25))  # 60 years and 11 months
    assert not late.ok and "Ban Thường vụ tỉnh ủy" in late.message
    Case.objects.filter(pk=case.pk).update(over_age_agreement="CV 12-CV/TU ngày 01/10/2026")
    assert check(case, "age", D(2026, 10, 25)).ok


def test_education_needs_lower_secondary_or_a_recorded_exception(cell):
    assert [school_years(t) for t in ("9/12", "8/12", "7/10", "Đại học", "", "abc")] == [
        9,
        8,
        9,
        12,
        None,
        None,
    ]
    case = ready_case(cell, education="7/12")
    low = check(case, "education", D(2025, 12, 10))
    assert not low.ok and "THCS" in low.message
    Case.objects.filter(pk=case.pk).update(education_exception="Xã đặc biệt khó khăn (QĐ 861/QĐ-TTg)")
    assert check(case, "education", D(2025, 12, 10)).ok


def test_a_certificate_expiring_the_day_before_the_meeting_blocks_the_vote(cell):
    case = ready_case(cell, certificate=D(2021, 1, 12), listed=D(2020, 12, 1))
    # 60 months from 12/01/2021: valid through 11/01/2026.
    assert check(case, "certificate", D(2026, 1, 11)).ok
    expired = check(case, "certificate", D(2026, 1, 12))
    assert not expired.ok and "hết hạn ngày 11/01/2026" in expired.message
    with refused("cases.not_ready_for_vote"):
        vote(case, held_on=D(2026, 1, 12), yes=12)
    assert not Vote.objects.exists()


def test_an_introducer_with_11_months_together_does_not_count_and_12_does(cell):
    case = open_case(candidate(cell))
    a, _b = intros(cell)
    case = fresh(case)
    with refused("cases.introducer_months"):
        admission_add_introduction(
            actor=None,
            case=case,
            expected_version=case.version,
            kind=IntroKind.MEMBER,
            introducer=a,
            months_together=11,
            given_on=D(2025, 11, 20),
        )
    admission_add_introduction(
        actor=None,
        case=case,
        expected_version=case.version,
        kind=IntroKind.MEMBER,
        introducer=a,
        months_together=12,
        given_on=D(2025, 11, 20),
    )
    assert fresh(case).introductions.count() == 1


def test_a_replacement_introducer_is_exempt_from_the_12_months(cell):
    case = prepare(open_case(candidate(cell)), introducers=intros(cell))
    first = case.introductions.first()
    admission_end_introduction(
        actor=None,
        case=case,
        expected_version=case.version,
        introduction=first,
        on=D(2025, 12, 1),
        reason="Chuyển công tác",
    )
    assert not check(case, "introductions", D(2025, 12, 10)).ok
    new = officials(cell, 1, prefix="Thay thế")[0]
    admission_add_introduction(
        actor=None,
        case=fresh(case),
        expected_version=fresh(case).version,
        kind=IntroKind.MEMBER,
        introducer=new,
        months_together=2,
        replacement=True,
        given_on=D(2025, 12, 2),
    )
    assert check(case, "introductions", D(2025, 12, 10)).ok


def test_an_introducer_must_be_an_official_member(cell):
    case = open_case(candidate(cell))
    probationary = officials(cell, 1, prefix="Dự bị", official=False)[0]
    with refused("cases.introducer_not_official"):
        admission_add_introduction(
            actor=None,
            case=case,
            expected_version=case.version,
            kind=IntroKind.MEMBER,
            introducer=probationary,
            months_together=20,
            given_on=D(2025, 11, 20),
        )


def test_the_youth_union_route_only_while_the_person_is_a_union_member(cell):
    young = open_case(candidate(cell, name="Trẻ", birth=D(2000, 1, 1)), route=Route.YOUTH_UNION)
    admission_add_introduction(
        actor=None,
        case=young,
        expected_version=young.version,
        kind=IntroKind.YOUTH_UNION,
        doc_ref="NQ 05-NQ/ĐTN",
        given_on=D(2025, 11, 20),
    )
    older = open_case(candidate(cell, name="Lớn", birth=D(1990, 1, 1)), route=Route.YOUTH_UNION)
    with refused("cases.youth_union_over_age"):
        admission_add_introduction(
            actor=None,
            case=older,
            expected_version=older.version,
            kind=IntroKind.YOUTH_UNION,
            doc_ref="NQ 06-NQ/ĐTN",
            given_on=D(2025, 11, 20),
        )
    a = intros(cell, 1)[0]
    admission_add_introduction(
        actor=None,
        case=fresh(young),
        expected_version=fresh(young).version,
        kind=IntroKind.MEMBER,
        introducer=a,
        months_together=14,
        given_on=D(2025, 11, 21),
    )
    assert check(young, "introductions", D(2025, 12, 1)).ok


def test_papers_older_than_12_months_at_the_meeting_must_be_redone(cell):
    case = ready_case(cell)  # application 10/11/2025
    assert check(case, "papers", D(2026, 11, 9)).ok
    stale = check(case, "papers", D(2026, 11, 10))
    assert not stale.ok and "Đơn xin vào Đảng (10/11/2025)" in stale.message


def test_history_waits_for_every_verification_result(cell):
    case = open_case(candidate(cell))
    case = admission_record_step(
        actor=None, case=case, expected_version=case.version, step=P.APPLICATION, done_on=D(2025, 11, 5)
    )
    admission_add_verification(
        actor=None, case=case, expected_version=case.version, relation="father", full_name="Nguyễn Văn Cha"
    )
    admission_add_verification(
        actor=None,
        case=fresh(case),
        expected_version=fresh(case).version,
        relation="mother",
        full_name="Lê Thị Mẹ",
        exempt=True,
    )
    with refused("core.reason"):
        admission_record_step(
            actor=None,
            case=fresh(case),
            expected_version=fresh(case).version,
            step=P.HISTORY,
            done_on=D(2025, 11, 20),
        )


@pytest.mark.parametrize(
    ("ended", "status", "grounds", "agreement", "ok", "message"),
    [
        # 36 months after being removed from the rolls, with the province's agreement.
        (D(2022, 11, 6), EventKind.REMOVED, {}, "CV 1", False, "ít nhất 36 tháng"),
        (D(2022, 11, 5), EventKind.REMOVED, {}, "", False, "cần văn bản đồng ý"),
        (D(2022, 11, 5), EventKind.REMOVED, {}, "CV 1", True, ""),
        # Applied to leave: never, unless for serious family hardship.
        (D(2015, 1, 1), EventKind.LEFT, {}, "CV 1", False, "không được kết nạp lại"),
        (D(2015, 1, 1), EventKind.LEFT, {"prior_exit": "hardship"}, "CV 1", True, ""),
        # Never: left activities on their own, disunity, corruption or a serious crime.
        (D(2015, 1, 1), EventKind.REMOVED, {"prior_exit": "self_left"}, "CV 1", False, "Tự bỏ sinh hoạt"),
        (D(2015, 1, 1), EventKind.EXPELLED, {"prior_exit": "serious_crime"}, "CV 1", False, "tham nhũng"),
        # 60 months after a cleared conviction for a less serious crime: the day before and the day of.
        (
            D(2015, 1, 1),
            EventKind.EXPELLED,
            {"prior_exit": "conviction_cleared", "conviction_cleared_on": D(2020, 11, 6)},
            "CV 1",
            False,
            "ít nhất 60 tháng",
        ),
        (
            D(2015, 1, 1),
            EventKind.EXPELLED,
            {"prior_exit": "conviction_cleared", "conviction_cleared_on": D(2020, 11, 5)},
            "CV 1",
            True,
            "",
        ),
    ],
)
def test_readmission_waits_needs_the_province_and_never_for_the_excluded_grounds(
    cell, ended, status, grounds, agreement, ok, message
):
    cand = candidate(cell)
    old = officials(cell, 1, prefix="Cũ")[0]
    # The old membership belongs to the candidate's person.
    Membership.objects.filter(pk=old.pk).update(person=cand.person)
    member_record_event(
        actor=None, membership=Membership.objects.get(pk=old.pk), kind=status, on=ended, decision_ref="QĐ 9"
    )
    case = open_case(Candidate.objects.get(pk=cand.pk), readmission_agreement=agreement, **grounds)
    result = check(case, "readmission", D(2025, 11, 5))
    assert result.ok is ok and message in result.message, result.message


def test_a_cleared_conviction_needs_its_date(cell):
    with refused("cases.conviction_cleared_missing"):
        open_case(candidate(cell), prior_exit="conviction_cleared")
    assert not Case.objects.exists()


# --- Votes ------------------------------------------------------------------------------


def test_a_vote_of_exactly_two_thirds_passes_and_one_short_fails_and_is_kept(tree):
    officials(tree.xa_c1, 40)
    case = prepare(open_case(candidate(tree.xa_c1)), introducers=intros(tree.xa_c1))
    assert cell_voters(tree.xa_c1, D(2025, 12, 10))[0] == 43  # 40 + mentor + two introducers
    short = vote(
        case, held_on=D(2025, 12, 10), yes=27, no=14, excluded={Exclusion.EXCUSED: 1}, denominator=42
    )
    assert not short.passed and fresh(case).step == P.CELL_VOTE
    again = vote(
        case, held_on=D(2025, 12, 17), yes=28, no=14, excluded={Exclusion.EXCUSED: 1}, denominator=42
    )
    assert again.passed
    case = fresh(case)
    assert case.step == P.BASE_RESOLUTION and case.cell_resolution_on == D(2025, 12, 17)
    assert list(case.votes.values_list("yes", "passed")) == [(27, False), (28, True)]
    # Written out as a resolution states it, in the step's note and everywhere it is shown.
    assert again.summary == "28 tán thành, 14 không tán thành / 42 được tính"
    assert StepRecord.objects.get(case=case, step=P.CELL_VOTE).note == again.summary


def test_exempt_members_absent_are_left_out_and_present_are_counted(cell):
    exempt = officials(cell, 3, prefix="Miễn")
    for m in exempt:
        member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTED, on=D(2024, 1, 1))
    case = prepare(open_case(candidate(cell)), introducers=intros(cell))
    official, exempt_n = cell_voters(cell, D(2025, 12, 10))
    assert (official, exempt_n) == (15, 3)
    # Two exempt members came and voted: they count; the third, absent, does not.
    v = vote(case, held_on=D(2025, 12, 10), yes=12, exempt_present=2, denominator=17)
    assert v.passed and v.denominator == 17 and v.registry_exempt == 3
    with refused("cases.exempt_members_on_day"):
        other = prepare(open_case(candidate(cell, name="Khác")), introducers=intros(cell))
        vote(other, held_on=D(2025, 12, 10), yes=11, exempt_present=4, denominator=19)


def test_probationary_members_do_not_vote_and_a_corrected_denominator_needs_a_reason(cell):
    officials(cell, 2, prefix="Dự bị", official=False)
    case = prepare(open_case(candidate(cell)), introducers=intros(cell))
    with refused("cases.denominator_differs"):
        vote(case, held_on=D(2025, 12, 10), yes=10, denominator=14)
    v = vote(
        case,
        held_on=D(2025, 12, 10),
        yes=10,
        denominator=14,
        denominator_note="Thêm 1 đảng viên chuyển đến chưa cập nhật",
    )
    assert v.passed


def test_the_vote_counts_must_add_up(cell):
    case = ready_case(cell)
    with refused("cases.votes_over_counted"):
        vote(case, held_on=D(2025, 12, 10), yes=15, no=1)
    assert not Vote.objects.exists()


# --- Deadlines ------------------------------------------------------------------------


def to_cell_vote(cell, resolution, **kw):
    case = ready_case(cell, **kw)
    vote(case, held_on=resolution, yes=12)
    return fresh(case)


def test_the_decision_is_due_60_working_days_after_the_resolution_across_tet_2026(cell):
    case = to_cell_vote(cell, D(2026, 1, 8), certificate=D(2025, 10, 1))
    assert case.due_on == D(2026, 4, 9) and case.due_rule == "deadline.admission_decision_working_days"


def test_the_decision_deadline_across_tet_2027_and_its_extension(cell):
    case = to_cell_vote(cell, D(2025, 12, 10))
    Case.objects.filter(pk=case.pk).update(cell_resolution_on=D(2026, 11, 20))
    case = fresh(case)
    case = admission_extend(
        actor=None, case=case, expected_version=case.version, days=0 + 1, reason="Chờ thẩm tra bổ sung"
    )
    # 60 working days from Fri 20/11/2026 end on Tue 23/02/2027 (24/11 Ngày Văn hóa Việt Nam,
    # 1/1 and 4–10/02 Tết off); one more working day is Wed 24/02.
    assert case.due_on == D(2027, 2, 24)
    with refused("cases.extension_too_long"):
        admission_extend(actor=None, case=case, expected_version=case.version, days=30, reason="x")
    case = admission_extend(actor=None, case=case, expected_version=case.version, days=29, reason="Lý do 2")
    assert case.extension_days == 30


def test_the_ceremony_is_due_30_working_days_after_receiving_the_decision_across_2_9(cell):
    case = to_cell_vote(cell, D(2026, 1, 8))
    case = through_decision(case, resolution=D(2026, 1, 20), decided=D(2026, 8, 20), received=D(2026, 8, 25))
    # From Tue 25/08/2026: 31/08 (swapped), 1/9 and 2/9 off → Fri 09/10/2026.
    assert case.step == P.CEREMONY and case.due_on == D(2026, 10, 9)


def test_a_suspension_moves_the_due_date_by_the_paused_working_days(cell):
    case = to_cell_vote(cell, D(2026, 1, 8))
    assert case.due_on == D(2026, 4, 9)
    case = admission_suspend(
        actor=None, case=case, expected_version=case.version, on=D(2026, 3, 2), reason="Chờ xác minh"
    )
    with refused("cases.suspended"):
        through_decision(case, resolution=D(2026, 3, 3), decided=D(2026, 3, 4), received=D(2026, 3, 4))
    case = admission_resume(actor=None, case=fresh(case), expected_version=case.version, on=D(2026, 3, 9))
    # Paused Mon 2/3 to Mon 9/3: five working days (3,4,5,6,9) → 9/4 becomes 16/4.
    assert case.due_on == D(2026, 4, 16) and case.state == CaseState.OPEN


def test_a_case_opened_under_qd232_with_a_vote_after_1_7_2025_is_judged_by_qd294(tree):
    officials(tree.xa_c1, 12)
    case = open_case(
        candidate(tree.xa_c1, listed=D(2024, 12, 1), certificate=D(2025, 1, 2)), on=D(2025, 3, 3)
    )
    case = prepare(case, introducers=intros(tree.xa_c1), start=D(2025, 3, 10))
    assert "QĐ 232" in check(case, "age", D(2025, 6, 30)).cite
    assert "QĐ 294" in check(case, "age", D(2025, 7, 1)).cite
    vote(case, held_on=D(2025, 7, 10), yes=12)
    case = fresh(case)
    assert case.cell_resolution_on == D(2025, 7, 10)
    assert all("QĐ 232" not in c.cite for c in admission_checks(case, on=case.cell_resolution_on))


def test_an_override_takes_effect_from_its_date_only(tree, users):
    officials(tree.xa_c1, 12)
    rule_override(
        actor=users.admin,
        key="deadline.admission_decision_working_days",
        value="45",
        effective_from=D(2026, 1, 9),
        reason="Thử nghiệm của tỉnh",
        province=None,
    )
    before = to_cell_vote(tree.xa_c1, D(2026, 1, 8), name="Trước")
    after = to_cell_vote(tree.xa_c1, D(2026, 1, 9), name="Sau")
    assert before.due_on == D(2026, 4, 9)  # 60 working days: the override is not yet in force
    assert after.due_on < before.due_on


# --- Outcome --------------------------------------------------------------------------


def test_the_ceremony_makes_the_person_a_probationary_member(cell):
    case = to_cell_vote(cell, D(2026, 1, 8))
    case = through_decision(case, resolution=D(2026, 1, 20), decided=D(2026, 2, 10), received=D(2026, 2, 12))
    m = admission_record_ceremony(actor=None, case=case, expected_version=case.version, held_on=D(2026, 3, 3))
    assert m.status == Status.PROBATIONARY
    assert (m.admission_date, m.ceremony_date, m.official_date) == (D(2026, 2, 10), D(2026, 3, 3), None)
    assert m.events.get().decision_ref == "QĐ 15-QĐ/ĐU"
    case = fresh(case)
    assert case.state == CaseState.ADMITTED and case.due_on is None and case.membership == m
    assert Candidate.objects.get(pk=case.candidate_id).state == State.ADMITTED
    # The probation is followed from the ceremony: 12 months, to 03/03/2027.
    assert m.recognition.ends_on == D(2027, 3, 3) and m.recognition.step == "cell_vote"


def test_the_candidacy_keeps_its_whole_life_as_rows_with_a_new_version_each_time(cell):
    """Issue 20, item 3: the pool's states change only through candidates.services, each
    change a CandidateEvent row (from, to, day) and a new version, the cases included."""
    case = to_cell_vote(cell, D(2026, 1, 8))
    case = through_decision(case, resolution=D(2026, 1, 20), decided=D(2026, 2, 10), received=D(2026, 2, 12))
    before = Candidate.objects.get(pk=case.candidate_id).version
    admission_record_ceremony(actor=None, case=case, expected_version=case.version, held_on=D(2026, 3, 3))
    cand = Candidate.objects.get(pk=case.candidate_id)
    assert cand.version == before + 1
    assert [(e.state_from, e.state_to, e.on) for e in cand.events.all()] == [
        ("", State.READY, D(2025, 9, 1)),  # listed with a valid certificate
        (State.READY, State.IN_ADMISSION, D(2025, 11, 3)),
        (State.IN_ADMISSION, State.ADMITTED, D(2026, 3, 3)),
    ]
    assert not cand.mentorships.filter(valid_to__isnull=True).exists()  # the help ended that day


def test_a_closed_case_returns_the_candidacy_to_the_pool_or_withdraws_it_as_rows(cell):
    kept = open_case(candidate(cell, name="Lò Thị Hoa"))
    admission_close(
        actor=None, case=kept, expected_version=kept.version, outcome=CaseState.WITHDRAWN, on=D(2025, 12, 1),
        reason="Chưa đủ điều kiện", keep_in_pool=True,
    )  # fmt: skip
    events = list(Candidate.objects.get(pk=kept.candidate_id).events.values_list("state_from", "state_to"))
    # Back to sourcing, then ready at once: the certificate is still valid.
    assert events[-2:] == [(State.IN_ADMISSION, State.SOURCING), (State.SOURCING, State.READY)]
    gone = open_case(candidate(cell, name="Vi Thị Lan"))
    admission_close(
        actor=None, case=gone, expected_version=gone.version, outcome=CaseState.WITHDRAWN, on=D(2025, 12, 1),
        reason="Chuyển nơi ở", keep_in_pool=False,
    )  # fmt: skip
    last = Candidate.objects.get(pk=gone.candidate_id).events.last()
    assert (last.state_from, last.state_to) == (State.IN_ADMISSION, State.WITHDRAWN)
    assert last.reason == "Chuyển nơi ở"


def test_a_ceremony_after_its_limit_needs_the_agreement_of_the_committee_above(cell):
    case = to_cell_vote(cell, D(2026, 1, 8))
    case = through_decision(case, resolution=D(2026, 1, 20), decided=D(2026, 2, 10), received=D(2026, 2, 12))
    assert case.due_on == D(2026, 4, 2)  # 30 working days from 12/02/2026 skipping Tết (16–20/02)
    with refused("cases.ceremony_late"):
        admission_record_ceremony(actor=None, case=case, expected_version=case.version, held_on=D(2026, 4, 3))
    m = admission_record_ceremony(
        actor=None,
        case=case,
        expected_version=case.version,
        held_on=D(2026, 4, 3),
        late_agreement="CV 7-CV/ĐU",
    )
    assert m.ceremony_date == D(2026, 4, 3)


def test_closing_returns_the_person_to_the_pool_or_takes_them_off_it(cell):
    kept = ready_case(cell, name="Ở lại")
    admission_close(
        actor=None,
        case=kept,
        expected_version=kept.version,
        on=D(2025, 12, 20),
        outcome=CaseState.REJECTED,
        reason="Chi bộ biểu quyết không đạt",
        keep_in_pool=True,
    )
    assert Candidate.objects.get(pk=kept.candidate_id).state == State.READY  # certificate still valid
    gone = ready_case(cell, name="Rút")
    admission_close(
        actor=None,
        case=gone,
        expected_version=gone.version,
        on=D(2025, 12, 20),
        outcome=CaseState.WITHDRAWN,
        reason="Chuyển đi tỉnh khác",
        keep_in_pool=False,
    )
    assert Candidate.objects.get(pk=gone.candidate_id).state == State.WITHDRAWN
    with refused("cases.closed"):
        admission_close(
            actor=None,
            case=fresh(gone),
            expected_version=fresh(gone).version,
            on=D(2025, 12, 21),
            outcome=CaseState.WITHDRAWN,
            reason="x",
            keep_in_pool=False,
        )


# --- Scope ----------------------------------------------------------------------------


def test_writes_stay_inside_the_scope(cell, users):
    case = open_case(candidate(cell))
    for outsider in (users.binh, users.xem1, users.nobody):
        with pytest.raises(ScopeDenied):
            admission_record_step(
                actor=outsider,
                case=case,
                expected_version=case.version,
                step=P.APPLICATION,
                done_on=D(2025, 11, 5),
            )
    for insider in (users.bithu1,):
        admission_record_step(
            actor=insider,
            case=case,
            expected_version=case.version,
            step=P.APPLICATION,
            done_on=D(2025, 11, 5),
        )


def test_the_board_and_the_overdue_list_show_only_the_scope(cell, tree, users, django_assert_num_queries):
    late = to_cell_vote(cell, D(2026, 1, 8), name="Trễ hạn")  # decision due 09/04/2026
    ready_case(cell, name="Đang làm")
    officials(tree.xb_c1, 3)
    open_case(candidate(tree.xb_c1, name="Phường"))
    scope = scope_for(users.an)
    with django_assert_num_queries(5):  # the user's assignments, overrides, calendar days, counts, cards
        board = pipeline_board(scope, org=tree.province, today=D(2026, 4, 10))
    assert board.total == 2 and board.overdue == 1
    column = next(c for c in board.columns if c.code == P.BASE_RESOLUTION)
    assert column.count == 1 and column.cards[0].flag == "overdue" and column.cards[0].person == "Trễ hạn"
    items = overdue_items(scope, org=tree.province, as_of=D(2026, 4, 14))
    assert [(i.case_id, i.due_on, i.working_days_late) for i in items] == [(late.pk, D(2026, 4, 9), 3)]
    assert overdue_items(scope_for(users.binh), org=tree.province, as_of=D(2026, 4, 14)) == []
    assert overdue_items(scope, org=tree.province, as_of=D(2026, 4, 9)) == []  # due today: not late


def test_report_overdue_json_from_the_command_line(cell, tree, capsys):
    late = to_cell_vote(cell, D(2026, 1, 8), name="Trễ hạn")
    call_command("report", "overdue", "--org", "XA", "--as-of", "2026-04-10", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["org"] == "XA" and data["as_of"] == "2026-04-10"
    assert data["items"] == [
        {
            "kind": "admission",
            "case": late.pk,
            "person": "Trễ hạn",
            "cell": "XA-C1",
            "cell_name": "Chi bộ Thôn 1",
            "step": "base_resolution",
            "step_label": "Nghị quyết của đảng ủy cơ sở",
            "due_on": "2026-04-09",
            "rule": "deadline.admission_decision_working_days",
            "working_days_late": 1,
        }
    ]
