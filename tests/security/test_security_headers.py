"""Issue 18, item 10: a strict Content-Security-Policy with no inline script or handler,
Permissions-Policy, and the API's documentation from our own files, for signed-in users."""

from __future__ import annotations

import re
import shutil

import pytest

from ..browser.test_browser import sign_in
from ..conftest import CHROMIUM, register, sign_in_verified

pytestmark = pytest.mark.django_db
PAGES = ["/", "/dang-vien/", "/nhap-du-lieu/", "/to-chuc/", "/thong-ke/"]


def test_every_page_carries_the_policies_and_no_inline_handler(client, users, tree):
    register(tree.xa_c1, card="1")
    sign_in_verified(client, users.admin)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "camera=()" in response.headers["Permissions-Policy"]
        html = response.content.decode()
        assert not re.search(r"\son(submit|change|click|load|input)=", html), url
        assert not re.search(r"<[^>]+\sstyle=", html), url
        assert not re.search(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", html), url


def test_the_api_documentation_is_ours_and_for_signed_in_users(client, users):
    assert client.get("/api/docs").status_code == 302  # to the sign-in page
    client.force_login(users.an)
    page = client.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.browser
@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed")
def test_the_browser_reports_no_policy_violation_on_the_main_pages(page, transactional_db, tree, users):
    register(tree.xa_c1, card="1")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, "admin")
    for url in PAGES:
        page.goto(page.base + url)
        page.wait_for_load_state("networkidle")
    assert violations == []
