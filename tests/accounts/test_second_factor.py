"""Issue 18, item 4: two factors for administrators (and staff when the setting is on),
recovery codes, a user's own password change, an administrator's reset forcing a change.
Walked through the real pages with the test client; the codes are computed the way the
phone's authenticator app computes them (RFC 6238)."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import AuditEntry, User
from dangvien.accounts.second_factor import second_factor_reset
from dangvien.accounts.services import password_reset

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"
SECOND = "/tai-khoan/hai-buoc/"


def app_code(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": user.username, "password": password})


def test_an_administrator_sets_up_the_second_factor_before_anything_else(client, users):
    sign_in(client, users.admin)
    # Every page leads to the set-up until it is done; the administrator's pages too.
    for url in ("/", "/dang-vien/", "/mau-giay-to/", "/admin/"):
        assert client.get(url)["Location"] == SECOND, url
    page = client.get(SECOND).content.decode()
    assert "<svg" in page and "totp-secret" in page
    wrong = client.post(SECOND, {"code": "000000"})
    assert wrong.status_code == 400 and "Mã không đúng" in wrong.content.decode()
    time.sleep(1.1)  # a wrong code holds the next try back a second (django-otp's throttle)
    done = client.post(SECOND, {"code": app_code(users.admin)})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.second_factor_on", actor_name="admin").exists()


@pytest.fixture
def admin_with_app(client, users):
    sign_in(client, users.admin)
    client.get(SECOND)
    codes = client.post(SECOND, {"code": app_code(users.admin)}).context["codes"]
    client.post("/dang-xuat/")
    return codes


def test_each_sign_in_asks_the_code_and_a_recovery_code_works_once(client, users, admin_with_app):
    sign_in(client, users.admin)
    assert client.get("/")["Location"] == SECOND
    wrong = client.post(SECOND, {"code": "123456"})
    assert wrong.status_code == 401 and wrong.get("Location") != "/"
    assert client.get("/")["Location"] == SECOND
    time.sleep(1.1)
    recovery = admin_with_app[0]
    assert client.post(SECOND, {"code": recovery.upper()})["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/dang-xuat/")
    sign_in(client, users.admin)
    assert client.post(SECOND, {"code": recovery}).status_code == 401  # used up
    assert StaticToken.objects.count() == 9


def test_wrong_codes_slow_down_even_the_right_one(client, users, admin_with_app):
    sign_in(client, users.admin)
    for _ in range(3):
        client.post(SECOND, {"code": "999999"})
    # django-otp's throttle doubles: after three failures the next try is refused for 4 s.
    assert client.post(SECOND, {"code": app_code(users.admin)}).status_code == 401


def test_staff_are_asked_only_when_the_setting_is_on(client, users, settings):
    sign_in(client, users.an)
    assert client.get("/").status_code == 200
    client.post("/dang-xuat/")
    settings.OTP_STAFF = True
    sign_in(client, users.an)
    assert client.get("/")["Location"] == SECOND
    # A secretary is never required to, but one who turned it on is asked from then on.
    client.post("/dang-xuat/")
    sign_in(client, users.bithu1)
    assert client.get("/").status_code == 200
    client.get(SECOND)
    client.post(SECOND, {"code": app_code(users.bithu1)})
    client.post("/dang-xuat/")
    sign_in(client, users.bithu1)
    assert client.get("/")["Location"] == SECOND


def test_a_lost_phone_is_reset_by_an_administrator_and_set_up_again(client, users, admin_with_app):
    second_factor_reset(actor=users.admin, user=users.admin)
    assert not TOTPDevice.objects.filter(user=users.admin).exists()
    sign_in(client, users.admin)
    assert "totp-secret" in client.get(SECOND).content.decode()  # set-up, not the code page


def test_an_administrators_reset_forces_a_new_password_at_next_sign_in(client, users):
    temporary = password_reset(actor=users.admin, user=users.an)
    assert sign_in(client, users.an, PASSWORD).status_code == 401  # the old one is gone
    assert sign_in(client, users.an, temporary)["Location"] == "/"
    assert client.get("/dang-vien/")["Location"] == "/tai-khoan/mat-khau/"
    url = "/tai-khoan/mat-khau/"
    bad_old = client.post(url, {"old_password": "sai", "new_password": "x", "new_password2": "x"})
    assert "Mật khẩu hiện tại không đúng" in bad_old.content.decode()
    weak = client.post(url, {"old_password": temporary, "new_password": "12345", "new_password2": "12345"})
    assert weak.status_code == 400
    new = "mot-mat-khau-moi-rat-dai-2026"
    ok = client.post(url, {"old_password": temporary, "new_password": new, "new_password2": new})
    assert ok["Location"] == "/"
    assert client.get("/dang-vien/").status_code == 200
    assert {"accounts.password_reset", "accounts.password_change"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    with pytest.raises(Exception, match="quản trị"):
        password_reset(actor=users.an, user=users.binh)


def test_the_admin_actions_reset_a_password_and_a_second_factor(client, users, login):
    c = login(users.admin)
    response = c.post(
        "/admin/accounts/user/",
        {"action": "reset_password", "_selected_action": [users.xem1.pk]},
        follow=True,
    )
    assert "mật khẩu tạm" in response.content.decode()
    users.xem1.refresh_from_db()
    assert users.xem1.must_change_password
