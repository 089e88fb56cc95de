"""The probation, recognition, transfer, exemption and timeliness pages: each side of every
scope boundary, stale forms, and bounded query counts on the lists and the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.cases.models import Recognition, Transfer, TransferState
from dangvien.cases.recognition import rules as R
from dangvien.cases.recognition.services import recognition_open, recognition_record_papers
from dangvien.members.models import Exemption, Membership, Status
from dangvien.members.services import member_register
from tests.cases_helpers import officials
from tests.conftest import person, register

D = dt.date
pytestmark = pytest.mark.django_db


def probationary(cell, ceremony, name="Lê Thị Dự Bị"):  # type: ignore[no-untyped-def]
    return member_register(
        actor=None,
        person=person(name, D(1995, 4, 2), "female"),
        cell=cell,
        admission_date=ceremony - dt.timedelta(days=7),
        ceremony_date=ceremony,
    )


def test_the_probation_list_shows_what_is_missing_in_a_fixed_number_of_queries(
    login, users, tree, django_assert_max_num_queries
):
    for i in range(8):
        recognition_open(
            actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 1 + i), f"Dự Bị {'ABCDEFGH'[i]}")
        )
    probationary(tree.xa_c1, D(2025, 4, 1), "Chưa Mở Hồ Sơ")
    c = login(users.an)
    with django_assert_max_num_queries(12):
        body = c.get(reverse("web:probation")).content.decode()
    assert "Dự Bị H" in body and "Chưa mở hồ sơ theo dõi" in body and "Người giúp đỡ" in body
    assert 'class="overdue"' in body  # all ended in March 2026: the cell's 30 working days have passed
    assert "Dự Bị" not in login(users.binh).get(reverse("web:probation")).content.decode()


def test_the_recognition_page_from_both_sides_and_a_stale_form(login, users, tree):
    officials(tree.xa_c1, 9)
    m = probationary(tree.xa_c1, D(2025, 3, 14))
    c = login(users.bithu1)
    assert c.post(reverse("web:recognition_start", args=[m.pk])).status_code == 302
    r = Recognition.objects.get(membership=m)
    assert login(users.binh).get(reverse("web:recognition_detail", args=[r.pk])).status_code == 404
    assert (
        login(users.binh)
        .post(reverse("web:recognition_action", args=[r.pk, "papers"]), {"version": r.version})
        .status_code
        == 404
    )
    c = login(users.bithu1)
    page = c.get(reverse("web:recognition_detail", args=[r.pk])).content.decode()
    assert "14/03/2026" in page and "Thiếu" in page
    data = {"version": r.version, **{name: "01/03/2026" for name, _ in R.END_PAPERS}}
    assert c.post(reverse("web:recognition_action", args=[r.pk, "papers"]), data).status_code == 302
    again = c.post(reverse("web:recognition_action", args=[r.pk, "papers"]), data)
    assert again.status_code == 400 and "tải lại trang" in again.content.decode()
    r.refresh_from_db()
    vote = {"version": r.version, "held_on": "14/03/2026", "denominator": 9, "yes": 9, "no": 0}
    refused = c.post(reverse("web:recognition_action", args=[r.pk, "cell_vote"]), vote)
    assert refused.status_code == 400 and "sau khi hết thời gian dự bị" in refused.content.decode()
    vote["held_on"] = "16/03/2026"
    assert c.post(reverse("web:recognition_action", args=[r.pk, "cell_vote"]), vote).status_code == 302
    r.refresh_from_db()
    assert r.step == R.BASE_RESOLUTION
    # The member page links the dossier and shows the whole history.
    body = c.get(reverse("web:member_detail", args=[m.pk])).content.decode()
    assert (
        "Hồ sơ công nhận chính thức" in body and "Chi bộ biểu quyết" in body and "Hết thời gian dự bị" in body
    )


def test_a_transfer_through_the_web_each_side_its_own_pages(login, users, tree):
    m = register(tree.xa_c1, "Phạm Văn Chuyển", card="1")
    an = login(users.an)
    bad = an.post(
        reverse("web:transfer_start", args=[m.pk]),
        {
            "kind": "permanent",
            "to_code": "KHONG-CO",
            "moved_on": "02/03/2026",
            "reason": "Chuyển công tác",
            "version": m.version,
        },
    )
    assert bad.status_code == 400 and "Không có tổ chức đảng mã" in bad.content.decode()
    assert Transfer.objects.count() == 0
    resp = an.post(
        reverse("web:transfer_start", args=[m.pk]),
        {
            "kind": "permanent",
            "to_code": "XB-C1",
            "moved_on": "02/03/2026",
            "reason": "Chuyển công tác",
            "version": m.version,
        },
    )
    t = Transfer.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("web:transfer_detail", args=[t.pk])
    assert (
        an.post(
            reverse("web:transfer_action", args=[t.pk, "letter"]),
            {
                "version": t.version,
                "letter_ref": "GGT 12",
                "letter_on": "05/03/2026",
                "issued_by": "Đảng ủy xã",
            },
        ).status_code
        == 302
    )
    t.refresh_from_db()
    # The sender cannot receive; the receiver sees the incoming side only.
    assert (
        an.post(
            reverse("web:transfer_action", args=[t.pk, "receive"]),
            {"version": t.version, "received_on": "10/03/2026"},
        ).status_code
        == 404
    )
    binh = login(users.binh)
    assert "Phạm Văn Chuyển" in binh.get(reverse("web:transfers") + "?xem=den").content.decode()
    assert "Phạm Văn Chuyển" not in binh.get(reverse("web:transfers") + "?xem=di").content.decode()
    assert binh.get(reverse("web:member_detail", args=[m.pk])).status_code == 404
    detail = binh.get(reverse("web:transfer_detail", args=[t.pk])).content.decode()
    assert "Tiếp nhận" in detail and reverse("web:member_detail", args=[m.pk]) not in detail
    assert (
        login(users.bithu1).get(reverse("web:transfer_detail", args=[t.pk])).status_code == 200
    )  # her cell's member
    binh = login(users.binh)  # one test client: log the receiving side back in
    assert (
        binh.post(
            reverse("web:transfer_action", args=[t.pk, "receive"]),
            {"version": t.version, "received_on": "10/03/2026"},
        ).status_code
        == 302
    )
    t.refresh_from_db()
    assert t.state == TransferState.RECEIVED and Membership.objects.get(pk=m.pk).cell_id == tree.xb_c1.pk
    assert binh.get(reverse("web:member_detail", args=[m.pk])).status_code == 200


def test_an_exemption_through_the_web(login, users, tree):
    m = register(tree.xa_c1, "Cụ Già", card="1", birth=D(1945, 1, 1))
    c = login(users.bithu1)
    assert (
        c.post(
            reverse("web:exemption_start", args=[m.pk]),
            {"version": m.version, "kind": "exempt", "requested_on": "02/02/2026", "reason": "Tuổi cao"},
        ).status_code
        == 302
    )
    e = Exemption.objects.get()
    bad = c.post(
        reverse("web:exemption_action", args=[e.pk, "quyet-dinh"]),
        {"version": e.version, "approved": "1", "decided_on": "31/02/2026", "decision_ref": "NQ 1"},
    )
    assert bad.status_code == 400 and "không tồn tại" in bad.content.decode()
    assert (
        c.post(
            reverse("web:exemption_action", args=[e.pk, "quyet-dinh"]),
            {"version": e.version, "approved": "1", "decided_on": "10/02/2026", "decision_ref": "NQ 1"},
        ).status_code
        == 302
    )
    assert Membership.objects.get(pk=m.pk).status == Status.EXEMPT
    assert login(users.binh).get(reverse("web:exemption_action", args=[e.pk, "bao-cao"])).status_code == 404


def test_the_generic_event_form_needs_a_decision_for_a_removal(login, users, tree):
    m = register(tree.xa_c1, card="1")
    c = login(users.an)
    resp = c.post(
        reverse("web:member_event", args=[m.pk]),
        {"kind": "removed", "on": "01/02/2026", "version": m.version},
    )
    assert resp.status_code == 200 and "Ghi số quyết định" in resp.content.decode()
    assert Membership.objects.get(pk=m.pk).status == Status.OFFICIAL
    assert b'value="made_official"' not in c.get(reverse("web:member_event", args=[m.pk])).content


def _recognitions(tree, lates: tuple[bool, ...]) -> None:  # type: ignore[no-untyped-def]
    """One recognition per entry of `lates`, decided on time or 40 working days late."""
    from dangvien.cases.models import Outcome
    from dangvien.cases.recognition.services import (
        recognition_record_cell_vote,
        recognition_record_committee_vote,
        recognition_record_decision,
    )
    from dangvien.rules.calendar import DEFAULT as cal

    for i, late in enumerate(lates):
        r = recognition_open(
            actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14), f"Người {'ABCDEFGH'[i]}")
        )
        r = recognition_record_papers(
            actor=None,
            recognition=r,
            expected_version=r.version,
            dates={n: D(2026, 3, 1) for n, _ in R.END_PAPERS},
        )
        r.refresh_from_db()
        recognition_record_cell_vote(
            actor=None,
            recognition=r,
            expected_version=r.version,
            held_on=D(2026, 3, 16),
            denominator=9,
            yes=9,
            no=0,
        )
        r.refresh_from_db()
        recognition_record_committee_vote(
            actor=None,
            recognition=r,
            expected_version=r.version,
            held_on=D(2026, 3, 18),
            members=7,
            yes=7,
            no=0,
        )
        r.refresh_from_db()
        day = cal.add_working_days(r.due_on, 40) if late else D(2026, 3, 25)
        recognition_record_decision(
            actor=None,
            recognition=r,
            expected_version=r.version,
            decided_on=day,
            decision_ref=f"QĐ {i}",
            outcome=Outcome.OFFICIAL,
        )


def test_the_timeliness_report_lists_the_late_ones_in_a_fixed_number_of_queries(
    login, users, tree, django_assert_max_num_queries
):
    _recognitions(tree, (False, True))
    c = login(users.an)
    # 16, PostgreSQL's savepoint pair around the session, and the data version the report
    # is kept under (the audit's last entry, the stamps).
    with django_assert_max_num_queries(20):
        body = c.get(reverse("web:timeliness") + "?nam=2026").content.decode()
    assert "1 việc muộn" in body and "Người B" in body and "50,00%" in body and "40" in body
    # Per child organization: Thôn 1 made 1 of its 2 recognitions on time.
    assert ">1/2<" in body.replace(" ", "").replace("\n", "")
    assert "Người" not in login(users.binh).get(reverse("web:timeliness") + "?nam=2026").content.decode()
    bad = c.get(reverse("web:timeliness") + "?tu=31/02/2026&den=01/03/2026").content.decode()
    assert "không tồn tại" in bad


def test_the_timeliness_report_shows_the_worst_late_steps_and_each_kinds_whole_list_by_pages(
    login, users, tree, monkeypatch
):
    """A province's year holds hundreds of late steps: the report lists the worst of each
    kind (LATE_SHOWN) and links to the kind's whole list, LATE_PER_PAGE a page."""
    from dangvien.web.views import timeliness as view

    monkeypatch.setattr(view, "LATE_SHOWN", 2)
    monkeypatch.setattr(view, "LATE_PER_PAGE", 2)
    _recognitions(tree, (True, True, True))
    c = login(users.an)
    url = reverse("web:timeliness")
    body = c.get(url + "?nam=2026").content.decode()
    assert "3 việc muộn" in body and body.count('<tr class="late">') == 2
    assert "Xem cả 3 việc" in body and "?nam=2026&muon=recognition" in body
    whole = c.get(url + "?nam=2026&muon=recognition").content.decode()
    assert whole.count('<tr class="late">') == 2 and "Trang 1/2" in whole and 'id="children"' not in whole
    last = c.get(url + "?nam=2026&muon=recognition&trang=2").content.decode()
    assert last.count('<tr class="late">') == 1 and "Trang 2/2" in last
    names = [n for n in ("Người A", "Người B", "Người C") if n in whole + last]
    assert len(names) == 3  # every late step on one page or the other
    # An unknown kind, a page past the end: the report, or the last page; never an error.
    assert c.get(url + "?nam=2026&muon=khac").content.decode().count('<tr class="late">') == 2
    assert "Trang 2/2" in c.get(url + "?nam=2026&muon=recognition&trang=99").content.decode()
    # Another commune's staff: none of these, whole list or not.
    other = login(users.binh).get(url + "?nam=2026&muon=recognition").content.decode()
    assert "Người" not in other


def test_a_temporary_member_is_listed_on_the_receiving_cells_page_not_in_its_total(login, users, tree):
    from dangvien.cases.transfer.services import transfer_create, transfer_issue_letter, transfer_receive

    m = register(tree.xa_c1, "Tạm Thời", card="1")
    t = transfer_create(
        actor=users.an,
        membership=m,
        kind="temporary",
        moved_on=D(2026, 3, 2),
        reason="Học",
        to_cell=tree.xb_c1,
        until=D(2026, 12, 31),
    )
    t = transfer_issue_letter(
        actor=users.an, transfer=t, expected_version=t.version, letter_ref="G", letter_on=D(2026, 3, 3)
    )
    transfer_receive(actor=users.binh, transfer=t, expected_version=t.version, received_on=D(2026, 3, 9))
    body = login(users.binh).get(reverse("web:org_detail", args=["XB-C1"])).content.decode()
    assert 'id="member-total">0<' in body and "Tạm Thời" in body and "Sinh hoạt tạm thời tại chi bộ" in body
    body = login(users.an).get(reverse("web:org_detail", args=["XA-C1"])).content.decode()
    assert 'id="member-total">1<' in body


def test_residence_registration_and_the_living_here_page_through_the_web(login, users, tree):
    m = register(tree.xa_c1, "Sống Nơi Khác", card="1")
    c = login(users.an)
    url = reverse("web:residence_start", args=[m.pk])
    bad = c.post(url, {"version": m.version, "cell_code": "KHONG", "registered_on": "01/04/2026"})
    assert bad.status_code == 400 and "Không có chi bộ mã này" in bad.content.decode()
    assert (
        c.post(url, {"version": m.version, "cell_code": "XB-C1", "registered_on": "01/04/2026"}).status_code
        == 302
    )
    assert login(users.binh).get(url).status_code == 404  # the residence side reads, does not register
    here = login(users.binh).get(reverse("web:living_here")).content.decode()
    assert "Sống Nơi Khác" in here and "Chi bộ Thôn 1" in here
    assert "Sống Nơi Khác" not in login(users.an).get(reverse("web:living_here")).content.decode()


def test_the_sender_cancels_a_transfer_the_receiver_cannot(login, users, tree):
    from dangvien.cases.transfer.services import transfer_create

    m = register(tree.xa_c1, "Không Đi Nữa", card="1")
    t = transfer_create(
        actor=users.an,
        membership=m,
        kind="permanent",
        moved_on=D(2026, 3, 2),
        reason="Công tác",
        to_cell=tree.xb_c1,
    )
    url = reverse("web:transfer_action", args=[t.pk, "cancel"])
    data = {"version": t.version, "on": "05/03/2026", "reason": "Đảng viên ở lại"}
    assert login(users.binh).post(url, data).status_code == 404
    empty = login(users.an).post(url, {**data, "reason": ""})
    assert empty.status_code == 400 and Transfer.objects.get().state == TransferState.PREPARING
    assert login(users.an).post(url, data).status_code == 302
    again = login(users.an).post(url, data)  # a second click
    assert again.status_code == 400 and "tải lại trang" in again.content.decode()
    assert Transfer.objects.get().state == TransferState.CANCELLED


def test_opening_the_follow_up_twice_keeps_one_file_and_is_refused_for_an_official_member(login, users, tree):
    m = probationary(tree.xa_c1, D(2025, 3, 14))
    c = login(users.bithu1)
    first = c.post(reverse("web:recognition_start", args=[m.pk]))
    second = c.post(reverse("web:recognition_start", args=[m.pk]))
    assert first["Location"] == second["Location"] and Recognition.objects.count() == 1
    official = register(tree.xa_c1, "Đã Chính Thức", card="9")
    refused = c.post(reverse("web:recognition_start", args=[official.pk]), follow=True)
    assert "không phải đảng viên dự bị" in refused.content.decode() and Recognition.objects.count() == 1


def test_a_second_click_on_the_decision_says_reload(login, users, tree):
    from dangvien.cases.recognition.services import (
        recognition_record_cell_vote,
        recognition_record_committee_vote,
    )

    r = recognition_open(actor=None, membership=probationary(tree.xa_c1, D(2025, 3, 14)))
    r = recognition_record_papers(
        actor=None,
        recognition=r,
        expected_version=r.version,
        dates={n: D(2026, 3, 1) for n, _ in R.END_PAPERS},
    )
    recognition_record_cell_vote(
        actor=None,
        recognition=r,
        expected_version=r.version,
        held_on=D(2026, 3, 16),
        denominator=9,
        yes=9,
        no=0,
    )
    r.refresh_from_db()
    recognition_record_committee_vote(
        actor=None, recognition=r, expected_version=r.version, held_on=D(2026, 3, 18), members=7, yes=7, no=0
    )
    r.refresh_from_db()
    c = login(users.an)
    url = reverse("web:recognition_action", args=[r.pk, "decision"])
    data = {"version": r.version, "outcome": "official", "decided_on": "25/03/2026", "decision_ref": "QĐ 1"}
    assert c.post(url, data).status_code == 302
    again = c.post(url, data)
    assert again.status_code == 400 and "tải lại trang" in again.content.decode()
    assert Membership.objects.get(pk=r.membership_id).events.filter(kind="made_official").count() == 1
