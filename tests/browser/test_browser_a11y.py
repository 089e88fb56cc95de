"""Accessibility (issue 23): axe-core, vendored from npm (tests/browser/vendor, MPL-2.0,
version in its first line), run in Chromium on the main pages of each role, reports no
serious or critical violation of WCAG 2 A/AA. The pages are opened with the
Content-Security-Policy bypassed only so that the test can inject axe; the app never
loads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ..cases_helpers import candidate, officials, open_case
from ..conftest import register
from .test_browser import pytestmark as browser_marks
from .test_browser import shot, sign_in

pytestmark = browser_marks
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PAGES = {
    "an": [
        "/",
        "/to-chuc/",
        "/dang-vien/",
        "/quan-chung/",
        "/ket-nap/",
        "/du-bi/",
        "/chi-tieu/",
        "/thong-ke/",
        "/dung-han/",
        "/nhap-du-lieu/",
        "/thong-bao/",
        "{case}",
        "{candidate}",
    ],
    "bithu1": ["/", "/quan-chung/", "{case}", "/to-chuc/XA-C1/sinh-hoat/", "/to-chuc/XA-C1/sinh-hoat/moi/"],
    "xem1": ["/", "/dang-vien/", "/to-chuc/XA-C1/"],
}


@pytest.fixture
def axe_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


def _serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): '
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    return list(found)


def test_the_main_pages_of_each_role_have_no_serious_accessibility_violation(
    axe_page, transactional_db, tree, users
):
    today = dt.date.today()
    officials(tree.xa_c1, 4)
    register(tree.xa_c2, "Lê Thị Bích", card="1002", sex="female")
    cand = candidate(tree.xa_c1, name="Lê Thị Mai", listed=today - dt.timedelta(days=200))
    case = open_case(candidate(tree.xa_c1, name="Phạm Văn Tới"), on=today - dt.timedelta(days=10))
    problems: list[str] = []
    first = True
    for user, paths in PAGES.items():
        if not first:
            axe_page.context.clear_cookies()
        first = False
        sign_in(axe_page, user)
        for path in paths:
            url = path.format(case=f"/ket-nap/{case.pk}/", candidate=f"/quan-chung/{cand.pk}/")
            axe_page.goto(axe_page.base + url)
            if url == "/":
                shot(axe_page, f"home-{user}")  # the user guide's pictures of each role's home page
            problems += [f"{user} {url}: {p}" for p in _serious(axe_page)]
    axe_page.context.clear_cookies()
    axe_page.goto(axe_page.base + "/dang-nhap/")
    problems += [f"sign-in: {p}" for p in _serious(axe_page)]
    assert not problems, "\n".join(problems)


def test_the_board_and_a_form_work_from_the_keyboard(axe_page, transactional_db, tree, users):
    case = open_case(candidate(tree.xa_c1, name="Phạm Văn Tới"), on=dt.date.today() - dt.timedelta(days=10))
    page = axe_page
    sign_in(page, "bithu1")
    page.goto(page.base + "/ket-nap/")
    for _ in range(60):  # Tab through the page until a dossier's card has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('case-card')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('case-card')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # seen
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ket-nap/{case.pk}/")
    # The step's form: the date typed, Enter sends it, the page says what was saved.
    page.focus("[name=done_on]")
    page.keyboard.type(f"{dt.date.today():%d/%m/%Y}")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li")
    assert "Đã ghi bước" in page.inner_text(".messages")
