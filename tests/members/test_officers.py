"""Issue 19, item 3: the office holders of every organization, with dates; set by the
committee's staff, imported, shown on the organization's page; papers signed by the holder
of the paper's day; 8-KNĐ's "Tổng số ủy viên" from the committee as it stood."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvien.core.errors import ServiceError
from dangvien.documents.services import document_generate
from dangvien.members.models import Office, OfficeHolder
from dangvien.members.officers import (
    HEADERS,
    committee_size_on,
    import_officers,
    officer_appoint,
    officer_end,
)
from dangvien.orgs.scope import ScopeDenied

from ..cases_helpers import candidate, fresh, officials, open_case, prepare, through_decision, vote
from ..conftest import refused
from ..documents.test_documents import text_of
from ..files import write_csv

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(tree):
    from dangvien.members.models import Membership

    found = officials(tree.xa_c1, 4, prefix="Cán bộ")
    for i, m in enumerate(found):
        Membership.objects.filter(pk=m.pk).update(card_number=f"9000{i}")
        m.card_number = f"9000{i}"
    return found


def test_staff_record_a_cell_secretary_and_the_next_after_the_first_ends(tree, users, people):
    first = officer_appoint(
        actor=users.an,
        organization=tree.xa_c1,
        office=Office.SECRETARY,
        membership=people[0],
        valid_from=D(2020, 9, 1),
    )
    with pytest.raises(ServiceError, match="đã có Bí thư: " + people[0].person.full_name):
        officer_appoint(
            actor=users.an, organization=tree.xa_c1, office=Office.SECRETARY, membership=people[1],
            valid_from=D(2025, 9, 1),
        )  # fmt: skip
    officer_end(actor=users.an, holder=first, on=D(2025, 9, 1))
    officer_appoint(
        actor=users.an,
        organization=tree.xa_c1,
        office=Office.SECRETARY,
        membership=people[1],
        valid_from=D(2025, 9, 1),
    )
    assert OfficeHolder.objects.count() == 2


def test_only_the_committee_staff_set_office_holders(tree, users, people):
    for outsider in (users.bithu1, users.xem1, users.binh, users.nobody):
        with pytest.raises(ScopeDenied):
            officer_appoint(
                actor=outsider, organization=tree.xa_c1, office=Office.SECRETARY, membership=people[0],
                valid_from=D(2024, 1, 1),
            )  # fmt: skip
    with refused("core.reason"):
        other_cell = officials(tree.xa_c2, 1, prefix="Khác")[0]
        officer_appoint(
            actor=users.an, organization=tree.xa_c1, office=Office.SECRETARY, membership=other_cell,
            valid_from=D(2024, 1, 1),
        )  # fmt: skip


@pytest.fixture
def decided(tree):
    officials(tree.xa_c1, 12)
    case = prepare(
        open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="Giới thiệu")
    )
    vote(case, held_on=D(2026, 1, 8), yes=13, doc_ref="NQ 05-NQ/CB")
    return fresh(case)


def test_papers_are_signed_by_the_holder_of_their_day(tree, users, people, decided):
    old = officer_appoint(
        actor=users.an,
        organization=tree.xa_c1,
        office=Office.SECRETARY,
        membership=people[0],
        valid_from=D(2020, 1, 1),
    )
    officer_end(actor=users.an, holder=old, on=D(2026, 3, 1))
    officer_appoint(
        actor=users.an,
        organization=tree.xa_c1,
        office=Office.SECRETARY,
        membership=people[1],
        valid_from=D(2026, 3, 1),
    )
    six = text_of(bytes(document_generate(actor=None, form_code="6-KNĐ", case=decided).content))
    # The resolution of 08/01/2026 is signed by the secretary of that day, not today's.
    assert "T/M CHI BỘ" in six and "BÍ THƯ" in six
    assert people[0].person.full_name in six and people[1].person.full_name not in six


def test_a_deputy_signs_when_there_is_no_secretary_and_unknown_leaves_a_blank(tree, users, people, decided):
    six = text_of(bytes(document_generate(actor=None, form_code="6-KNĐ", case=decided).content))
    assert "……………" in six.split("T/M CHI BỘ")[-1]  # no holder recorded: a line to sign by hand
    officer_appoint(
        actor=users.an,
        organization=tree.xa_c1,
        office=Office.DEPUTY,
        membership=people[2],
        valid_from=D(2025, 1, 1),
    )
    six = text_of(bytes(document_generate(actor=None, form_code="6-KNĐ", case=decided).content))
    assert "PHÓ BÍ THƯ" in six and people[2].person.full_name in six


def test_the_committee_vote_and_8_knd_count_the_committee_of_the_meeting_day(tree, users, decided):
    members = officials(tree.xa_c1, 9, prefix="Đảng ủy viên")
    for i, m in enumerate(members):
        office = Office.SECRETARY if i == 0 else Office.COMMITTEE
        officer_appoint(
            actor=users.an, organization=tree.xa, office=office, membership=m, valid_from=D(2025, 1, 1)
        )
    assert committee_size_on(tree.xa, D(2026, 1, 20)) == 9
    with refused("members.committee_size_differs"):
        _committee_vote(decided, users, members=11)
    case = through_decision(
        decided, resolution=D(2026, 1, 20), decided=D(2026, 2, 10), received=D(2026, 2, 12)
    )
    eight = text_of(bytes(document_generate(actor=None, form_code="8-KNĐ", case=case).content))
    assert "T/M ĐẢNG ỦY" in eight and members[0].person.full_name in eight


def _committee_vote(case, users, *, members):  # type: ignore[no-untyped-def]
    from dangvien.cases.admission.services import admission_record_committee_vote

    c = fresh(case)
    return admission_record_committee_vote(
        actor=users.an, case=c, expected_version=c.version, held_on=D(2026, 1, 20),
        members=members, present=members, yes=members, no=0,
    )  # fmt: skip


def test_office_holders_are_imported_all_or_nothing_and_again_change_nothing(tree, users, people, tmp_path):
    rows = [
        ["XA-C1", "", people[0].card_number, "Bí thư chi bộ", "01/09/2020", ""],
        ["XA", "Trần Văn Ủy", "", "Cấp ủy viên", "01/01/2025", ""],
        ["XA", "Lê Văn Phó", "", "phó bí thư", "01/01/2025", "31/12/2029"],
    ]
    path = write_csv(tmp_path / "o.csv", HEADERS, rows)
    first = import_officers(path=path, actor=users.an)
    assert first.ok and first.created == 3, [str(e) for e in first.errors]
    again = import_officers(path=path, actor=users.an)
    assert again.unchanged == 3 and OfficeHolder.objects.count() == 3
    bad = write_csv(
        tmp_path / "b.csv",
        HEADERS,
        [["XA", "A", "", "Trưởng thôn", "01/01/2025", ""], ["XB", "B", "", "Bí thư", "31/02/2025", ""]],
    )
    refused = import_officers(path=bad, actor=users.an)
    messages = [str(e) for e in refused.errors]
    assert any("Trưởng thôn" in m for m in messages) and any("XB" in m for m in messages)
    assert any("31/02/2025" in m for m in messages) and OfficeHolder.objects.count() == 3
    call_command("import", "officers", str(path), "--dry-run")


def test_the_organization_page_shows_and_records_office_holders(tree, users, people, login):
    c = login(users.an)
    url = reverse("web:org_officer_add", args=["XA-C1"])
    response = c.post(
        url, {"office": "secretary", "card_number": people[0].card_number, "valid_from": "01/09/2020"}
    )
    assert response.status_code == 302
    page = c.get(reverse("web:org_detail", args=["XA-C1"])).content.decode()
    assert "Cấp ủy" in page and people[0].person.full_name in page and "01/09/2020" in page
    # A secretary sees the list but cannot change it; another commune's staff get 404.
    assert (
        login(users.bithu1)
        .post(url, {"office": "deputy", "full_name": "X", "valid_from": "01/01/2025"})
        .status_code
        == 404
    )
    assert login(users.binh).get(reverse("web:org_detail", args=["XA-C1"])).status_code == 404


def test_an_end_in_a_later_file_goes_through_the_service_and_a_contradiction_is_refused(
    tree, users, people, tmp_path
):
    from dangvien.accounts.models import AuditEntry

    row = ["XA-C1", "", people[0].card_number, "Bí thư", "01/09/2020"]
    assert import_officers(path=write_csv(tmp_path / "a.csv", HEADERS, [[*row, ""]]), actor=users.an).ok
    ended = import_officers(
        path=write_csv(tmp_path / "b.csv", HEADERS, [[*row, "01/06/2025"]]), actor=users.an
    )
    assert ended.ok and ended.updated == 1
    assert OfficeHolder.objects.get().valid_to == D(2025, 6, 1)
    assert AuditEntry.objects.filter(action="orgs.officer_end").exists()
    other = import_officers(
        path=write_csv(tmp_path / "c.csv", HEADERS, [[*row, "01/07/2025"]]), actor=users.an
    )
    assert [str(e) for e in other.errors] == [
        'Dòng 2, cột "Đến ngày": đã ghi đồng chí '
        + people[0].person.full_name
        + " thôi chức vụ này từ 01/06/2025"
    ]
    assert OfficeHolder.objects.get().valid_to == D(2025, 6, 1)


def test_ending_an_office_on_the_page_from_both_sides_of_the_scope(tree, users, people, login):
    holder = officer_appoint(
        actor=users.an, organization=tree.xa_c1, office=Office.SECRETARY, membership=people[0],
        valid_from=D(2020, 9, 1),
    )  # fmt: skip
    url = reverse("web:org_officer_end", args=["XA-C1", holder.pk])
    assert login(users.binh).post(url, {"on": "01/06/2025"}).status_code == 404
    assert login(users.bithu1).post(url, {"on": "01/06/2025"}).status_code == 404
    c = login(users.an)
    bad = c.post(url, {"on": "31/02/2025"}, follow=True).content.decode()
    assert "31/02/2025" in bad and OfficeHolder.objects.get().valid_to is None
    before = c.post(url, {"on": "01/01/2019"}, follow=True).content.decode()
    assert "phải sau ngày bắt đầu" in before and OfficeHolder.objects.get().valid_to is None
    assert c.post(url, {"on": "01/06/2025"}).status_code == 302
    assert OfficeHolder.objects.get().valid_to == D(2025, 6, 1)
    again = c.post(url, {"on": "01/07/2025"}, follow=True).content.decode()  # a second click
    assert "đã thôi chức vụ này" in again and OfficeHolder.objects.get().valid_to == D(2025, 6, 1)


def test_a_card_number_outside_the_scope_is_refused_on_the_page(tree, users, login):
    from dangvien.members.models import Membership

    elsewhere = officials(tree.xb_c1, 1, prefix="Phường")[0]
    Membership.objects.filter(pk=elsewhere.pk).update(card_number="55555")
    page = login(users.an).post(
        reverse("web:org_officer_add", args=["XA-C1"]),
        {"office": "secretary", "card_number": "55555", "valid_from": "01/01/2025"},
        follow=True,
    )
    assert "Không có đảng viên số thẻ này" in page.content.decode()
    assert not OfficeHolder.objects.exists()


def test_the_web_import_offers_officers_and_events(tree, users, people, login, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvien.members.events_import import HEADERS as EVENT_HEADERS

    data = write_csv(
        tmp_path / "e.csv", EVENT_HEADERS, [[people[1].card_number, "", "Tạm miễn", "01/03/2026", "", ""]]
    )
    from ..jobs_helpers import finish

    c = login(users.an)
    page = c.post(
        reverse("web:import_start"),
        {"kind": "events", "file": SimpleUploadedFile("e.csv", data.read_bytes())},
    )
    assert "Tạm miễn sinh hoạt ngày 01/03/2026" in finish(c, page)
