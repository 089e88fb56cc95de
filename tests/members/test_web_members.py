import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvien.members.models import Membership
from dangvien.members.selectors import MemberPage
from dangvien.orgs.models import Organization
from dangvien.people.models import Person

from ..conftest import register

pytestmark = pytest.mark.django_db
MIDDLE = ["Văn", "Đức", "Minh", "Hữu", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải"]


def form_data(cell, **over):
    data = {
        "full_name": "Nguyễn Thị Hằng",
        "birth_date": "12/03/1990",
        "sex": "female",
        "cccd": "001190012345",
        "cell": str(cell.pk),
        "admission_date": "02/09/2015",
        "official_date": "02/09/2016",
        "status": "",
        "card_number": "5001",
        "ethnicity": "Kinh",
        "religion": "Không",
    }
    data.update(over)
    return data


def test_adding_a_member_with_an_11_digit_cccd_shows_the_reason_and_saves_nothing(login, users, tree):
    c = login(users.an)
    response = c.post(reverse("web:member_add"), form_data(tree.xa_c1, cccd="00119012345"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Số CCCD phải có đúng 12 chữ số (đang có 11)" in body
    assert Membership.objects.count() == 0
    response = c.post(reverse("web:member_add"), form_data(tree.xa_c1))
    assert response.status_code == 302
    m = Membership.objects.get()
    assert m.person.full_name == "Nguyễn Thị Hằng" and m.cell == tree.xa_c1


def test_a_31_february_birth_date_is_refused_on_the_form(login, users, tree):
    body = (
        login(users.an)
        .post(reverse("web:member_add"), form_data(tree.xa_c1, birth_date="31/02/1990"))
        .content
    )
    assert "ngày 31/02/1990 không tồn tại" in body.decode().lower()
    assert Membership.objects.count() == 0


def test_a_name_with_a_script_tag_is_refused_and_shown_escaped(login, users, tree):
    body = (
        login(users.an)
        .post(reverse("web:member_add"), form_data(tree.xa_c1, full_name="<script>alert(1)</script>"))
        .content.decode()
    )
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "chỉ gồm chữ cái" in body
    assert Membership.objects.count() == 0


def test_an_organization_named_with_a_script_tag_is_shown_escaped(login, users, tree):
    c = login(users.an)
    response = c.post(
        reverse("web:org_add_child", args=["XA"]),
        {"code": "XSS", "name": "<script>alert('x')</script>", "kind": "cell", "sector": ""},
    )
    assert response.status_code == 302
    for url in (
        reverse("web:org_detail", args=["XSS"]),
        reverse("web:org_children", args=["XA"]),
        reverse("web:home"),
    ):
        body = c.get(url).content.decode()
        assert "<script>alert(" not in body and "&lt;script&gt;" in body, url


def test_a_secretary_can_only_pick_their_own_cell(login, users, tree):
    c = login(users.bithu1)
    body = c.get(reverse("web:member_add")).content.decode()
    assert "Chi bộ Thôn 1" in body and "Chi bộ Thôn 2" not in body
    response = c.post(reverse("web:member_add"), form_data(tree.xa_c2))
    assert "Chọn một lựa chọn hợp lệ" in response.content.decode() or response.status_code == 200
    assert Membership.objects.count() == 0


def test_search_without_diacritics_finds_the_name(login, users, tree):
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    register(tree.xa_c1, "Nguyễn Văn Ân", card="2")
    register(tree.xa_c1, "Lê Thị Bích", card="3", sex="female")
    body = login(users.an).post(reverse("web:member_list"), {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in body and "Nguyễn Văn Ân" in body and "Lê Thị Bích" not in body


def test_search_by_card_number_and_by_cccd(login, users, tree):
    register(tree.xa_c1, "Nguyễn Văn An", card="12345678", cccd="001090012345")
    register(tree.xa_c1, "Lê Văn Bảo", card="87654321")
    c = login(users.an)
    assert "Nguyễn Văn An" in c.post(reverse("web:member_list"), {"q": "001090012345"}).content.decode()
    body = c.post(reverse("web:member_list"), {"q": "876543"}).content.decode()
    assert "Lê Văn Bảo" in body and "Nguyễn Văn An" not in body


def test_the_list_is_in_vietnamese_order_and_paginated(login, users, tree):
    for i, given in enumerate(["Đức", "An", "Ân", "Bình", "Ánh"]):
        register(tree.xa_c1, f"Nguyễn Văn {given}", card=str(i + 1))
    body = login(users.an).post(reverse("web:member_list"), {}).content.decode()
    positions = [body.index(f"Nguyễn Văn {g}<") for g in ["An", "Ánh", "Ân", "Bình", "Đức"]]
    assert positions == sorted(positions)


def test_each_row_links_to_its_members_page_and_the_list_reads_no_identity_numbers(login, users, tree):
    members = [register(tree.xa_c1, f"Nguyễn Văn {g}", card=str(i + 1)) for i, g in enumerate(GIVEN[:3])]
    with CaptureQueriesContext(connection) as queries:
        body = login(users.an).post(reverse("web:member_list"), {"q": "nguyen"}).content.decode()
    for m in members:
        assert f'href="{reverse("web:member_detail", args=[m.pk])}"' in body
    # The rows show no CCCD, phone or address: the page reads none of them.
    assert not [q["sql"] for q in queries.captured_queries if '"cccd"' in q["sql"] or '"phone"' in q["sql"]]


def test_links_and_page_numbers_hold_no_thousands_separator(tree):
    # Ids past a thousand, as at any real committee, and page 1,000 of a nation's "nguyen":
    # written as 15.474 a link leads nowhere, and page "1.001" is read as page 1.
    m = Membership(
        pk=15474,
        person=Person(full_name="Nguyễn Văn An", birth_date=dt.date(1990, 5, 17)),
        cell=tree.xa_c1,
        status="official",
        admission_date=dt.date(2015, 3, 2),
    )
    body = render_to_string("web/members/_results.html", {"page": MemberPage([m], 60_000, 1_000, 1_200)})
    assert reverse("web:member_detail", args=[15474]) == "/dang-vien/15474/"
    assert 'href="/dang-vien/15474/"' in body
    assert '{"page": "1001"}' in body and '{"page": "999"}' in body


def test_filters_by_sex_status_and_age_band(login, users, tree):
    register(
        tree.xa_c1,
        "Nguyễn Thị Hoa",
        card="1",
        sex="female",
        birth=dt.date(2001, 1, 1),
        admitted=dt.date(2025, 12, 1),
        official=None,
    )
    register(tree.xa_c1, "Lê Văn Nam", card="2", birth=dt.date(1950, 1, 1))
    c = login(users.an)
    assert "Lê Văn Nam" not in c.post(reverse("web:member_list"), {"sex": "female"}).content.decode()
    body = c.post(reverse("web:member_list"), {"status": "probationary"}).content.decode()
    assert "Nguyễn Thị Hoa" in body and "Lê Văn Nam" not in body
    body = c.post(reverse("web:member_list"), {"age_band": "Trên 70 tuổi"}).content.decode()
    assert "Lê Văn Nam" in body and "Nguyễn Thị Hoa" not in body


def test_the_member_list_takes_a_fixed_number_of_queries(login, users, tree, django_assert_max_num_queries):
    for i in range(30):
        register(tree.xa_c1 if i % 2 else tree.xa_c2, f"Nguyễn {MIDDLE[i % 5]} {GIVEN[i // 5]}", card=str(i))
    c = login(users.an)
    # First time: session, user, grants, registry version (the key of a remembered count: a
    # search counted past the limit skips fetching its ids), the ids, the page, cells, the
    # bell, the session's renewal (3: the first page after signing in).
    with django_assert_max_num_queries(11):
        response = c.post(reverse("web:member_list"), {"q": "nguyen"})
    assert response.status_code == 200
    # The next page: no renewal within a minute of the last (core.middleware.SessionMiddleware).
    with django_assert_max_num_queries(8):
        c.post(reverse("web:member_list"), {"q": "nguyen", "page": "2"})


def test_home_and_org_pages_take_a_fixed_number_of_queries(login, users, tree, django_assert_max_num_queries):
    for i in range(10):
        register(tree.xa_c1, f"Nguyễn {MIDDLE[i % 5]} {GIVEN[i // 5]}", card=str(i))
    c = login(users.an)
    # 14 before, 7 for the watch list (3 counts, 4 short lists), 1 for the savepoint pair
    # PostgreSQL wraps the session save in; 36 for the committee's dashboard: the term's and
    # the year's progress (2 × 7), their month lines, target histories and unit lists (2 × 3),
    # the pipeline both forecasts share (5, and once a day the all-units fallback), the funnel
    # (6), idle cells (2), ratings (3). The first visit after a change also counts the
    # commune's member figures and stores them (4 more: the count, the insert, a savepoint
    # pair), and the commune's admissions for each progress report (2 × 4: its cells, the
    # count, the insert and a savepoint pair); the next reads them (2 × 3: the stamps, the
    # units and what is stored, where the admissions were counted before), and 2 × 1 for
    # the groups with a target (the page reads only its rows' targets); and 2 × 2 for the
    # data version its blocks and dashboard are kept under (the audit's last entry, the
    # stamps). Nothing written since, the next visit reads them kept: the session, the
    # user, the version, the watch list, the bell.
    with django_assert_max_num_queries(82):
        c.get(reverse("web:home"))
    with django_assert_max_num_queries(20):
        c.get(reverse("web:home"))
    with django_assert_max_num_queries(16):
        c.get(reverse("web:org_detail", args=["XA"]))


def test_a_stale_edit_form_says_reload(login, users, tree):
    m = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    c = login(users.an)
    data = form_data(tree.xa_c1, full_name="Nguyễn Văn Anh", cccd="", sex="male", version=m.version)
    assert c.post(reverse("web:member_edit", args=[m.pk]), data).status_code == 302
    response = c.post(reverse("web:member_edit", args=[m.pk]), {**data, "full_name": "Nguyễn Văn Ánh"})
    assert "tải lại trang" in response.content.decode()
    assert Membership.objects.get(pk=m.pk).person.full_name == "Nguyễn Văn Anh"


def test_recording_an_event_twice_with_the_same_form_is_refused(login, users, tree):
    m = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    c = login(users.an)
    data = {"kind": "died", "on": "01/02/2026", "version": m.version}
    assert c.post(reverse("web:member_event", args=[m.pk]), data).status_code == 302
    response = c.post(reverse("web:member_event", args=[m.pk]), data)
    assert "tải lại trang" in response.content.decode()
    assert Membership.objects.get(pk=m.pk).events.count() == 3


def test_the_inline_cccd_check_explains_the_problem(login, users):
    c = login(users.an)
    body = c.post(
        reverse("web:check_cccd"), {"cccd": "003090012345", "birth_date": "01/01/1990", "sex": "male"}
    ).content.decode()
    assert "Mã tỉnh “003”" in body
    assert (
        c.post(reverse("web:check_cccd"), {"cccd": "001090012345", "birth_date": "01/01/1990", "sex": "male"})
        .content.decode()
        .strip()
        == ""
    )


def test_reorganize_previews_then_confirms(login, users, tree):
    register(tree.xa_c2, "Lê Văn Bình", card="2")
    c = login(users.an)
    url = reverse("web:org_reorganize", args=["XA-C1"])
    data = {"kind": "merge", "effective_on": "01/07/2025", "sources": "XA-C2", "decision_ref": "12-QĐ/ĐU"}
    body = c.post(url, data).content.decode()
    assert "Xem trước" in body and "1 đảng viên" in body
    assert Organization.objects.get(code="XA-C2").dissolved_on is None
    assert c.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Organization.objects.get(code="XA-C2").dissolved_on == dt.date(2025, 7, 1)


def test_reorganize_refuses_a_cycle_with_a_message(login, users, tree):
    body = (
        login(users.an)
        .post(
            reverse("web:org_reorganize", args=["XA"]),
            {"kind": "move", "effective_on": "01/07/2025", "new_parent": "XA-C1"},
        )
        .content.decode()
    )
    assert "là chi bộ" in body or "vòng lặp" in body
    assert Organization.objects.get(code="XA").parent.code == "PROV"


def test_the_tree_as_of_a_past_date(login, users, tree):
    c = login(users.an)
    c.post(
        reverse("web:org_reorganize", args=["XA-C1"]),
        {
            "kind": "rename",
            "effective_on": "01/07/2025",
            "name": "Chi bộ Thôn Một",
            "confirm": "1",
            "version": 1,
        },
    )
    body = c.get(reverse("web:org_detail", args=["XA"]), {"ngay": "30/06/2025"}).content.decode()
    assert "Chi bộ Thôn 1" in body
    body = c.get(reverse("web:org_detail", args=["XA"])).content.decode()
    assert "Chi bộ Thôn Một" in body


def test_the_list_count_is_remembered_until_the_next_write(login, users, tree, django_assert_max_num_queries):
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    c = login(users.an)
    assert "1 đảng viên" in c.post(reverse("web:member_list"), {}).content.decode()
    with django_assert_max_num_queries(9):  # no COUNT the second time
        c.post(reverse("web:member_list"), {})
    register(tree.xa_c2, "Lê Văn Bình", card="2")
    assert "2 đảng viên" in c.post(reverse("web:member_list"), {}).content.decode()


def test_merge_by_ticking_sibling_cells(login, users, tree):
    register(tree.xa_c2, "Lê Văn Bình", card="2")
    c = login(users.an)
    url = reverse("web:org_reorganize", args=["XA-C1"])
    page = c.get(url, {"loai": "merge"}).content.decode()
    assert 'value="XA-C2"' in page and "XB-C1" not in page  # only siblings the user may change
    data = {"kind": "merge", "effective_on": "01/07/2025", "pick": ["XA-C2"], "confirm": "1"}
    assert c.post(url, data).status_code == 302
    assert Membership.objects.get(card_number="2").cell.code == "XA-C1"


def test_a_members_page_is_read_once_per_data_version_and_shows_a_write_at_once(
    login, users, tree, django_assert_max_num_queries
):
    from dangvien.members.models import EventKind
    from dangvien.members.services import member_record_event

    m = register(tree.xa_c1, "Nguyễn Văn An", card="1", cccd="001090012345")
    url = reverse("web:member_detail", args=[m.pk])
    staff = login(users.an)
    first = staff.get(url).content.decode()
    assert "001090012345" in first and "Miễn sinh hoạt" not in first
    # Again: session, user, grants, the data version (2), the bell; not the member's rows.
    with django_assert_max_num_queries(6):
        assert staff.get(url).status_code == 200
    member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTED, on=dt.date(2024, 1, 1))
    assert "Miễn sinh hoạt" in staff.get(url).content.decode()
    # The cell's viewer reads the same member through their own scope: the CCCD masked.
    viewed = login(users.xem1).get(url).content.decode()
    assert "001090012345" not in viewed and "001*******45" in viewed
