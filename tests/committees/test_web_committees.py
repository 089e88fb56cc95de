"""Issue 21: the committee's pages, read and written from both sides of the scope."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangvien.committees.models import Assignment, Headcount, NoSource
from dangvien.members.models import Office
from dangvien.members.officers import officer_appoint

from ..conftest import register


def _seat(tree):
    hung = register(tree.xa_c1, "Trần Văn Hùng", card="100001")
    officer_appoint(
        actor=None,
        organization=tree.xa,
        office=Office.COMMITTEE,
        valid_from=dt.date(2025, 1, 1),
        membership=hung,
    )
    return hung


def test_staff_assign_a_committee_member_and_the_cell_shows_who_answers_for_it(tree, users, login):
    hung = _seat(tree)
    c = login(users.an)
    url = reverse("web:duties", args=["XA"])
    page = c.get(url)
    assert page.status_code == 200 and "Phân công cấp ủy viên phụ trách chi bộ" in page.content.decode()
    bad = c.post(url, {"card_number": "100001", "cell": "XA-C1", "valid_from": "31/02/2026"})
    assert bad.status_code == 200 and "31/02/2026" in bad.content.decode() and not Assignment.objects.exists()
    done = c.post(url, {"card_number": "100001", "cell": "XA-C1", "valid_from": "01/02/2026"})
    assert done.status_code == 302 and Assignment.objects.get().membership == hung
    twice = c.post(url, {"card_number": "100001", "cell": "XA-C1", "valid_from": "01/03/2026"})
    assert "đã được phân công phụ trách" in twice.content.decode() and Assignment.objects.count() == 1
    cell = c.get(reverse("web:org_detail", args=["XA-C1"])).content.decode()
    assert 'id="answering"' in cell and "Trần Văn Hùng" in cell
    a = Assignment.objects.get()
    c.post(reverse("web:assignment_end", args=["XA", a.pk]), {"on": "01/05/2026"})
    a.refresh_from_db()
    assert a.valid_to == dt.date(2026, 5, 1)


def test_the_pages_keep_to_the_scope(tree, users, login):
    _seat(tree)
    for name in ("web:duties", "web:sourcing"):
        url = reverse(name, args=["XA"])
        assert login(users.binh).get(url).status_code == 404  # another commune
        assert login(users.an).get(url).status_code == 200
        assert login(users.admin).get(url).status_code == 200
        assert (
            login(users.an).get(reverse(name, args=["XA-C1"])).status_code == 404
        )  # a cell has no committee page
    # A cell's secretary reads nothing of the commune's committee, and writes nothing.
    assert login(users.bithu1).get(reverse("web:duties", args=["XA"])).status_code == 404
    r = login(users.binh).post(
        reverse("web:duties", args=["XA"]),
        {"card_number": "100001", "cell": "XA-C1", "valid_from": "01/02/2026"},
    )
    assert r.status_code == 404 and not Assignment.objects.exists()


def test_staff_record_a_headcount_and_a_unit_with_no_source(tree, users, login):
    c = login(users.an)
    url = reverse("web:sourcing", args=["XA"])
    c.post(
        url, {"form": "headcount", "cell": "XA-C1", "kind": "employees", "covered": "25", "on": "01/03/2026"}
    )
    assert Headcount.objects.get().covered == 25
    neg = c.post(
        url, {"form": "headcount", "cell": "XA-C1", "kind": "employees", "covered": "-1", "on": "01/03/2026"}
    )
    assert neg.status_code == 200 and Headcount.objects.get().covered == 25
    c.post(
        url,
        {"form": "no_source", "cell": "XA-C1", "since": "01/03/2026", "reason": "Mọi cán bộ đã là đảng viên"},
    )
    assert NoSource.objects.get().reason == "Mọi cán bộ đã là đảng viên"
    again = c.post(url, {"form": "no_source", "cell": "XA-C1", "since": "02/03/2026", "reason": "lần hai"})
    assert "hết nguồn" in again.content.decode() and NoSource.objects.count() == 1
    page = c.get(url).content.decode()
    assert "Hết nguồn" in page and "25" in page
    c.post(reverse("web:no_source_end", args=["XA", "XA-C1"]), {"on": "01/06/2026"})
    assert NoSource.objects.get().until == dt.date(2026, 6, 1)
    # The viewer of a cell and the staff of another commune change nothing.
    for user in (users.xem1, users.binh):
        r = login(user).post(
            url,
            {"form": "headcount", "cell": "XA-C1", "kind": "employees", "covered": "1", "on": "02/03/2026"},
        )
        assert r.status_code == 404
    assert Headcount.objects.count() == 1


def test_a_candidate_records_who_introduced_them(tree, users, login):
    hung = _seat(tree)
    c = login(users.an)
    data = {
        "full_name": "Phạm Văn Tới", "birth_date": "02/01/2000", "sex": "male", "cell": str(tree.xa_c1.pk),
        "source": "other", "listed_on": "01/03/2026", "ethnicity": "Kinh", "religion": "Không",
    }  # fmt: skip
    wrong = c.post(reverse("web:candidate_add"), {**data, "introducer": "999999"})
    assert wrong.status_code == 200 and "Không có đảng viên số thẻ này" in wrong.content.decode()
    done = c.post(reverse("web:candidate_add"), {**data, "introducer": "100001"})
    assert done.status_code == 302
    from dangvien.candidates.models import Candidate

    cand = Candidate.objects.get()
    assert cand.introducer == hung
    assert "Trần Văn Hùng" in c.get(done["Location"]).content.decode()


def test_the_cells_rating_screen_shows_a_committee_members_duty_as_information(tree, users, login):
    from dangvien.candidates.services import candidate_add
    from dangvien.committees.services import assignment_create

    from ..conftest import person

    hung = _seat(tree)
    assignment_create(
        actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c2, valid_from=dt.date(2025, 2, 1)
    )
    candidate_add(
        actor=None, person=person("Phạm Văn Tới", dt.date(2000, 1, 2)), cell=tree.xa_c2, source="other",
        listed_on=dt.date(2026, 3, 1), introducer=hung,
    )  # fmt: skip
    page = login(users.bithu1).get(reverse("web:ratings") + "?to-chuc=XA-C1&nam=2026").content.decode()
    assert "Cấp ủy viên phụ trách XA-C2: giới thiệu 1, kết nạp 0 trong năm (tham khảo)" in page
    last_year = login(users.bithu1).get(reverse("web:ratings") + "?to-chuc=XA-C1&nam=2025").content.decode()
    assert "giới thiệu 0, kết nạp 0" in last_year


def test_the_organizations_rating_screen_shows_the_duty_as_information(tree, users, login):
    from dangvien.committees.services import assignment_create

    hung = _seat(tree)
    assignment_create(
        actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c2, valid_from=dt.date(2025, 2, 1)
    )
    commune = login(users.an).get(reverse("web:ratings") + "?to-chuc=XA&nam=2025").content.decode()
    assert "Cấp ủy viên phụ trách: Trần Văn Hùng (giới thiệu 0) (tham khảo)" in commune
    province = login(users.admin).get(reverse("web:ratings") + "?to-chuc=PROV&nam=2025").content.decode()
    assert "Cấp ủy viên đã giới thiệu quần chúng trong năm: 0/1 (tham khảo)" in province


def test_a_candidate_form_says_every_mistake_in_one_pass(login, users, tree):
    c = login(users.an)
    page = c.post(
        reverse("web:candidate_add"),
        {
            "full_name": "Trần Thị Mai",
            "birth_date": "01/01/2004",
            "sex": "female",
            "cccd": "00130401234",  # eleven digits: Excel's doing
            "cell": "",  # not chosen
            "source": "youth_union",
            "introducer": "999999",  # nobody
        },
    ).content.decode()
    assert "đang có 11" in page  # the person's check
    assert "This field is required" not in page and "Trường này là bắt buộc" in page  # the cell
    assert "Không có đảng viên số thẻ này trong phạm vi của bạn" in page  # the introducer
