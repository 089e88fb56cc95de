"""Issue 18, item 2: a person row shared by several scopes is never changed by a user who
cannot write every scope it belongs to, and the refusal tells nothing of the other record.
Before: staff of commune A added a member with the CCCD and birth date of commune B's
candidate and another name, and B's candidate page showed A's name; the old values were
lost; an import naming B's member gave a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import AuditEntry, Role
from dangvien.accounts.services import user_create
from dangvien.candidates.importing import import_candidates
from dangvien.candidates.models import OPEN_STATES, Candidate, Source
from dangvien.candidates.services import candidate_add
from dangvien.cases.models import OPEN_CASE_STATES
from dangvien.core.errors import ServiceError
from dangvien.members.importing import HEADERS, import_members
from dangvien.members.models import Membership
from dangvien.members.services import member_register, member_update
from dangvien.orgs.scope import scope_for
from dangvien.people.models import Person
from dangvien.people.ownership import (
    OPEN_CANDIDACY,
    OPEN_CASE,
    OTHER_SCOPE,
    owner_cells,
    persons_out_of_reach,
)
from dangvien.people.services import PersonData

from ..conftest import PASSWORD, refused, register
from ..files import member_row, write_csv
from ..members.test_web_members import form_data

pytestmark = pytest.mark.django_db
CCCD_B = "001190054321"  # a woman born in 1990
BIRTH = dt.date(1990, 3, 12)


@pytest.fixture
def b_candidate(tree):
    """Commune B's candidate, with the phone and job B's staff recorded."""
    return candidate_add(
        actor=None,
        person=PersonData(
            full_name="Trần Thị Bích",
            birth_date=BIRTH,
            sex="female",
            cccd=CCCD_B,
            phone="0912345678",
            profession="Giáo viên",
        ),
        cell=tree.xb_c1,
        source=Source.YOUTH_UNION,
        listed_on=dt.date(2026, 1, 5),
    )


def same_cccd(name="Lê Thị Kẻ Mạo", birth=BIRTH):
    return PersonData(
        full_name=name, birth_date=birth, sex="female", cccd=CCCD_B, phone="0987654321", profession="Buôn bán"
    )


def assert_untouched(person: Person) -> None:
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.full_name, fresh.phone, fresh.profession, fresh.version) == (
        "Trần Thị Bích",
        "0912345678",
        "Giáo viên",
        person.version,
    )


@pytest.mark.parametrize("birth", [BIRTH, dt.date(1990, 7, 1)], ids=["same birth date", "other birth date"])
def test_staff_of_another_commune_cannot_take_a_candidates_cccd_and_learn_nothing(
    tree, users, b_candidate, birth
):
    with pytest.raises(ServiceError) as err:
        member_register(
            actor=users.an, person=same_cccd(birth=birth), cell=tree.xa_c1, admission_date=dt.date(2020, 1, 1)
        )
    # The same sentence whatever the other record holds: nothing about it is revealed.
    assert err.value.message == OTHER_SCOPE and err.value.field == "cccd"
    assert_untouched(b_candidate.person)
    assert not Membership.objects.exists()
    assert not AuditEntry.objects.filter(action="people.update").exists()


def test_the_web_form_says_the_same_neutral_sentence(login, users, tree, b_candidate):
    body = (
        login(users.an)
        .post(reverse("web:member_add"), form_data(tree.xa_c1, cccd=CCCD_B, full_name="Lê Thị Kẻ Mạo"))
        .content.decode()
    )
    assert str(OTHER_SCOPE) in body
    assert "Trần Thị Bích" not in body and "Khu phố" not in body and "Bình Minh" not in body
    assert_untouched(b_candidate.person)
    assert not Membership.objects.exists()


def test_a_committee_above_both_reaches_the_person_and_the_old_values_are_audited(tree, users, b_candidate):
    province = user_create(
        actor=None, username="tinh", password=PASSWORD, role=Role.STAFF, organization=tree.province
    )
    assert persons_out_of_reach(scope_for(province), [b_candidate.person_id]) == set()
    assert persons_out_of_reach(scope_for(users.an), [b_candidate.person_id]) == {b_candidate.person_id}
    # The candidate leaves B's list; the province's staff register her as a member of A.
    Candidate.objects.filter(pk=b_candidate.pk).update(state="withdrawn")
    m = member_register(
        actor=province,
        person=same_cccd(name="Trần Thị Bích Ngọc"),
        cell=tree.xa_c1,
        admission_date=dt.date(2020, 1, 1),
    )
    assert m.person_id == b_candidate.person_id
    entry = AuditEntry.objects.get(action="people.update", object_id=str(m.person_id))
    assert entry.changes["full_name"] == ["Trần Thị Bích", "Trần Thị Bích Ngọc"]
    assert entry.changes["profession"] == ["Giáo viên", "Buôn bán"]
    assert entry.changes["phone"][0].startswith("091") and entry.changes["phone"][0] != "0912345678"  # masked


def test_a_member_of_ones_own_cell_is_corrected_with_the_old_values_kept(tree, users):
    m = register(tree.xa_c1, "Nguyễn Văn An", cccd="001090012345", card="1")
    member_update(
        actor=users.an,
        membership=m,
        expected_version=m.version,
        person=PersonData(
            full_name="Nguyễn Văn Ân", birth_date=dt.date(1990, 5, 17), sex="male", cccd="001090012345"
        ),
        card_number="1",
        ceremony_date=None,
    )
    entry = AuditEntry.objects.filter(action="members.update").latest("seq")
    assert entry.changes["full_name"] == ["Nguyễn Văn An", "Nguyễn Văn Ân"]


def test_an_import_naming_another_communes_member_is_refused_row_by_row_not_a_500(tree, users, tmp_path):
    b_member = register(tree.xb_c1, "Phạm Văn Bốn", cccd="001090012345", card="77")
    rows = [
        member_row("Kẻ Mạo Một", cccd="001090012345", card=""),
        member_row("Kẻ Mạo Hai", cccd="", card="77"),
        member_row("Người Thật", cccd="", card="5"),
    ]
    result = import_members(path=write_csv(tmp_path / "m.csv", HEADERS, rows), actor=users.an)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages == {
        (2, "Số CCCD"): OTHER_SCOPE,
        (3, "Số thẻ đảng viên"): "Số thẻ đảng viên này không dùng được; liên hệ cấp ủy cấp trên",
    }
    b_member.person.refresh_from_db()
    assert b_member.person.full_name == "Phạm Văn Bốn"
    assert Membership.objects.count() == 1  # all or nothing: the good row is not written either


def test_the_same_row_twice_without_cccd_or_card_is_a_duplicate_not_two_members(tree, tmp_path):
    rows = [member_row("Hoàng Văn Năm"), member_row("Hoàng Văn Năm")]
    result = import_members(path=write_csv(tmp_path / "m.csv", HEADERS, rows), actor=None)
    assert [(e.row, e.message) for e in result.errors] == [(3, "trùng họ tên và ngày sinh với dòng 2")]
    assert not Membership.objects.exists()
    ok = import_members(path=write_csv(tmp_path / "o.csv", HEADERS, rows[:1]), actor=None)
    assert ok.created == 1 and not ok.errors


def test_a_candidate_import_naming_another_communes_candidate_tells_nothing_of_it(
    tree, users, b_candidate, tmp_path
):
    from dangvien.candidates.importing import HEADERS as CH

    path = write_csv(
        tmp_path / "c.csv", CH, [["Lê Thị Kẻ Mạo", "12/03/1990", "Nữ", CCCD_B, "XA-C1", "", "", "", ""]]
    )
    result = import_candidates(path=path, actor=users.an)
    assert [(e.column, e.message) for e in result.errors] == [("Số CCCD", OTHER_SCOPE)]
    assert_untouched(b_candidate.person)


def test_an_import_that_changes_a_counted_fact_keeps_the_province_figure_right(tree, tmp_path):
    """Issue 20's stale figure: a member imported as Nam, read at the province, imported
    again as Nữ. The autouse check (conftest) also recounts every kept figure after this."""
    from dangvien.reports.selectors import member_counts

    import_members(path=write_csv(tmp_path / "a.csv", HEADERS, [member_row(card="9", sex="Nam")]), actor=None)
    before = member_counts(scope_for(None), tree.province, as_of=dt.date.today())
    import_members(path=write_csv(tmp_path / "b.csv", HEADERS, [member_row(card="9", sex="Nữ")]), actor=None)
    after = member_counts(scope_for(None), tree.province, as_of=dt.date.today())
    assert before != after
    entry = AuditEntry.objects.get(action="people.update")
    assert entry.changes["sex"] == ["male", "female"]


def test_the_open_states_are_the_packages_own():
    assert set(OPEN_CANDIDACY) == {str(s) for s in OPEN_STATES}
    assert set(OPEN_CASE) == {str(s) for s in OPEN_CASE_STATES}


def test_a_person_belongs_to_the_cells_of_today_else_to_those_of_the_past(tree, b_candidate):
    assert owner_cells([b_candidate.person_id]) == {b_candidate.person_id: {tree.xb_c1.pk}}
    Candidate.objects.filter(pk=b_candidate.pk).update(state="withdrawn")
    assert owner_cells([b_candidate.person_id]) == {b_candidate.person_id: {tree.xb_c1.pk}}
    lone = Person.objects.create(full_name="Không Ai", birth_date=BIRTH, sex="female")
    assert owner_cells([lone.pk]) == {lone.pk: set()}


def test_a_cell_secretary_cannot_rename_or_dissolve_their_own_cell_and_staff_can(tree, users):
    from dangvien.orgs.reorganize import org_dissolve
    from dangvien.orgs.scope import ScopeDenied
    from dangvien.orgs.services import org_rename

    with pytest.raises(ScopeDenied):
        org_rename(
            actor=users.bithu1, org=tree.xa_c1, name="Chi bộ Thôn Một", effective_on=dt.date(2026, 1, 1)
        )
    with pytest.raises(ScopeDenied):
        org_dissolve(actor=users.bithu1, org=tree.xa_c1, effective_on=dt.date(2026, 1, 1))
    org_rename(actor=users.an, org=tree.xa_c1, name="Chi bộ Thôn Một", effective_on=dt.date(2026, 1, 1))
    tree.xa_c1.refresh_from_db()
    assert tree.xa_c1.name == "Chi bộ Thôn Một"


def test_only_committee_staff_record_the_committees_resolution_and_decision(tree, users):
    from dangvien.cases.admission.services import admission_record_committee_vote, admission_record_decision
    from dangvien.cases.committee import COMMITTEE_ONLY

    from ..cases_helpers import candidate, fresh, officials, open_case, prepare, vote

    intro = officials(tree.xa_c1, 2, prefix="Giới thiệu")
    case = prepare(open_case(candidate(tree.xa_c1)), introducers=intro)
    vote(case, held_on=dt.date(2025, 12, 10), yes=3)
    case = fresh(case)
    assert case.step == "base_resolution"
    with pytest.raises(ServiceError) as err:
        admission_record_committee_vote(
            actor=users.bithu1, case=case, expected_version=case.version, held_on=dt.date.today(),
            members=9, present=9, yes=9, no=0,
        )  # fmt: skip
    assert err.value.code == COMMITTEE_ONLY
    with refused("cases.committee_only"):
        admission_record_decision(
            actor=users.bithu1, case=case, expected_version=case.version, decided_on=dt.date.today(),
            decision_ref="01-QĐ/ĐU", received_on=dt.date.today(),
        )  # fmt: skip
    done = admission_record_committee_vote(
        actor=users.an, case=case, expected_version=case.version, held_on=dt.date(2025, 12, 20),
        members=9, present=9, yes=9, no=0,
    )  # fmt: skip
    assert done.passed
