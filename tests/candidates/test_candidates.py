"""The pool, mentors, assessments, classes and certificates."""

import datetime as dt

import pytest

from dangvien.candidates.models import Candidate, Certificate, ClassKind, Mentorship, Result, Source, State
from dangvien.candidates.selectors import candidate_list, certificate_status, pool_survey
from dangvien.candidates.services import (
    candidate_add,
    candidate_assess,
    candidate_assign_mentor,
    candidate_withdraw,
    certificate_record,
    class_create,
    class_enroll,
    class_record_result,
)
from dangvien.core.errors import ServiceError
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.people.services import PersonData
from dangvien.rules.services import rule_override

from ..conftest import refused, register

pytestmark = pytest.mark.django_db
D = dt.date


def someone(name="Lò Thị Mai", birth=None, sex="female", cccd=""):
    return PersonData(full_name=name, birth_date=birth or D(2002, 4, 9), sex=sex, cccd=cccd, ethnicity="Thái")


def test_a_candidate_is_listed_with_an_official_mentor_of_the_cell(tree, users):
    mentor = register(tree.xa_c1, "Nguyễn Văn An")
    c = candidate_add(
        actor=users.bithu1,
        person=someone(),
        cell=tree.xa_c1,
        source=Source.YOUTH_UNION,
        listed_on=D(2026, 1, 10),
        listed_ref="NQ 05-NQ/CB",
        mentor=mentor,
    )
    assert c.state == State.SOURCING and c.mentorships.get().mentor == mentor


def test_the_mentor_must_be_an_official_member_of_the_same_cell(tree, users):
    probationary = register(tree.xa_c1, "Trần Văn Bảo", admitted=D(2026, 2, 1), official=None)
    elsewhere = register(tree.xa_c2, "Phạm Văn Cường")
    for mentor, message in ((probationary, "chính thức"), (elsewhere, "không sinh hoạt")):
        with pytest.raises(ServiceError) as exc:
            candidate_add(
                actor=users.an,
                person=someone(),
                cell=tree.xa_c1,
                source=Source.OTHER,
                listed_on=None,
                mentor=mentor,
            )
        assert message in exc.value.message
    assert not Candidate.objects.exists()


def test_a_person_is_listed_once_and_a_member_not_at_all(tree, users):
    candidate_add(actor=users.an, person=someone(), cell=tree.xa_c1, source=Source.WOMEN, listed_on=None)
    with refused("candidates.already_listed_same_birth"):
        candidate_add(actor=users.an, person=someone(), cell=tree.xa_c2, source=Source.WOMEN, listed_on=None)
    member = register(tree.xa_c1, "Nguyễn Văn An")
    with refused("candidates.already_member"):
        candidate_add(
            actor=users.an, person=member.person, cell=tree.xa_c1, source=Source.OTHER, listed_on=None
        )
    assert Candidate.objects.count() == 1


def test_writes_stay_inside_the_scope(tree, users):
    with pytest.raises(ScopeDenied):
        candidate_add(
            actor=users.binh, person=someone(), cell=tree.xa_c1, source=Source.OTHER, listed_on=None
        )
    with pytest.raises(ScopeDenied):
        candidate_add(
            actor=users.bithu1, person=someone(), cell=tree.xa_c2, source=Source.OTHER, listed_on=None
        )
    with pytest.raises(ScopeDenied):
        candidate_add(
            actor=users.xem1, person=someone(), cell=tree.xa_c1, source=Source.OTHER, listed_on=None
        )
    assert not Candidate.objects.exists()


def test_changing_mentor_keeps_the_history(tree, users):
    first, second = register(tree.xa_c1, "Nguyễn Văn An"), register(tree.xa_c1, "Lê Thị Bình", sex="female")
    c = candidate_add(
        actor=users.an,
        person=someone(),
        cell=tree.xa_c1,
        source=Source.OTHER,
        listed_on=D(2026, 1, 5),
        mentor=first,
    )
    candidate_assign_mentor(actor=users.an, candidate=c, mentor=second, on=D(2026, 6, 1))
    periods = list(Mentorship.objects.filter(candidate=c).values_list("mentor_id", "valid_from", "valid_to"))
    assert periods == [(first.pk, D(2026, 1, 5), D(2026, 6, 1)), (second.pk, D(2026, 6, 1), None)]


def test_a_certificate_expiring_the_day_before_the_meeting_is_not_valid(tree):
    member = register(tree.xa_c1, "Nguyễn Văn An")
    person = member.person
    certificate_record(actor=None, person=person, kind=ClassKind.AWARENESS, issued_on=D(2021, 3, 12))
    # 60 months from 12/03/2021: valid through 11/03/2026.
    assert certificate_status(person, on=D(2026, 3, 11), org=tree.xa_c1).valid
    late = certificate_status(person, on=D(2026, 3, 12), org=tree.xa_c1)
    assert not late.valid and late.valid_until == D(2026, 3, 11)
    assert "hết hạn ngày 11/03/2026" in late.message and "HD 06-HD/TW" in late.message
    assert "Chưa có giấy chứng nhận" in certificate_status(person, on=D(2021, 3, 11)).message


def test_certificate_validity_follows_an_override_from_its_date(tree, users):
    member = register(tree.xa_c1, "Nguyễn Văn An")
    certificate_record(actor=None, person=member.person, kind=ClassKind.AWARENESS, issued_on=D(2022, 1, 10))
    rule_override(
        actor=users.admin,
        key="certificate.validity_months",
        value="48",
        effective_from=D(2026, 1, 1),
        reason="thử",
        province=tree.province,
    )
    assert certificate_status(member.person, on=D(2025, 12, 31), org=tree.xa_c1).valid  # 60 months then
    assert not certificate_status(member.person, on=D(2026, 1, 10), org=tree.xa_c1).valid  # 48 months now


def test_a_class_turns_candidates_ready_when_they_pass(tree, users):
    a = candidate_add(actor=users.an, person=someone(), cell=tree.xa_c1, source=Source.OTHER, listed_on=None)
    b = candidate_add(
        actor=users.an,
        person=someone("Vi Văn Nam", sex="male"),
        cell=tree.xa_c2,
        source=Source.OTHER,
        listed_on=None,
    )
    tc = class_create(
        actor=users.an,
        kind=ClassKind.AWARENESS,
        name="Lớp nhận thức về Đảng khóa 1/2026",
        organizer=tree.xa,
        starts_on=D(2026, 3, 2),
        ends_on=D(2026, 3, 6),
    )
    assert class_enroll(actor=users.an, training_class=tc, people=[a.person, b.person]) == 2
    assert (
        class_enroll(actor=users.an, training_class=tc, people=[a.person]) == 0
    )  # a double click adds nobody
    a.refresh_from_db()
    assert a.state == State.IN_CLASS
    att_a, att_b = tc.attendances.order_by("pk")
    with refused("candidates.certificate_before_class_end"):
        class_record_result(
            actor=users.an, attendance=att_a, result=Result.PASSED, certificate_date=D(2026, 3, 5)
        )
    class_record_result(
        actor=users.an,
        attendance=att_a,
        result=Result.PASSED,
        certificate_number="123/GCN",
        certificate_date=D(2026, 3, 6),
    )
    class_record_result(actor=users.an, attendance=att_b, result=Result.FAILED)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == State.READY and b.state == State.SOURCING
    assert Certificate.objects.get(person=a.person).number == "123/GCN"
    assert certificate_status(a.person, on=D(2026, 11, 23), org=tree.xa_c1).valid


def test_the_pool_survey_counts_and_flags_the_unassessed(tree, users):
    today = D(2026, 11, 23)
    old = candidate_add(
        actor=users.an, person=someone(), cell=tree.xa_c1, source=Source.YOUTH_UNION, listed_on=D(2026, 1, 5)
    )
    fresh = candidate_add(
        actor=users.an,
        person=someone("Vi Văn Nam", sex="male"),
        cell=tree.xa_c2,
        source=Source.FARMERS,
        listed_on=D(2026, 2, 1),
    )
    candidate_add(
        actor=users.binh,
        person=someone("Đinh Văn Hùng", sex="male"),
        cell=tree.xb_c1,
        source=Source.OTHER,
        listed_on=D(2026, 11, 1),
    )
    candidate_assess(
        actor=users.an, candidate=old, on=D(2026, 8, 22), conclusion="Tiến bộ"
    )  # 3 months + 1 day ago
    candidate_assess(
        actor=users.an, candidate=fresh, on=D(2026, 8, 23), conclusion="Tốt"
    )  # exactly 3 months ago
    certificate_record(actor=None, person=fresh.person, kind=ClassKind.AWARENESS, issued_on=D(2026, 5, 1))
    survey = pool_survey(scope_for(users.an), org=tree.xa, today=today)
    assert survey.total == 2  # XB's candidate is outside an's scope
    assert survey.by_source[Source.YOUTH_UNION] == 1 and survey.by_source[Source.FARMERS] == 1
    assert survey.with_valid_certificate == 1 and survey.assessed_recently == 1
    assert survey.not_assessed_count == 1
    # The list puts the longest unheard first.
    listed = candidate_list(scope_for(users.an), org=tree.xa, today=today)
    assert listed[0].pk == old.pk
    assert pool_survey(scope_for(users.binh), org=None, today=today).total == 1


def test_a_withdrawn_candidate_leaves_with_a_reason_and_may_come_back(tree, users):
    c = candidate_add(actor=users.an, person=someone(), cell=tree.xa_c1, source=Source.OTHER, listed_on=None)
    with refused("candidates.withdraw_reason_missing"):
        candidate_withdraw(actor=users.an, candidate=c, on=D(2026, 5, 1), reason=" ")
    candidate_withdraw(actor=users.an, candidate=c, on=D(2026, 5, 1), reason="Chuyển đi nơi khác")
    c.refresh_from_db()
    assert c.state == State.WITHDRAWN
    again = candidate_add(
        actor=users.an, person=c.person, cell=tree.xa_c1, source=Source.OTHER, listed_on=None
    )
    assert again.pk != c.pk and Candidate.objects.filter(person=c.person).count() == 2


def test_import_candidates_all_or_nothing_and_again_changes_nothing(tree, users, tmp_path):
    from dangvien.accounts.models import AuditEntry
    from dangvien.candidates.importing import HEADERS, import_candidates

    from ..files import write_csv, write_xlsx

    mentor = register(tree.xa_c1, "Nguyễn Văn An", card="7001")
    good = [
        [
            "Lò Thị Mai",
            "09/04/2002",
            "Nữ",
            "",
            "XA-C1",
            "Đoàn Thanh niên",
            "10/01/2026",
            "7001",
            "12/03/2021",
        ],
        ["Vi Văn Nam", "01/02/1999", "Nam", "", "XA-C2", "hội nông dân", "", "", ""],
    ]
    bad = [
        *good,
        ["Hà Văn Lâm", "31/02/2001", "Nam", "", "XA-C1", "", "", "", ""],
        ["Đinh Thị Hoa", "01/01/2000", "Nữ", "", "KHONGCO", "Hội Phụ nữ", "", "", ""],
        ["Sầm Văn Pó", "01/01/2000", "Nam", "0012000123456", "XA-C1", "Câu lạc bộ", "", "9999", ""],
    ]
    result = import_candidates(path=write_csv(tmp_path / "bad.csv", HEADERS, bad), actor=users.an)
    messages = [str(e) for e in result.errors]
    assert any(m.startswith('Dòng 4, cột "Ngày sinh"') and "31/02/2001" in m for m in messages)
    assert any(m.startswith('Dòng 5, cột "Mã chi bộ": không có chi bộ mã') for m in messages)
    assert any(m.startswith('Dòng 6, cột "Số CCCD"') for m in messages)
    assert any(m.startswith('Dòng 6, cột "Nguồn"') for m in messages)
    assert any(m.startswith('Dòng 6, cột "Đảng viên giúp đỡ"') for m in messages)
    assert not Candidate.objects.exists()

    path = write_xlsx(tmp_path / "good.xlsx", HEADERS, good)
    result = import_candidates(path=path, actor=users.an)
    assert result.ok and result.created == 2
    mai = Candidate.objects.get(person__full_name="Lò Thị Mai")
    assert mai.source == Source.YOUTH_UNION and mai.mentorships.get().mentor == mentor
    assert Certificate.objects.get(person=mai.person).issued_on == D(2021, 3, 12)
    again = import_candidates(path=path, actor=users.an)
    assert again.ok and again.created == 0 and again.unchanged == 2
    assert Candidate.objects.count() == 2 and Certificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="candidates.import").count() == 2  # one per file, not per row

    outside = import_candidates(path=path, actor=users.binh)  # XA's cells are not binh's
    assert not outside.ok and all("không có chi bộ mã" in e.message for e in outside.errors)


def test_an_imported_valid_certificate_makes_the_candidate_ready(tree, users, tmp_path):
    from dangvien.candidates.importing import HEADERS, import_candidates

    from ..files import write_csv

    row = ["Vi Văn Nam", "01/02/1999", "Nam", "", "XA-C2", "", "", "", ""]
    assert import_candidates(path=write_csv(tmp_path / "a.csv", HEADERS, [row]), actor=users.an).created == 1
    nam = Candidate.objects.get()
    assert nam.state == State.SOURCING
    row[-1] = "01/06/2025"  # a paper certificate arrives later: the same file again, with its date
    again = import_candidates(path=write_csv(tmp_path / "b.csv", HEADERS, [row]), actor=users.an)
    assert again.ok and again.updated == 1 and again.created == 0
    nam.refresh_from_db()
    assert nam.state == State.READY
    third = import_candidates(path=write_csv(tmp_path / "b.csv", HEADERS, [row]), actor=users.an)
    assert third.unchanged == 1 and Certificate.objects.count() == 1


def test_failing_a_class_does_not_undo_an_earlier_valid_certificate(tree, users):
    c = candidate_add(
        actor=users.an,
        person=someone(),
        cell=tree.xa_c1,
        source=Source.OTHER,
        listed_on=None,
        certificate_date=D(2025, 6, 1),
    )
    assert c.state == State.READY
    tc = class_create(
        actor=users.an,
        kind=ClassKind.AWARENESS,
        name="Lớp nhận thức về Đảng khóa 2/2026",
        organizer=tree.xa,
        starts_on=D(2026, 9, 7),
        ends_on=D(2026, 9, 11),
    )
    class_enroll(actor=users.an, training_class=tc, people=[c.person])
    class_record_result(actor=users.an, attendance=tc.attendances.get(), result=Result.FAILED)
    c.refresh_from_db()
    assert c.state == State.READY


def test_the_pool_survey_costs_two_queries(tree, users, django_assert_num_queries):
    for i in range(3):
        candidate_add(
            actor=users.an,
            person=someone(f"Lò Thị Mai {chr(65 + i)}"),
            cell=tree.xa_c1,
            source=Source.OTHER,
            listed_on=D(2026, 1, 5),
        )
    scope = scope_for(users.an)
    scope.grants  # noqa: B018 - load the assignments before counting
    with django_assert_num_queries(2):  # the rules, the counts (by source among them)
        survey = pool_survey(scope, org=tree.xa, today=D(2026, 11, 23))
    assert survey.total == 3 == survey.not_assessed_count == survey.by_source[Source.OTHER]


def test_cli_import_candidates_exits_1_on_a_bad_file(tree, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from dangvien.candidates.importing import HEADERS

    from ..files import write_csv

    bad = write_csv(
        tmp_path / "bad.csv", HEADERS, [["Lò Thị Mai", "31/02/2002", "Nữ", "", "XA-C1", "", "", "", ""]]
    )
    with pytest.raises(CommandError) as exc:
        call_command("import", "candidates", str(bad))
    assert exc.value.returncode == 1 and not Candidate.objects.exists()
    good = write_csv(
        tmp_path / "good.csv", HEADERS, [["Lò Thị Mai", "09/04/2002", "Nữ", "", "XA-C1", "", "", "", ""]]
    )
    call_command("import", "candidates", str(good))
    assert Candidate.objects.count() == 1
