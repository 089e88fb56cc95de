"""An idle session ends after SESSION_IDLE_MINUTES (30) without a click; it is renewed at
most once a minute, not saved at every request (issue 22: one UPDATE and one commit less per
page). Both sides of each boundary: renewed or not, signed in or not."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangvien.core.middleware import SessionMiddleware

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")
NOW = int(time.time())


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The middleware's clock held at NOW: the boundary cases (59 and 60 seconds) must not
    move by the time a page takes to draw."""
    monkeypatch.setattr(SessionMiddleware, "now", staticmethod(lambda: NOW))


def _session_writes(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(
        '"django_session"' in q["sql"] and not q["sql"].startswith("SELECT") for q in ctx.captured_queries
    )


def _renewed_ago(client, seconds: int) -> None:  # type: ignore[no-untyped-def]
    """The last renewal `seconds` ago, and the stored expiry as it was then."""
    s = client.session
    s[SessionMiddleware.RENEW_KEY] = NOW - seconds
    s.save()
    Session.objects.filter(session_key=s.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=30 * 60 - seconds)
    )


def _expiry(client) -> dt.datetime:  # type: ignore[no-untyped-def]
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_of_the_renewal_write_no_session(users, login):
    c = login(users.an)
    c.get(HOME)  # the first page after signing in renews it
    _renewed_ago(c, 59)
    before = _expiry(c)
    assert _session_writes(c, HOME) == 0
    assert _expiry(c) == before


def test_a_page_a_minute_after_the_renewal_renews_the_session_for_another_30_minutes(users, login):
    c = login(users.an)
    c.get(HOME)
    _renewed_ago(c, 60)
    assert _session_writes(c, HOME) == 1
    assert _expiry(c) > timezone.now() + dt.timedelta(minutes=29, seconds=50)


def test_a_renewal_time_from_the_future_or_not_a_number_renews_at_once(users, login):
    c = login(users.an)
    c.get(HOME)
    for odd in (NOW + 1, NOW + 3600, "x"):
        s = c.session
        s[SessionMiddleware.RENEW_KEY] = odd
        s.save()
        assert _session_writes(c, HOME) == 1
        assert isinstance(c.session[SessionMiddleware.RENEW_KEY], int)


def test_an_idle_session_still_valid_serves_and_an_expired_one_asks_to_sign_in_again(users, login):
    c = login(users.an)
    c.get(HOME)
    key = c.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    assert c.get(HOME).status_code == 200  # 29½ minutes idle: still signed in
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    gone = c.get(HOME)
    assert gone.status_code == 302 and reverse("web:login") in gone["Location"]


def test_a_visitor_who_has_not_signed_in_gets_no_stored_session(client, tree):
    assert client.get(reverse("web:login")).status_code == 200
    assert Session.objects.count() == 0


def test_a_visitor_with_the_cookie_of_a_session_gone_gets_no_new_session(client, users, login):
    c = login(users.an)
    c.get(HOME)
    key = c.session.session_key
    Session.objects.filter(session_key=key).delete()  # expired and cleared, or signed out elsewhere
    assert c.get(reverse("web:login")).status_code == 200
    assert Session.objects.count() == 0
