"""A cell secretary's phone (issue 23): every page she uses, at 390×844 in Chromium, fits
the screen (no horizontal scrolling), puts its buttons, fields and menu links at a finger's
size (44 px) and stacks its forms in one column. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangvien.committees.meetings import meeting_record
from dangvien.watch.services import tick

from ..cases_helpers import awareness_class, candidate, officials, open_case
from ..conftest import register
from .test_browser import pytestmark as browser_marks
from .test_browser import shot, sign_in

pytestmark = browser_marks

PHONE = {"width": 390, "height": 844}
# What a finger must hit: controls, and the menu's links (links inside a sentence or a
# table cell are text, not targets, as WCAG 2.5.8 counts them).
TARGETS = ", ".join(
    [
        "main button",
        "main .btn",
        "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
        "main select",
        "main textarea",
        "header .menu-toggle",
        "header nav.open a",
    ]
)


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


def _fits(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"phone-{name}")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
            .slice(0, 6)""",
        PHONE["width"],
    )
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide: {wide}"
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 43.5)""",
        TARGETS,
    )
    assert not small, f"{name}: targets under 44 px: {small[:5]}"


def test_a_secretary_works_her_cell_from_a_phone(phone, transactional_db, tree, users):
    today = dt.date.today()
    officials(tree.xa_c1, 6)
    pool = candidate(tree.xa_c1, name="Lê Thị Mai", listed=today - dt.timedelta(days=200))
    case = open_case(candidate(tree.xa_c1, name="Phạm Văn Tới"), on=today - dt.timedelta(days=10))
    meeting_record(
        actor=None, cell=tree.xa_c1, held_on=today.replace(day=1) - dt.timedelta(days=3), presence={}
    )
    tick(send_mail=False)

    sign_in(phone, "bithu1")
    _fits(phone, "home")
    day = phone.inner_text("#today")
    assert "Chưa ghi buổi sinh hoạt thường kỳ tháng" in day
    assert "Phạm Văn Tới" in day and "Lê Thị Mai" in day  # a dossier; a candidate not heard for months
    # The menu: hidden behind its button, open on a tap, links a finger can hit.
    assert not phone.is_visible("header nav a:has-text('Quần chúng')")
    phone.click(".menu-toggle")
    assert phone.is_visible("header nav a:has-text('Quần chúng')")
    _fits(phone, "menu-open")
    phone.click("header nav a:has-text('Quần chúng')")
    phone.wait_for_url("**/quan-chung/")
    _fits(phone, "candidates")
    phone.goto(phone.base + f"/quan-chung/{pool.pk}/")
    _fits(phone, "candidate")
    phone.goto(phone.base + f"/ket-nap/{case.pk}/")
    _fits(phone, "dossier")
    phone.goto(phone.base + "/ket-nap/")
    _fits(phone, "board")
    phone.goto(phone.base + f"/to-chuc/{tree.xa_c1.code}/sinh-hoat/")
    _fits(phone, "meetings")
    phone.goto(phone.base + f"/to-chuc/{tree.xa_c1.code}/sinh-hoat/moi/")
    _fits(phone, "meeting-new")
    # One column: the form's fields stand one under another.
    lefts = phone.evaluate(
        "[...document.querySelectorAll('main .field')].map(f => f.getBoundingClientRect().left)"
    )
    assert len(set(round(x) for x in lefts)) == 1
    phone.goto(phone.base + "/thong-bao/")
    _fits(phone, "notifications")


def test_the_board_shows_every_step_at_1280_px(page, transactional_db, tree, users):
    open_case(candidate(tree.xa_c1, name="Phạm Văn Tới"), on=dt.date.today() - dt.timedelta(days=10))
    sign_in(page, "an")
    page.goto(page.base + "/ket-nap/")
    shot(page, "board-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#board .column')]"
        ".map(c => c.getBoundingClientRect().right))"
    )
    assert right <= 1280  # no column hidden to the right


def test_the_enrolment_picker_narrows_as_the_name_is_typed(page, transactional_db, tree, users):
    mentor = officials(tree.xa_c1, 1, prefix="Giúp đỡ")[0]
    for name in ("Nguyễn Thị Hằng", "Trần Văn Bình", "Lê Thị Hoa"):
        candidate(tree.xa_c1, name=name, certificate=None, mentor=mentor)
    tc = awareness_class(tree.xa)
    sign_in(page, "an")
    page.goto(page.base + f"/lop-hoc/{tc.pk}/")
    page.click("summary:has-text('Ghi danh học viên')")
    assert page.locator("#enroll-choices input[name=people]").count() == 3
    page.fill("#form-enroll [name=q]", "hang nguyen")
    expect(page.locator("#enroll-choices input[name=people]")).to_have_count(1)
    page.check("#enroll-choices input[name=people]")
    page.click("#form-enroll button[type=submit]")
    page.wait_for_selector("#attendees td:has-text('Nguyễn Thị Hằng')")
    shot(page, "class-enrolment-picker")


def test_a_long_list_of_mentors_is_searched_by_the_words_of_a_name(page, transactional_db, tree, users):
    from dangvien.candidates.models import Candidate

    officials(tree.xa_c1, 20)
    register(tree.xa_c1, "Hoàng Thị Hường", card="77001", sex="female", official=dt.date(2016, 3, 10))
    cand = candidate(tree.xa_c1, name="Lê Thị Mai", certificate=None)
    sign_in(page, "bithu1")
    page.goto(page.base + f"/quan-chung/{cand.pk}/")
    page.click("summary:has-text('Phân công người giúp đỡ')")
    rows = page.locator("#picker-mentor-rows input[name=mentor]")
    expect(rows).to_have_count(15)  # the first fifteen of 22, never the whole cell
    assert "Hiện 15 trên 22" in page.inner_text("#picker-mentor-rows")
    page.fill("#form-mentor .member-picker input[type=search]", "huong hoang")
    expect(rows).to_have_count(1)
    assert page.inner_text("#picker-mentor-rows label") == "Hoàng Thị Hường (1990) — 77001"
    page.fill("#form-mentor .member-picker input[type=search]", "7700")  # a card's beginning
    expect(rows).to_have_count(1)
    rows.first.check()
    page.fill("#form-mentor [name=on]", "01/03/2026")
    page.click("#form-mentor button[type=submit]")
    page.wait_for_selector("#mentors li:has-text('Hoàng Thị Hường')")
    mentorships = Candidate.objects.get(pk=cand.pk).mentorships
    assert mentorships.filter(mentor__person__full_name="Hoàng Thị Hường").exists()


def test_the_transfer_destination_is_found_by_name_and_filled_in(page, transactional_db, tree, users):
    m = register(tree.xa_c1, "Đỗ Văn Chuyển", card="55001")
    sign_in(page, "an")
    page.goto(page.base + f"/dang-vien/{m.pk}/chuyen-sinh-hoat/")
    page.fill("#cell-finder-q", "thon 2")
    page.click("#cell-finder-found button:has-text('Chi bộ Thôn 2')")
    assert page.input_value("#form-transfer [name=to_code]") == "XA-C2"
