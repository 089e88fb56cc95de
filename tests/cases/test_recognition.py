"""Probation and official recognition: deadlines from the ceremony (weekends, Tết), the
official date, the deadlock rule, removal, the guards on the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.cases.models import Outcome, Recognition, RecognitionState, RecognitionStep
from dangvien.cases.recognition import rules as R
from dangvien.cases.recognition.services import (
    recognition_assign_mentor,
    recognition_open,
    recognition_record_cell_vote,
    recognition_record_committee_vote,
    recognition_record_decision,
    recognition_record_papers,
)
from dangvien.core.errors import StaleError
from dangvien.members.models import EventKind, Membership, Status
from dangvien.members.services import member_record_event, member_register, membership_replay
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied
from tests.cases_helpers import officials
from tests.conftest import person

from ..conftest import refused

D = dt.date


def probationary(cell: Organization, ceremony: dt.date, name: str = "Lê Thị Dự Bị") -> Membership:
    return member_register(
        actor=None,
        person=person(name, D(1995, 4, 2), "female"),
        cell=cell,
        admission_date=ceremony - dt.timedelta(days=7),
        ceremony_date=ceremony,
    )


def fresh(r: Recognition) -> Recognition:
    return Recognition.objects.select_related("membership__cell", "membership__person").get(pk=r.pk)


def papers_in(r: Recognition, on: dt.date) -> Recognition:
    return recognition_record_papers(
        actor=None,
        recognition=fresh(r),
        expected_version=fresh(r).version,
        dates={name: on for name, _ in R.END_PAPERS},
    )


def cell_vote(r: Recognition, on: dt.date, *, yes: int, no: int = 0, denominator: int = 9):  # type: ignore[no-untyped-def]
    return recognition_record_cell_vote(
        actor=None,
        recognition=fresh(r),
        expected_version=fresh(r).version,
        held_on=on,
        denominator=denominator,
        yes=yes,
        no=no,
        doc_ref="NQ 1",
    )


def committee(r: Recognition, on: dt.date, *, yes: int = 7, no: int = 0):  # type: ignore[no-untyped-def]
    return recognition_record_committee_vote(
        actor=None,
        recognition=fresh(r),
        expected_version=fresh(r).version,
        held_on=on,
        members=7,
        yes=yes,
        no=no,
    )


def decide(r: Recognition, on: dt.date, outcome: str = Outcome.OFFICIAL) -> Recognition:
    return recognition_record_decision(
        actor=None,
        recognition=fresh(r),
        expected_version=fresh(r).version,
        decided_on=on,
        decision_ref="QĐ 12",
        outcome=outcome,
        decided_by="Đảng ủy xã An Phú",
    )


def test_probation_ending_on_a_saturday_gives_30_working_days_from_the_monday(tree):
    m = probationary(tree.xa_c1, D(2025, 3, 14))
    r = recognition_open(actor=None, membership=m)
    assert r.ends_on == D(2026, 3, 14) and r.ends_on.weekday() == 5
    # Working day 1 is Monday 16/03; the 30th is Friday 24/04/2026.
    assert r.due_on == D(2026, 4, 24)
    assert r.step == R.CELL_VOTE and r.steps == [R.CELL_VOTE, R.BASE_RESOLUTION, R.DECISION]


def test_probation_ending_in_tet_counts_no_day_of_the_holiday(tree):
    m = probationary(tree.xa_c1, D(2025, 2, 17))
    r = recognition_open(actor=None, membership=m)
    assert r.ends_on == D(2026, 2, 17)  # Tết Nguyên Đán 2026
    # 16–20/02 are Tết, 21–22 the weekend: day 1 is 23/02, day 30 is 03/04 (not 31/03).
    assert r.due_on == D(2026, 4, 3)


def test_the_cell_resolution_is_dated_after_the_end_day_before_day_of_day_after(tree):
    officials(tree.xa_c1, 9)
    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    papers_in(r, D(2026, 3, 1))
    for day in (D(2026, 3, 13), D(2026, 3, 14)):
        with refused("cases.review_before_probation_end"):
            cell_vote(r, day, yes=9)
    vote = cell_vote(r, D(2026, 3, 15), yes=9)
    assert vote.outcome == Outcome.OFFICIAL
    assert fresh(r).step == R.BASE_RESOLUTION and fresh(r).cell_resolution_on == D(2026, 3, 15)


def test_the_cell_cannot_vote_without_the_end_of_probation_papers(tree):
    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    recognition_record_papers(
        actor=None, recognition=r, expected_version=r.version, dates={"self_review_on": D(2026, 3, 1)}
    )
    with refused("cases.review_papers_missing"):
        cell_vote(r, D(2026, 3, 20), yes=9)
    assert fresh(r).votes.count() == 0


def test_a_recognition_decided_40_working_days_late_is_official_from_the_end_of_probation(tree):
    from dangvien.rules.calendar import DEFAULT as cal

    m = probationary(tree.xa_c1, D(2025, 3, 14))
    r = recognition_open(actor=None, membership=m)
    papers_in(r, D(2026, 3, 2))
    cell_vote(r, D(2026, 3, 20), yes=8)
    committee(r, D(2026, 3, 25))
    due = fresh(r).due_on
    assert due == cal.add_working_days(D(2026, 3, 20), 30)
    late_day = cal.add_working_days(due, 40)
    decide(r, late_day)
    m.refresh_from_db()
    assert m.status == Status.OFFICIAL and m.official_date == D(2026, 3, 14)
    made = m.events.get(kind=EventKind.MADE_OFFICIAL)
    assert made.on == D(2026, 3, 14) and made.decision_ref == "QĐ 12"
    assert membership_replay(m) == []
    decision = RecognitionStep.objects.get(recognition=r, step=R.DECISION)
    assert decision.due_on == due and cal.working_days_between(decision.due_on, decision.done_on) == 40
    assert fresh(r).state == RecognitionState.OFFICIAL and fresh(r).due_on is None


def test_three_votes_without_two_thirds_escalate_on_the_third_and_not_before(tree):
    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    papers_in(r, D(2026, 3, 2))
    cell_vote(r, D(2026, 3, 16), yes=5, no=4)  # 5/9 < 2/3 either way
    cell_vote(r, D(2026, 3, 23), yes=4, no=5)
    r2 = fresh(r)
    assert r2.step == R.CELL_VOTE and r2.escalated_on is None and r2.votes.count() == 2
    cell_vote(r, D(2026, 3, 30), yes=5, no=3)
    r3 = fresh(r)
    assert r3.escalated_on == D(2026, 3, 30) and r3.escalated_body == "cell"
    assert r3.step == R.DECISION
    from dangvien.rules.calendar import DEFAULT as cal

    assert r3.due_on == cal.add_working_days(D(2026, 3, 30), 30)
    # The committee above decides: here, removal from the rolls.
    decide(r, D(2026, 4, 20), Outcome.REMOVED)
    m = Membership.objects.get(pk=r.membership_id)
    assert m.status == Status.REMOVED and not m.is_active and m.status_since == D(2026, 4, 20)


def test_six_of_nine_for_removal_proposes_removal(tree):
    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    papers_in(r, D(2026, 3, 2))
    vote = cell_vote(r, D(2026, 3, 16), yes=3, no=6)
    assert vote.outcome == Outcome.REMOVED and fresh(r).proposal == Outcome.REMOVED


def test_a_base_cell_proposes_straight_to_the_competent_committee(tree):
    from dangvien.orgs.models import OrgKind
    from dangvien.orgs.services import org_create

    base_cell = org_create(
        actor=None,
        code="BC",
        name="Chi bộ cơ sở Trường",
        kind=OrgKind.BASE_CELL,
        parent=tree.province,
        founded_on=D(2000, 1, 1),
    )
    r = recognition_open(actor=None, membership=probationary(base_cell, D(2025, 3, 14)))
    assert r.steps == [R.CELL_VOTE, R.DECISION]
    papers_in(r, D(2026, 3, 2))
    cell_vote(r, D(2026, 3, 16), yes=9)
    assert fresh(r).step == R.DECISION


def test_the_base_committee_votes_for_recognition_or_removal_before_the_decision(tree):
    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    papers_in(r, D(2026, 3, 2))
    cell_vote(r, D(2026, 3, 16), yes=9)
    with refused("cases.step_not_yet"):
        decide(r, D(2026, 3, 20))
    with refused("cases.meeting_before_resolution"):
        committee(r, D(2026, 3, 13))
    assert committee(r, D(2026, 3, 18), yes=4).outcome == Outcome.NONE  # 4 of 7 < 2/3
    assert committee(r, D(2026, 3, 19), yes=5).outcome == Outcome.OFFICIAL  # 5 of 7 ≥ 2/3
    assert fresh(r).step == R.DECISION


def test_made_official_only_through_the_recognition_and_departure_closes_it(tree):
    m = probationary(tree.xa_c1, D(2025, 3, 14))
    r = recognition_open(actor=None, membership=m)
    with refused("cases.official_by_recognition"):
        member_record_event(actor=None, membership=m, kind=EventKind.MADE_OFFICIAL, on=D(2026, 3, 14))
    member_record_event(actor=None, membership=m, kind=EventKind.DIED, on=D(2026, 1, 5))
    r = fresh(r)
    assert r.state == RecognitionState.CLOSED and r.due_on is None and "Từ trần" in r.close_reason


def test_mentor_history_and_scope_and_stale_forms(tree, users):
    mentor_a, mentor_b = officials(tree.xa_c1, 2)
    outsider = officials(tree.xa_c2, 1)[0]
    r = recognition_open(actor=users.bithu1, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    recognition_assign_mentor(
        actor=users.bithu1, recognition=r, expected_version=r.version, mentor=mentor_a, on=D(2025, 3, 20)
    )
    with refused("cases.mentor_not_official"):
        recognition_assign_mentor(
            actor=users.bithu1,
            recognition=fresh(r),
            expected_version=fresh(r).version,
            mentor=outsider,
            on=D(2025, 6, 1),
        )
    recognition_assign_mentor(
        actor=users.bithu1,
        recognition=fresh(r),
        expected_version=fresh(r).version,
        mentor=mentor_b,
        on=D(2025, 9, 1),
    )
    history = list(fresh(r).mentors.values_list("mentor_id", "valid_from", "valid_to"))
    assert history == [(mentor_a.pk, D(2025, 3, 20), D(2025, 9, 1)), (mentor_b.pk, D(2025, 9, 1), None)]
    # The staff of another commune cannot write it; an old form is refused.
    with pytest.raises(ScopeDenied):
        recognition_record_papers(
            actor=users.binh,
            recognition=r,
            expected_version=fresh(r).version,
            dates={"self_review_on": D(2026, 1, 1)},
        )
    with pytest.raises(StaleError):
        recognition_record_papers(
            actor=users.an, recognition=r, expected_version=1, dates={"self_review_on": D(2026, 1, 1)}
        )
    assert fresh(r).self_review_on is None
