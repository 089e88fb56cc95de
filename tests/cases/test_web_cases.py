"""The admission pages: board, overdue list, case page and its forms, candidate and class
pages — every page from both sides of the scope boundary."""

import datetime as dt

import pytest

from dangvien.candidates.models import Candidate, State, TrainingClass
from dangvien.candidates.services import class_create, class_enroll
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import Case, StepRecord
from dangvien.members.models import Membership, Status

from ..cases_helpers import awareness_class, candidate, fresh, officials, open_case, prepare, vote

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def case(tree):
    officials(tree.xa_c1, 12)
    return open_case(candidate(tree.xa_c1))


def test_the_board_shows_columns_counts_and_only_the_scope(
    tree, users, login, case, django_assert_max_num_queries
):
    officials(tree.xb_c1, 2)
    open_case(candidate(tree.xb_c1, name="Người phường"))
    client = login(users.an)
    # The board, the recent failed votes, the bell (cached a minute), and the data version
    # (2) the board is kept under until the next write (web/fragments.py).
    with django_assert_max_num_queries(16):
        page = client.get("/ket-nap/").content.decode()
    assert "Nguyễn Thị Hằng" in page and "Người phường" not in page
    with django_assert_max_num_queries(7):  # again: session, user, grants, cells, version (2), bell
        again = client.get("/ket-nap/").content.decode()

    def board(html: str) -> str:
        return html[html.index('id="board-summary"') : html.index("</main>")]

    assert board(again) == board(page)
    # A dossier opened since: the next visit counts and shows it.
    open_case(candidate(tree.xa_c1, name="Người mới vào"))
    assert "Người mới vào" in client.get("/ket-nap/").content.decode()
    assert 'data-step="application"' in page
    assert client.get("/ket-nap/?to-chuc=XB").status_code == 404
    assert "Người phường" in login(users.binh).get("/ket-nap/").content.decode()


def test_the_case_page_is_404_outside_the_scope_and_read_only_for_a_viewer(users, login, case):
    assert login(users.binh).get(f"/ket-nap/{case.pk}/").status_code == 404
    viewer = login(users.xem1)
    page = viewer.get(f"/ket-nap/{case.pk}/")
    assert page.status_code == 200 and "Việc tiếp theo" not in page.content.decode()
    post = viewer.post(f"/ket-nap/{case.pk}/step/", {"version": case.version, "done_on": "05/11/2025"})
    assert post.status_code == 404 and not StepRecord.objects.filter(step=P.APPLICATION).exists()
    # Once the commune's staff have read it (kept for their scope), still 404 for another's.
    assert login(users.an).get(f"/ket-nap/{case.pk}/").status_code == 200
    assert login(users.binh).get(f"/ket-nap/{case.pk}/").status_code == 404


def test_a_secretary_records_a_step_and_a_second_submit_is_told_to_reload(users, login, case):
    client = login(users.bithu1)
    page = client.get(f"/ket-nap/{case.pk}/").content.decode()
    assert "Việc tiếp theo" in page and "1-KNĐ" in page and "Kiểm tra điều kiện" in page
    data = {
        "version": case.version,
        "done_on": "05/11/2025",
        "doc_ref": "",
        "papers": ["application"],
        "note": "",
    }
    assert client.post(f"/ket-nap/{case.pk}/step/", data).status_code == 302
    again = client.post(f"/ket-nap/{case.pk}/step/", data)
    assert again.status_code == 400 and "tải lại trang" in again.content.decode()
    assert StepRecord.objects.filter(case=case, step=P.APPLICATION).count() == 1


def test_bad_dates_get_a_clear_message_and_change_nothing(users, login, case):
    client = login(users.bithu1)
    reply = client.post(f"/ket-nap/{case.pk}/step/", {"version": case.version, "done_on": "31/02/2026"})
    assert reply.status_code == 400 and "Ngày 31/02/2026 không tồn tại" in reply.content.decode()
    assert fresh(case).version == case.version


def test_an_unknown_action_is_404(users, login, case):
    assert login(users.an).post(f"/ket-nap/{case.pk}/xoa-het/", {}).status_code == 404


def test_a_failed_check_is_shown_with_its_source_and_blocks_the_vote(tree, users, login):
    officials(tree.xa_c1, 12)
    c = prepare(
        open_case(candidate(tree.xa_c1, education="6/12")), introducers=officials(tree.xa_c1, 2, prefix="GT")
    )
    client = login(users.bithu1)
    page = client.get(f"/ket-nap/{c.pk}/").content.decode()
    assert "✗" in page and "THCS" in page
    reply = client.post(
        f"/ket-nap/{c.pk}/cell_vote/",
        {
            "version": c.version,
            "held_on": "10/12/2025",
            "summoned": 15,
            "exempt_present": 0,
            "denominator": 15,
            "yes": 15,
            "no": 0,
        },
    )
    assert reply.status_code == 400 and "chưa đủ điều kiện" in reply.content.decode()
    assert not fresh(c).votes.exists()


def test_the_web_vote_form_records_a_failed_vote(tree, users, login):
    officials(tree.xa_c1, 12)
    c = prepare(open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="GT"))
    client = login(users.bithu1)
    reply = client.post(
        f"/ket-nap/{c.pk}/cell_vote/",
        {
            "version": c.version,
            "held_on": "10/12/2025",
            "summoned": 15,
            "exempt_present": 0,
            "denominator": 15,
            "yes": 9,
            "no": 6,
            "excluded_excused": 0,
        },
        follow=True,
    )
    assert "KHÔNG đạt: 9/15" in reply.content.decode()
    assert fresh(c).step == P.CELL_VOTE and fresh(c).votes.get().passed is False


def test_the_overdue_page_lists_late_cases_in_red(tree, users, login):
    officials(tree.xa_c1, 12)
    c = prepare(open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="GT"))
    vote(c, held_on=D(2026, 1, 8), yes=15)
    page = login(users.an).get("/ket-nap/qua-han/").content.decode()
    assert 'class="late"' in page and "09/04/2026" in page
    assert "Nguyễn Thị Hằng" not in login(users.binh).get("/ket-nap/qua-han/").content.decode()


def test_opening_a_case_from_the_candidate_page(tree, users, login):
    officials(tree.xa_c1, 3)
    cand = candidate(tree.xa_c1)
    client = login(users.bithu1)
    page = client.get(f"/quan-chung/{cand.pk}/").content.decode()
    assert "Mở hồ sơ kết nạp" in page and "còn giá trị đến" in page
    reply = client.post(f"/quan-chung/{cand.pk}/mo-ho-so/", {"opened_on": "03/11/2025", "route": "members"})
    case = Case.objects.get(person=cand.person)
    assert reply.status_code == 302 and reply["Location"] == f"/ket-nap/{case.pk}/"
    assert login(users.binh).get(f"/quan-chung/{cand.pk}/").status_code == 404
    assert (
        login(users.binh).post(f"/quan-chung/{cand.pk}/mo-ho-so/", {"opened_on": "03/11/2025"}).status_code
        == 404
    )


def test_the_candidate_list_is_scoped(tree, users, login):
    officials(tree.xa_c1, 1)
    officials(tree.xb_c1, 1)
    candidate(tree.xa_c1, name="Ở xã")
    candidate(tree.xb_c1, name="Ở phường")
    client = login(users.an)
    page = client.get("/quan-chung/").content.decode()
    assert "Ở xã" in page and "Ở phường" not in page
    # The page is kept until the next write: a candidate added since is on the next visit,
    # and the other commune's staff never read the first one's page.
    candidate(tree.xa_c2, name="Mới thêm")
    assert "Mới thêm" in client.get("/quan-chung/").content.decode()
    assert "Ở xã" not in login(users.binh).get("/quan-chung/").content.decode()


def test_the_class_page_names_only_attendees_in_scope(tree, users, login):
    officials(tree.xa_c1, 1)
    officials(tree.xb_c1, 1)
    a = candidate(tree.xa_c1, name="Học viên xã", certificate=None)
    b = candidate(tree.xb_c1, name="Học viên phường", certificate=None)
    tc = class_create(
        actor=None,
        kind="awareness",
        name="Lớp nhận thức khóa 3",
        organizer=tree.province,
        starts_on=D(2025, 10, 1),
        ends_on=D(2025, 10, 5),
    )
    class_enroll(actor=None, training_class=tc, people=[a.person, b.person])
    page = login(users.an).get(f"/lop-hoc/{tc.pk}/").content.decode()
    assert "Học viên xã" in page and "Học viên phường" not in page and "1 học viên thuộc đơn vị khác" in page
    assert login(users.nobody).get(f"/lop-hoc/{tc.pk}/").status_code == 404


def test_the_ceremony_through_the_web_makes_a_probationary_member(tree, users, login):
    officials(tree.xa_c1, 12)
    c = prepare(open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="GT"))
    vote(c, held_on=D(2026, 1, 8), yes=15)
    staff = login(users.an)
    c = fresh(c)
    assert (
        staff.post(
            f"/ket-nap/{c.pk}/committee_vote/",
            {"version": c.version, "held_on": "20/01/2026", "members": 9, "present": 9, "yes": 9, "no": 0},
        ).status_code
        == 302
    )
    c = fresh(c)
    assert (
        staff.post(
            f"/ket-nap/{c.pk}/decision/",
            {
                "version": c.version,
                "decided_on": "10/02/2026",
                "decision_ref": "QĐ 15",
                "received_on": "12/02/2026",
                "papers": ["decision"],
            },
        ).status_code
        == 302
    )
    c = fresh(c)
    reply = staff.post(
        f"/ket-nap/{c.pk}/ceremony/", {"version": c.version, "held_on": "03/03/2026"}, follow=True
    )
    assert "đảng viên dự bị" in reply.content.decode()
    m = Membership.objects.get(person=c.person)
    assert m.status == Status.PROBATIONARY and m.ceremony_date == D(2026, 3, 3)


def _classes(tree):
    from dangvien.candidates.models import Attendance
    from dangvien.candidates.services import class_record_result

    officials(tree.xa_c1, 1)
    officials(tree.xa_c2, 1)
    officials(tree.xb_c1, 1)
    a = candidate(tree.xa_c1, name="Học viên Một", certificate=None)
    b = candidate(tree.xa_c2, name="Học viên Hai", certificate=None)
    c = candidate(tree.xb_c1, name="Học viên Ba", certificate=None)
    commune = class_create(
        actor=None,
        kind="awareness",
        name="Lớp xã khóa 1",
        organizer=tree.xa,
        organizer_name="Trung tâm Chính trị xã",
        starts_on=D(2025, 4, 1),
        ends_on=D(2025, 4, 5),
    )
    province = class_create(
        actor=None,
        kind="awareness",
        name="Lớp tỉnh khóa 1",
        organizer=tree.province,
        starts_on=D(2025, 6, 1),
        ends_on=D(2025, 6, 5),
    )
    class_enroll(actor=None, training_class=commune, people=[a.person, b.person])
    class_enroll(actor=None, training_class=province, people=[c.person])
    class_record_result(
        actor=None,
        attendance=Attendance.objects.get(person=a.person),
        result="passed",
        certificate_number="12",
        certificate_date=D(2025, 4, 5),
    )
    return commune, province


def test_the_class_report_counts_per_organizer_and_per_organization(
    tree, users, django_assert_max_num_queries
):
    from dangvien.candidates.selectors import class_report
    from dangvien.orgs.scope import scope_for

    _classes(tree)
    whole = class_report(scope_for(users.admin), org=tree.province, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [(t.label, t.classes, t.attendees, t.passed) for t in whole.by_organizer] == [
        ("Trung tâm Chính trị xã", 1, 2, 1),
        ("Đảng bộ tỉnh Thử", 1, 1, 0),
    ]
    assert [(t.label, t.attendees, t.passed) for t in whole.by_org] == [
        ("Đảng bộ xã An Phú", 2, 1),
        ("Đảng bộ phường Bình Minh", 1, 0),
    ]
    scope = scope_for(users.an)
    scope.grants  # noqa: B018 (the user's assignments: loaded once per request)
    with django_assert_max_num_queries(4):
        xa = class_report(scope, org=tree.xa, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [tc.name for tc in xa.classes] == ["Lớp xã khóa 1"]
    assert [(t.label, t.attendees) for t in xa.by_org] == [("Chi bộ Thôn 1", 1), ("Chi bộ Thôn 2", 1)]
    assert class_report(scope, org=tree.xa, start=D(2025, 5, 1), end=D(2025, 12, 31)).attendees == 0


def test_the_classes_page_shows_the_report_and_refuses_a_bad_date(tree, users, login):
    _classes(tree)
    client = login(users.an)
    page = client.get("/lop-hoc/?tu=01/01/2025&den=31/12/2025").content.decode()
    assert "Trung tâm Chính trị xã" in page and "Chi bộ Thôn 2" in page and "Lớp tỉnh khóa 1" not in page
    bad = client.get("/lop-hoc/?tu=31/02/2025")
    assert bad.status_code == 400 and "31/02/2025 không tồn tại" in bad.content.decode()
    assert client.get("/lop-hoc/?to-chuc=XB").status_code == 404


def test_a_secretary_lists_a_candidate_assigns_a_mentor_and_records_an_assessment(tree, users, login):
    mentor = officials(tree.xa_c1, 1, prefix="Giúp đỡ")[0]
    client = login(users.bithu1)
    form = client.get("/quan-chung/them/").content.decode()
    assert "Chi bộ Thôn 1 (XA-C1)" in form and "XA-C2" not in form
    bad = client.post(
        "/quan-chung/them/",
        {
            "full_name": "Lò Thị Mai",
            "birth_date": "09/04/2002",
            "sex": "female",
            "cccd": "0123",
            "cell": tree.xa_c1.pk,
            "source": "youth_union",
            "listed_on": "10/01/2026",
        },
    )
    assert bad.status_code == 200 and "12 chữ số" in bad.content.decode()
    assert not Candidate.objects.exists()
    reply = client.post(
        "/quan-chung/them/",
        {
            "full_name": "Lò Thị Mai",
            "birth_date": "09/04/2002",
            "sex": "female",
            "cell": tree.xa_c1.pk,
            "source": "youth_union",
            "listed_on": "10/01/2026",
            "listed_ref": "NQ 02",
        },
    )
    cand = Candidate.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/quan-chung/{cand.pk}/"
    assert (
        client.post(
            f"/quan-chung/{cand.pk}/mentor/",
            {"mentor": mentor.pk, "on": "10/01/2026", "version": cand.version},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/quan-chung/{cand.pk}/assess/",
            {
                "on": "05/02/2026",
                "strengths": "Nhiệt tình",
                "weaknesses": "",
                "conclusion": "Tiếp tục bồi dưỡng",
            },
        ).status_code
        == 302
    )
    page = client.get(f"/quan-chung/{cand.pk}/").content.decode()
    assert "Giúp đỡ XA-C1 0" in page and "Tiếp tục bồi dưỡng" in page
    # Outside the scope: 404, nothing written.
    other = login(users.binh)
    assert (
        other.post(f"/quan-chung/{cand.pk}/assess/", {"on": "05/02/2026", "conclusion": "x"}).status_code
        == 404
    )
    assert cand.assessments.count() == 1
    viewer = login(users.xem1)
    assert (
        viewer.post(f"/quan-chung/{cand.pk}/assess/", {"on": "05/02/2026", "conclusion": "x"}).status_code
        == 404
    )


def test_a_mentor_from_another_cell_is_refused_and_a_withdrawal_needs_a_reason(tree, users, login):
    officials(tree.xa_c1, 1)
    stranger = officials(tree.xa_c2, 1, prefix="Xa")[0]
    cand = candidate(tree.xa_c1, certificate=None)
    client = login(users.an)
    reply = client.post(
        f"/quan-chung/{cand.pk}/mentor/", {"mentor": stranger.pk, "on": "10/01/2026", "version": cand.version}
    )
    assert reply.status_code == 400 and cand.mentorships.count() == 1
    reply = client.post(
        f"/quan-chung/{cand.pk}/withdraw/", {"on": "10/01/2026", "reason": "", "version": cand.version}
    )
    assert reply.status_code == 400
    reply = client.post(
        f"/quan-chung/{cand.pk}/withdraw/",
        {"on": "10/01/2026", "reason": "Chuyển đi", "version": cand.version},
    )
    assert reply.status_code == 302 and Candidate.objects.get(pk=cand.pk).state == State.WITHDRAWN


def test_staff_open_a_class_enroll_and_record_results(tree, users, login):
    officials(tree.xa_c1, 1)
    cand = candidate(tree.xa_c1, certificate=None)
    client = login(users.an)
    reply = client.post(
        "/lop-hoc/them/",
        {
            "kind": "awareness",
            "name": "Lớp nhận thức khóa 1/2026",
            "organizer": tree.xa.pk,
            "starts_on": "02/03/2026",
            "ends_on": "06/03/2026",
            "place": "Hội trường",
        },
    )
    tc = TrainingClass.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/lop-hoc/{tc.pk}/"
    page = client.get(f"/lop-hoc/{tc.pk}/").content.decode()
    assert "Nguyễn Thị Hằng — Chi bộ Thôn 1" in page
    assert client.post(f"/lop-hoc/{tc.pk}/enroll/", {"people": [cand.person_id]}).status_code == 302
    assert Candidate.objects.get(pk=cand.pk).state == State.IN_CLASS
    attendance = tc.attendances.get()
    early = client.post(
        f"/lop-hoc/{tc.pk}/result/",
        {
            "attendance": attendance.pk,
            "result": "passed",
            "certificate_number": "15",
            "certificate_date": "01/03/2026",
        },
    )
    assert early.status_code == 400 and "trước ngày bế giảng" in early.content.decode()
    assert (
        client.post(
            f"/lop-hoc/{tc.pk}/result/",
            {
                "attendance": attendance.pk,
                "result": "passed",
                "certificate_number": "15",
                "certificate_date": "06/03/2026",
            },
        ).status_code
        == 302
    )
    assert Candidate.objects.get(pk=cand.pk).state == State.READY
    assert (
        login(users.binh).post(f"/lop-hoc/{tc.pk}/enroll/", {"people": [cand.person_id]}).status_code == 404
    )
    assert login(users.bithu1).get("/lop-hoc/them/").status_code == 404  # a cell does not run classes


def test_the_lists_cost_the_same_queries_for_few_or_many_rows(tree, users, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvien.cases.admission.selectors import cell_voters

    officials(tree.xa_c1, 14)

    def cost(url: str) -> int:
        client = login(users.an)
        client.get(url)  # the session and the scope's first lookups
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    names = ["Người An", "Người Bình", "Người Cúc", "Người Dung", "Người Em", "Người Giang"]
    for n, name in enumerate(names):
        c = prepare(
            open_case(candidate(tree.xa_c1, name=name)), introducers=officials(tree.xa_c1, 2, prefix="GT")
        )
        vote(c, held_on=D(2026, 1, 8), yes=cell_voters(tree.xa_c1, D(2026, 1, 8))[0])
        if n == 0:
            few = {url: cost(url) for url in ("/quan-chung/", "/ket-nap/", "/ket-nap/qua-han/")}
    many = {url: cost(url) for url in few}
    assert many == few


def test_the_pool_page_shows_the_survey_and_the_board_the_failed_votes(tree, users, login):
    officials(tree.xa_c1, 12)
    today = dt.date.today()
    c = prepare(
        open_case(candidate(tree.xa_c1), on=today - dt.timedelta(days=70)),
        introducers=officials(tree.xa_c1, 2, prefix="GT"),
        start=today - dt.timedelta(days=60),
    )
    candidate(tree.xa_c1, name="Chưa Nhận Xét", listed=D(2025, 1, 5), certificate=None)
    vote(c, held_on=today - dt.timedelta(days=3), yes=9, no=6)
    client = login(users.an)
    survey = client.get("/quan-chung/").content.decode()
    assert (
        'id="survey"' in survey
        and "quá 3 tháng chưa được nhận xét" in survey
        and "Đoàn Thanh niên 2" in survey
    )
    board = client.get("/ket-nap/").content.decode()
    assert 'id="failed-votes"' in board and "Nguyễn Thị Hằng" in board
    assert 'id="failed-votes"' not in login(users.binh).get("/ket-nap/").content.decode()


def test_ids_in_forms_are_not_written_with_thousands_separators(tree, users, login):
    from dangvien.candidates.models import Attendance

    officials(tree.xa_c1, 1)
    cand = candidate(tree.xa_c1, certificate=None)
    tc = class_create(
        actor=None,
        kind="awareness",
        name="Lớp lớn",
        organizer=tree.xa,
        starts_on=D(2025, 4, 1),
        ends_on=D(2025, 4, 5),
    )
    Attendance.objects.create(pk=123456, training_class=tc, person=cand.person)  # a province's ids are large
    page = login(users.an).get(f"/lop-hoc/{tc.pk}/").content.decode()
    assert 'name="attendance" value="123456"' in page


def test_a_step_saved_without_its_paper_says_so_in_the_success_message(users, login, case):
    client = login(users.bithu1)
    data = {"version": case.version, "done_on": "05/11/2025", "doc_ref": "", "papers": [], "note": ""}
    done = client.post(f"/ket-nap/{case.pk}/step/", data, follow=True).content.decode()
    assert "Đã ghi bước" in done and "Còn thiếu giấy tờ: 1-KNĐ" in done


def test_a_step_saved_with_every_paper_says_nothing_is_missing(users, login, case):
    from dangvien.cases.admission import procedure

    client = login(users.bithu1)
    papers = [p.code for p in procedure.BY_CODE[P.APPLICATION].papers]
    data = {"version": case.version, "done_on": "05/11/2025", "doc_ref": "", "papers": papers, "note": ""}
    done = client.post(f"/ket-nap/{case.pk}/step/", data, follow=True).content.decode()
    assert "Đã ghi bước" in done and "Còn thiếu giấy tờ" not in done


def test_enrolment_picks_from_a_searched_page_never_a_list_of_hundreds(
    tree, users, login, django_assert_max_num_queries
):
    from dangvien.candidates.models import Attendance

    mentors = {cell: officials(cell, 1, prefix="Giúp đỡ")[0] for cell in (tree.xa_c1, tree.xa_c2)}
    for i in range(58):
        cell = tree.xa_c1 if i % 2 else tree.xa_c2
        candidate(
            cell,
            name=f"Trần Văn {chr(65 + i % 26)}{chr(97 + i // 26)}",
            certificate=None,
            mentor=mentors[cell],
        )
    hang = candidate(tree.xa_c1, name="Nguyễn Thị Hằng", certificate=None, mentor=mentors[tree.xa_c1])
    late = candidate(
        tree.xa_c2, name="Vũ Văn Út", certificate=None, mentor=mentors[tree.xa_c2]
    )  # last in order
    other = candidate(tree.xb_c1, name="Lê Văn Khác", certificate=None)  # another commune
    tc = awareness_class(tree.xa)
    client = login(users.an)
    page = client.get(f"/lop-hoc/{tc.pk}/").content.decode()
    assert "Hiện 50 trên 60 người" in page and page.count('name="people"') == 50
    with django_assert_max_num_queries(12):
        found = client.get(f"/lop-hoc/{tc.pk}/nguoi-hoc/", {"q": "hang nguyen"}).content.decode()
    assert found.count('name="people"') == 1 and "Nguyễn Thị Hằng — Chi bộ Thôn 1" in found
    by_cell = client.get(f"/lop-hoc/{tc.pk}/nguoi-hoc/", {"chi-bo": "XA-C2"}).content.decode()
    assert "Chi bộ Thôn 1" not in by_cell and "30 người" in by_cell
    assert "Không có ai khớp" in client.get(f"/lop-hoc/{tc.pk}/nguoi-hoc/", {"q": "zzz"}).content.decode()
    # Someone beyond the first page is enrolled; someone out of reach is refused, nothing written.
    refused = client.post(f"/lop-hoc/{tc.pk}/enroll/", {"people": [late.person_id, other.person_id]})
    assert refused.status_code == 400 and "không còn ghi danh được" in refused.content.decode()
    assert not Attendance.objects.filter(training_class=tc).exists()
    flood = client.post(f"/lop-hoc/{tc.pk}/enroll/", {"people": [str(i) for i in range(1, 202)]})
    assert flood.status_code == 400 and "Mỗi lần ghi danh tối đa 200 người" in flood.content.decode()
    garbage = client.post(f"/lop-hoc/{tc.pk}/enroll/", {"people": ["1; DROP TABLE", "x"]})
    assert garbage.status_code == 400 and "Lựa chọn không hợp lệ" in garbage.content.decode()
    assert not Attendance.objects.filter(training_class=tc).exists()
    done = client.post(f"/lop-hoc/{tc.pk}/enroll/", {"people": [late.person_id, hang.person_id]})
    assert done.status_code == 302
    assert set(Attendance.objects.filter(training_class=tc).values_list("person_id", flat=True)) == {
        late.person_id,
        hang.person_id,
    }
    # Enrolled people leave the picker; the picker is the organizer's staff's only.
    assert "Hiện 50 trên 58 người" in client.get(f"/lop-hoc/{tc.pk}/").content.decode()
    assert login(users.binh).get(f"/lop-hoc/{tc.pk}/nguoi-hoc/").status_code == 404


def test_the_mentor_and_introducer_pickers_search_the_cells_officials_only(tree, users, login):
    from dangvien.members.models import Status as MStatus

    from ..conftest import register

    officials(tree.xa_c1, 18)
    hang = register(tree.xa_c1, "Nguyễn Thị Hằng", card="88001", sex="female")
    register(tree.xa_c1, "Trần Văn Dự", card="88002", status=None, official=None)  # probationary: not offered
    register(tree.xa_c2, "Nguyễn Thị Hằng Khác", card="88003", sex="female")  # another cell
    case = open_case(candidate(tree.xa_c1, name="Lê Thị Mai"))
    page = login(users.bithu1).get(f"/ket-nap/{case.pk}/").content.decode()
    assert 'id="picker-introducer"' in page and "Hiện 15 trên" in page
    url = f"/to-chuc/{tree.xa_c1.code}/dang-vien-chinh-thuc/"
    found = login(users.bithu1).get(url, {"ten": "introducer", "q": "hang nguyen"}).content.decode()
    assert found.count('name="introducer"') == 1 and f'value="{hang.pk}"' in found and "Khác" not in found
    by_card = login(users.bithu1).get(url, {"ten": "introducer", "q": "8800"}).content.decode()
    assert f'value="{hang.pk}"' in by_card and "Trần Văn Dự" not in by_card
    assert Membership.objects.get(card_number="88002").status == MStatus.PROBATIONARY
    excluded = (
        login(users.bithu1).get(url, {"ten": "mentor", "q": "hang", "bo": hang.person_id}).content.decode()
    )
    assert "Không có đảng viên chính thức nào khớp" in excluded
    for user, params in (
        (users.xem1, {"ten": "mentor"}),
        (users.binh, {"ten": "mentor"}),
        (users.bithu1, {"ten": "x"}),
    ):
        assert login(user).get(url, params).status_code == 404
