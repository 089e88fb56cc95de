"""A dossier's and a candidate's page below the menu is drawn once per data version for
everyone who sees what one scope sees (web.fragments.kept_body, issue 22); each visitor's
forms still carry their own CSRF token, a write shows at the next visit, and a reader of
another scope gets their own page (no write buttons) or nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangvien.accounts.models import Role, User
from dangvien.accounts.services import user_create
from dangvien.web.fragments import CSRF_SLOT

from ..cases_helpers import candidate, open_case
from ..conftest import PASSWORD, sign_in_verified

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _browser(user: User) -> Client:
    """A browser of its own, checking CSRF as a real one is checked."""
    return sign_in_verified(Client(enforce_csrf_checks=True), user)


def _sql(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_two_staff_of_a_commune_share_a_dossiers_page_each_with_their_own_token(tree, users):
    case = open_case(candidate(tree.xa_c1))
    other = user_create(actor=None, username="an2", password=PASSWORD, role=Role.STAFF, organization=tree.xa)
    url = reverse("web:case_detail", args=[case.pk])
    first, second = _browser(users.an), _browser(other)
    html_a, sql_a = _sql(first, url)
    html_b, sql_b = _sql(second, url)
    # The second visit drew nothing: the papers made so far are read only to draw the body.
    assert any("documents_generateddocument" in q for q in sql_a)
    assert not any("documents_generateddocument" in q for q in sql_b)
    # Again: the session, the user, their roles, the data version, the kept figures' stamps.
    assert len(_sql(second, url)[1]) <= 5
    for html in (html_a, html_b):
        assert str(CSRF_SLOT) not in html
        assert "Tạm dừng hồ sơ" in html  # the same body, write buttons included (same scope)
    token_b = TOKEN.findall(html_b)
    assert token_b
    # The second user's form is accepted with the token their page carries…
    sent = second.post(
        reverse("web:case_action", args=[case.pk, "suspend"]),
        {
            "csrfmiddlewaretoken": token_b[0],
            "version": case.version,
            "on": timezone.localdate().strftime("%d/%m/%Y"),
            "reason": "Chờ kết quả thẩm tra",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:500]
    # …and the next visit, by either, shows the write.
    assert "Hồ sơ đang tạm dừng" in _sql(first, url)[0]


def test_a_dossiers_page_without_the_token_of_its_own_session_is_refused(tree, users):
    case = open_case(candidate(tree.xa_c1))
    other = user_create(actor=None, username="an2", password=PASSWORD, role=Role.STAFF, organization=tree.xa)
    url = reverse("web:case_detail", args=[case.pk])
    first, second = _browser(users.an), _browser(other)
    token_a = TOKEN.findall(_sql(first, url)[0])[0]
    _sql(second, url)
    sent = second.post(
        reverse("web:case_action", args=[case.pk, "suspend"]),
        {"csrfmiddlewaretoken": token_a, "version": case.version, "on": "01/12/2026", "reason": "x"},
    )
    assert sent.status_code == 403  # another session's token: the kept page shares none


def test_a_viewer_of_the_cell_after_its_secretary_gets_the_page_without_forms(tree, users):
    case = open_case(candidate(tree.xa_c1))
    url = reverse("web:case_detail", args=[case.pk])
    writer, _sql_w = _sql(_browser(users.bithu1), url)
    reader, _sql_r = _sql(_browser(users.xem1), url)
    assert "Tạm dừng hồ sơ" in writer and 'id="next"' in writer
    assert "Tạm dừng hồ sơ" not in reader and 'id="next"' not in reader
    assert _browser(users.binh).get(url).status_code == 404  # another commune


def test_the_token_slot_comes_from_the_secret_key(settings):
    """A user cannot type the slot into a note to have a reader's token written there."""
    from dangvien.web import fragments

    first = fragments._slot()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert fragments._slot() != first and first.startswith("csrf") and len(first) == 44


def test_a_candidates_page_is_shared_within_a_scope_and_its_forms_work(tree, users):
    cand = candidate(tree.xa_c1)
    other = user_create(actor=None, username="an2", password=PASSWORD, role=Role.STAFF, organization=tree.xa)
    url = reverse("web:candidate_detail", args=[cand.pk])
    first, second = _browser(users.an), _browser(other)
    html_a, sql_a = _sql(first, url)
    html_b, sql_b = _sql(second, url)
    assert len(sql_b) < len(sql_a)
    assert len(_sql(second, url)[1]) <= 5
    assert str(CSRF_SLOT) not in html_a + html_b
    token = TOKEN.findall(html_b)[0]
    sent = second.post(
        reverse("web:candidate_action", args=[cand.pk, "assess"]),
        {
            "csrfmiddlewaretoken": token,
            "on": timezone.localdate().strftime("%d/%m/%Y"),
            "strengths": "Gương mẫu",
            "conclusion": "Đủ điều kiện giới thiệu",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:500]
    assert cand.assessments.filter(conclusion="Đủ điều kiện giới thiệu").exists()
    assert "Đủ điều kiện giới thiệu" in _sql(first, url)[0]  # the next visit draws it afresh
    assert _browser(users.binh).get(url).status_code == 404
