"""Every page, from both sides of each boundary: in scope it answers, out of scope it is
404 — never 403, and never a leak through counts, search results or lists."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import AuditEntry
from dangvien.members.models import Membership

from ..conftest import PASSWORD, register, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree):
    return {
        "a1": register(tree.xa_c1, "Nguyễn Văn An", card="1001", cccd="001090012345"),
        "a2": register(tree.xa_c2, "Lê Thị Bích", card="1002", sex="female"),
        "b1": register(tree.xb_c1, "Trần Văn Cường", card="2001", cccd="079090000001"),
    }


def member_urls(m):
    return [
        reverse("web:member_detail", args=[m.pk]),
        reverse("web:member_edit", args=[m.pk]),
        reverse("web:member_event", args=[m.pk]),
    ]


def org_urls(code):
    return [
        reverse("web:org_detail", args=[code]),
        reverse("web:org_children", args=[code]),
        reverse("web:org_reorganize", args=[code]),
    ]


def test_signed_out_visitors_are_sent_to_sign_in(client, members):
    for url in [
        reverse("web:home"),
        *member_urls(members["a1"]),
        *org_urls("XA"),
        reverse("web:member_list"),
        reverse("web:import_start"),
        reverse("web:audit_log"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url


def test_staff_of_one_commune_reach_it_and_not_the_other(login, users, members):
    c = login(users.an)
    for url in [
        *member_urls(members["a1"]),
        *member_urls(members["a2"]),
        *org_urls("XA"),
        *org_urls("XA-C1"),
    ]:
        assert c.get(url).status_code == 200, url
    for url in [*member_urls(members["b1"]), *org_urls("XB"), *org_urls("XB-C1"), *org_urls("PROV")]:
        assert c.get(url).status_code == 404, url


def test_a_secretary_reaches_their_cell_only(login, users, members):
    c = login(users.bithu1)
    for url in [*member_urls(members["a1"]), *org_urls("XA-C1")]:
        assert c.get(url).status_code == 200, url
    for url in [
        *member_urls(members["a2"]),
        *member_urls(members["b1"]),
        *org_urls("XA"),
        *org_urls("XA-C2"),
    ]:
        assert c.get(url).status_code == 404, url


def test_a_viewer_reads_but_cannot_open_any_write_page(login, users, members):
    c = login(users.xem1)
    assert c.get(reverse("web:member_detail", args=[members["a1"].pk])).status_code == 200
    assert c.get(reverse("web:org_detail", args=["XA-C1"])).status_code == 200
    for url in [
        reverse("web:member_edit", args=[members["a1"].pk]),
        reverse("web:member_event", args=[members["a1"].pk]),
        reverse("web:org_reorganize", args=["XA-C1"]),
        reverse("web:member_add"),
        reverse("web:import_start"),
    ]:
        assert c.get(url).status_code == 404, url
    response = c.post(
        reverse("web:member_event", args=[members["a1"].pk]),
        {"kind": "died", "on": "01/01/2025", "version": members["a1"].version},
    )
    assert response.status_code == 404
    assert Membership.objects.get(pk=members["a1"].pk).is_active


def test_a_user_without_assignment_sees_nothing(login, users, members):
    c = login(users.nobody)
    body = c.get(reverse("web:home")).content.decode()
    assert "chưa được giao tổ chức" in body
    assert c.get(reverse("web:member_detail", args=[members["a1"].pk])).status_code == 404
    response = c.post(reverse("web:member_list"), {"q": "nguyen"})
    assert "Nguyễn Văn An" not in response.content.decode()


def test_search_and_lists_do_not_leak_across_scopes(login, users, members):
    c = login(users.an)
    body = c.post(reverse("web:member_list"), {"q": "tran van cuong"}).content.decode()
    assert "Trần Văn Cường" not in body and ">0 đảng viên" in body.replace("\n", "")
    body = c.post(reverse("web:member_list"), {"q": "079090000001"}).content.decode()
    assert "Trần Văn Cường" not in body
    body = c.get(reverse("web:org_search"), {"q": "khu pho"}).content.decode()
    assert "Khu phố 1" not in body
    body = c.post(reverse("web:member_list"), {"cell": "XB-C1"}).content.decode()
    assert "Trần Văn Cường" not in body
    assert "Trần Văn Cường" not in c.get(reverse("web:member_duplicates")).content.decode()


def test_home_counts_only_what_the_user_may_see(login, users, members):
    body = login(users.bithu1).get(reverse("web:home")).content.decode()
    assert "Chi bộ Thôn 1" in body and "Đảng bộ xã An Phú" not in body


def test_the_audit_log_is_for_administrators_only(login, users, members):
    assert login(users.an).get(reverse("web:audit_log")).status_code == 404
    assert login(users.admin).get(reverse("web:audit_log")).status_code == 200


def test_django_admin_is_for_administrators_only(client, users):
    client.force_login(users.an)
    assert client.get("/admin/").status_code == 302
    sign_in_verified(client, users.admin)
    assert client.get("/admin/").status_code == 200


def test_api_scopes_by_token(client, users, members):
    from dangvien.accounts.services import token_create

    token = token_create(actor=None, user=users.an, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/members/{members['a1'].pk}", **auth).status_code == 200
    assert client.get(f"/api/members/{members['b1'].pk}", **auth).status_code == 404
    assert client.get("/api/orgs/XB", **auth).status_code == 404
    listing = client.get("/api/members", {"q": "tran"}, **auth).json()
    assert listing["count"] == 0
    assert client.get("/api/members").status_code == 401
    assert client.get("/api/reports/members", {"org": "XA"}, **auth).json()["total"] == 2


def test_sign_in_locks_after_repeated_failures(client, users):
    url = reverse("web:login")
    for _ in range(5):
        assert client.post(url, {"username": "an", "password": "sai"}).status_code == 401
    response = client.post(url, {"username": "an", "password": PASSWORD})
    assert response.status_code == 401 and "tạm khóa" in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.locked").exists()


def test_sign_in_works_and_a_failure_below_the_limit_is_forgotten(client, users):
    url = reverse("web:login")
    for _ in range(4):
        client.post(url, {"username": "an", "password": "sai"})
    assert client.post(url, {"username": "an", "password": PASSWORD}).status_code == 302
    client.post(reverse("web:logout"))
    for _ in range(4):
        client.post(url, {"username": "an", "password": "sai"})
    assert client.post(url, {"username": "an", "password": PASSWORD}).status_code == 302


def test_pages_speak_vietnamese_even_to_an_english_browser(client, users):
    client.force_login(users.an)
    body = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Tổng quan" in body and 'lang="vi"' in body


def test_today_is_written_day_first(client, users):
    client.force_login(users.an)
    assert dt.date.today().strftime("%d/%m/%Y") in client.get(reverse("web:home")).content.decode()


def test_english_is_available_from_the_language_switch(client, users):
    client.force_login(users.an)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("web:home")).content.decode()
    assert "Overview" in body and 'lang="en"' in body and "active members" in body
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tổng quan" in client.get(reverse("web:home")).content.decode()


def test_several_assignments_add_up_each_with_its_own_rights(login, users, tree, members):
    from dangvien.accounts.services import role_assign

    role_assign(actor=None, user=users.an, role="viewer", organization=tree.xb)
    c = login(users.an)
    assert c.get(reverse("web:member_detail", args=[members["b1"].pk])).status_code == 200
    assert c.get(reverse("web:member_edit", args=[members["b1"].pk])).status_code == 404
    assert c.get(reverse("web:member_edit", args=[members["a1"].pk])).status_code == 200


def test_the_tree_page_takes_a_fixed_number_of_queries_whatever_the_roots(
    login, users, tree, django_assert_max_num_queries
):
    from dangvien.accounts.services import role_assign

    c = login(users.an)
    with django_assert_max_num_queries(10):
        c.get(reverse("web:org_tree"))
    for org in (tree.xb, tree.xb_c1, tree.province):
        role_assign(actor=None, user=users.an, role="viewer", organization=org)
    with django_assert_max_num_queries(10):
        body = c.get(reverse("web:org_tree")).content.decode()
    assert "Đảng bộ tỉnh Thử" in body


def test_a_stranger_cannot_lock_the_administrator_out_from_another_address(client, users):
    url = reverse("web:login")
    for _ in range(5):  # five wrong passwords for admin from one address
        assert (
            client.post(url, {"username": "admin", "password": "sai"}, REMOTE_ADDR="10.9.9.9").status_code
            == 401
        )
    locked = client.post(url, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 401 and "tạm khóa" in locked.content.decode()
    # The administrator, at their own desk, signs in.
    ok = client.post(url, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert ok.status_code == 302


def test_guessing_across_many_accounts_from_one_address_is_slowed(client, users):
    url = reverse("web:login")
    names = ["an", "binh", "bithu1", "xem1", "nobody", "admin"]
    answers = [
        client.post(
            url, {"username": names[i % 6], "password": f"sai{i}"}, REMOTE_ADDR="10.7.7.7"
        ).status_code
        for i in range(24)
    ]
    assert answers[:19] == [401] * 19
    refused = client.post(url, {"username": "an", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    assert "tạm khóa" in refused.content.decode()
    assert (
        client.post(url, {"username": "an", "password": PASSWORD}, REMOTE_ADDR="10.8.8.8").status_code == 302
    )


def test_made_up_account_names_do_not_grow_the_throttle_table(client, tree):
    from dangvien.accounts.models import LoginThrottle

    url = reverse("web:login")
    for i in range(30):
        client.post(url, {"username": f"khong-co-{i}", "password": "x"}, REMOTE_ADDR="10.6.6.6")
    assert LoginThrottle.objects.count() == 2  # this address's unknown names, and its total


def test_pauses_grow_one_two_four_minutes_and_a_success_starts_again(client, users):
    import datetime as dt

    from django.utils import timezone

    from dangvien.accounts.models import LoginThrottle

    url = reverse("web:login")

    def five_wrong() -> float:
        for _ in range(5):
            client.post(url, {"username": "an", "password": "sai"}, REMOTE_ADDR="10.5.5.5")
        row = LoginThrottle.objects.get(username="an|10.5.5.5")
        minutes = (row.locked_until - timezone.now()).total_seconds() / 60
        LoginThrottle.objects.filter(pk=row.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
        return minutes

    assert [round(five_wrong()) for _ in range(3)] == [1, 2, 4]
    ok = client.post(url, {"username": "an", "password": PASSWORD}, REMOTE_ADDR="10.5.5.5")
    assert ok.status_code == 302
    client.logout()
    assert round(five_wrong()) == 1


def test_failures_older_than_the_pause_are_forgotten(client, users):
    import datetime as dt

    from django.utils import timezone

    from dangvien.accounts.models import LoginThrottle

    url = reverse("web:login")
    for _ in range(4):
        client.post(url, {"username": "an", "password": "sai"}, REMOTE_ADDR="10.4.4.4")
    LoginThrottle.objects.update(last_failed_at=timezone.now() - dt.timedelta(minutes=16))
    client.post(url, {"username": "an", "password": "sai"}, REMOTE_ADDR="10.4.4.4")
    assert LoginThrottle.objects.get(username="an|10.4.4.4").failures == 1  # not paused
    ok = client.post(url, {"username": "an", "password": PASSWORD}, REMOTE_ADDR="10.4.4.4")
    assert ok.status_code == 302


def test_the_audit_log_reads_as_sentences_with_the_raw_entry_behind_a_toggle(login, users, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvien.accounts.models import AuditEntry
    from dangvien.accounts.services import user_create

    user_create(
        actor=users.admin,
        username="xem2",
        password="mot-mat-khau-dai-2026",
        role="viewer",
        organization=tree.xa_c1,
    )
    with CaptureQueriesContext(connection) as few:
        page = login(users.admin).get(reverse("web:audit_log")).content.decode()
    assert f"Quản trị admin thêm tài khoản xem2 (vai trò: Chỉ xem; tổ chức: {tree.xa_c1.name})" in page
    assert "Chi tiết kỹ thuật" in page and "accounts.create" in page  # behind the toggle
    assert "{&#x27;role&#x27;" not in page.split("Chi tiết kỹ thuật")[0]
    # The page's sentences cost the same few queries however many entries it shows.
    for i in range(30):
        user_create(
            actor=users.admin,
            username=f"xem-{i}",
            password="mot-mat-khau-dai-2026",
            role="viewer",
            organization=tree.xa_c1,
        )
    with CaptureQueriesContext(connection) as many:
        login(users.admin).get(reverse("web:audit_log"))
    assert len(many) <= len(few) + 2
    assert AuditEntry.objects.filter(action="accounts.create").count() >= 31
