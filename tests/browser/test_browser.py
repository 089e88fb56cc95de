"""The main flows in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangvien.members.importing import HEADERS
from dangvien.members.models import Membership

from ..conftest import PASSWORD, register
from ..files import member_row, write_xlsx

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (make test installs it when run as root)",
    ),
]


def totp_now(username: str) -> str:
    """The code the user's authenticator app shows now (the newest device: the one being
    set up, or the confirmed one)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-id").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/dang-nhap/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    # Off the sign-in page: its own address also ends in "/", and a test that went on from
    # there raced the sign-in's answer (argon2 takes its time) and went on signed out.
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    if "/tai-khoan/hai-buoc/" in page.url:  # an administrator: the second factor
        if page.locator("#totp-secret").count():
            shot(page, "second-factor-setup")
        page.fill("#code", totp_now(username))
        with page.expect_navigation():
            page.click("form:has(#code) button[type=submit]")
        if page.locator("#recovery-codes").count():
            shot(page, "second-factor-recovery-codes")
            page.click("#recovery-codes ~ .actions a")
    page.wait_for_url(page.base + "/")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_staff_browse_the_tree_and_search_without_diacritics(page, transactional_db, tree, users):
    register(tree.xa_c1, "Nguyễn Văn An", card="1001")
    register(tree.xa_c2, "Lê Thị Bích", card="1002", sex="female")
    sign_in(page, "an")
    assert "Đảng bộ xã An Phú" in page.inner_text("main")
    page.click("header nav a:has-text('Tổ chức đảng')")
    page.click(".tree .toggle")
    page.wait_for_selector("text=Chi bộ Thôn 2")
    page.click("text=Chi bộ Thôn 1")
    page.wait_for_selector("h1:has-text('Chi bộ Thôn 1')")
    page.click("header nav a:has-text('Đảng viên')")
    page.fill("#q", "nguyen van an")
    # Locator expectations, not wait_for_function: the pages' CSP forbids evaluating strings.
    expect(page.locator("#member-table")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#member-table")).not_to_contain_text("Lê Thị Bích")
    shot(page, "member-search")
    page.click("text=Nguyễn Văn An")
    page.wait_for_selector("#timeline")
    assert "Kết nạp (dự bị)" in page.inner_text("#timeline")


def test_adding_a_member_shows_the_cccd_error_then_saves_when_fixed(page, transactional_db, tree, users):
    sign_in(page, "bithu1")
    page.goto(page.base + "/dang-vien/them/")
    page.fill("#id_full_name", "Nguyễn Thị Hằng")
    page.fill("#id_birth_date", "12/03/1990")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=cccd]", "00119012345")
    # the inline check answers while typing
    page.wait_for_selector("#cccd-error li:has-text('đúng 12 chữ số')")
    page.select_option("#id_cell", label="Chi bộ Thôn 1 (XA-C1)")
    page.fill("#id_admission_date", "02/09/2015")
    page.fill("#id_official_date", "02/09/2016")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector(".alert:has-text('Chưa lưu được')")
    assert "Số CCCD phải có đúng 12 chữ số (đang có 11)" in page.inner_text("#field-cccd")
    shot(page, "member-add-invalid-cccd")
    assert Membership.objects.count() == 0
    page.fill("input[name=cccd]", "001190012345")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("h1:has-text('Nguyễn Thị Hằng')")
    assert "Đã thêm đảng viên" in page.inner_text(".messages")
    assert Membership.objects.get().person.cccd == "001190012345"


def test_import_with_one_bad_row_shows_the_error_and_writes_nothing(
    page, transactional_db, jobs_worker, tree, users, tmp_path
):
    path = write_xlsx(
        tmp_path / "danh-sach.xlsx",
        HEADERS,
        [member_row(card="1"), member_row("Lê Văn Bình", birth="31/02/1990", card="2")],
    )
    sign_in(page, "an")
    page.click("header nav a:has-text('Nhập dữ liệu')")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.wait_for_selector("#import-errors", timeout=30_000)  # the job runs beside the server
    text = page.inner_text("#import-errors")
    assert 'Dòng 3, cột "Ngày sinh": ngày 31/02/1990 không tồn tại' in text
    shot(page, "import-error")
    assert Membership.objects.count() == 0
    good = write_xlsx(tmp_path / "dung.xlsx", HEADERS, [member_row(card="1")])
    page.click("a:has-text('Tải tệp lên lại')")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.click("button:has-text('Xác nhận nhập')")
    page.wait_for_selector("#import-done:has-text('Đã nhập xong')", timeout=30_000)
    shot(page, "import-done")
    assert Membership.objects.count() == 1
    # The job's page again (a stale tab): no second button, a link to what was written.
    page.go_back()
    page.reload()
    assert page.locator("button:has-text('Xác nhận nhập')").count() == 0
    page.click("a:has-text('xem kết quả')")
    page.wait_for_selector("#import-done")
    assert Membership.objects.count() == 1


def test_a_viewer_of_one_cell_cannot_reach_another_cells_member_by_url(page, transactional_db, tree, users):
    other = register(tree.xa_c2, "Lê Thị Bích", card="1002", sex="female")
    mine = register(tree.xa_c1, "Nguyễn Văn An", card="1001")
    sign_in(page, "xem1")
    response = page.goto(f"{page.base}/dang-vien/{other.pk}/")
    assert response.status == 404
    assert "Lê Thị Bích" not in page.content()
    response = page.goto(f"{page.base}/dang-vien/{mine.pk}/")
    assert response.status == 200 and "Nguyễn Văn An" in page.inner_text("h1")
    assert page.locator("text=Sửa thông tin").count() == 0


def test_in_english_a_refusal_sits_on_its_field_and_the_404_page_speaks_english(
    page, transactional_db, tree, users
):
    """Issue 20: refusals are codes made into the reader's language, on the field they name."""
    sign_in(page, "an")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    shot(page, "home-in-english")
    page.goto(page.base + "/dang-vien/them/")
    page.fill("#id_full_name", "Nguyễn Thị Hằng")
    page.fill("#id_birth_date", "12/03/1990")
    page.check("input[name=sex][value=female]")
    page.select_option("#id_cell", label="Chi bộ Thôn 1 (XA-C1)")
    page.fill("#id_admission_date", "02/09/2015")
    page.fill("#id_official_date", "01/09/2015")
    page.click("form:has(#id_full_name) button[type=submit]")
    try:
        page.wait_for_selector("#field-official_date :text('The official date cannot be before')")
    finally:
        shot(page, "member-add-refused-in-english")
    assert Membership.objects.count() == 0
    page.fill("#id_official_date", "02/09/2016")
    page.click("form:has(#id_full_name) button[type=submit]")
    page.wait_for_selector("h1:has-text('Nguyễn Thị Hằng')")
    assert "Member Nguyễn Thị Hằng added." in page.inner_text(".messages")
    page.goto(page.base + "/khong-co-trang-nay/")
    assert "This page was not found" in page.inner_text("h1")
    shot(page, "not-found-in-english")
