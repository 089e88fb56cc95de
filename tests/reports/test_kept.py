"""Issue 22: a province's reports are kept until the data change (core/keep.py) — never
older than the last write, never shared with a user who sees less."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.accounts.services import user_create
from dangvien.core.keep import KEEP_IN_PROCESS, forget_in_process, kept
from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import data_version

from ..concurrency import write_left_open
from ..conftest import register

pytestmark = pytest.mark.django_db
STATS = reverse("web:statistics")


def test_every_write_changes_the_data_version_and_a_kept_result_is_recomputed(tree, users, login):
    before = data_version()
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    after = data_version()
    assert after != before
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert kept("x", ("a",), after, compute) == 1
    assert kept("x", ("a",), after, compute) == 1  # kept: not computed again
    assert kept("x", ("b",), after, compute) == 2  # another key
    register(tree.xa_c1, "Lê Văn Bình", card="2")
    assert kept("x", ("a",), data_version(), compute) == 3  # written since: computed again


@pytest.mark.django_db(transaction=True)
def test_a_write_that_commits_after_a_later_numbered_one_still_changes_the_data_version(tree):
    """PostgreSQL, two connections: a write's audit entry is numbered when written, but
    commits in any order. A write numbered first commits last: a result kept between the
    two commits must not outlive it."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        from dangvien.members.models import Membership

        return Membership.objects.count()

    with write_left_open(lambda: register(tree.xa_c1, "Nguyễn Văn Trước", card="1")):  # numbered first
        # Numbered later, committed first (another commune: the two writers stamp other units).
        register(tree.xb_c1, "Lê Văn Sau", card="2")
        between = data_version()
        seen = kept("members", ("x",), between, count)  # without the write still open
    after = data_version()
    assert after != between
    assert kept("members", ("x",), after, count) == seen + 1 and len(calls) == 2


def test_a_records_page_is_kept_in_its_process_only(tree, users, login):
    """A dossier's or a member's page must not push a province's reports out of the shared
    cache or of the process's memory of 64: it is kept in the process's own cache."""
    version = data_version()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert kept("page", ("k",), version, compute, shared=False) == 1
    caches["jobs"].clear()
    forget_in_process()
    assert kept("page", ("k",), version, compute, shared=False) == 1  # not from the shared cache
    caches["default"].clear()
    assert kept("page", ("k",), version, compute, shared=False) == 2
    # Through a page: another commune's staff still get a 404 after it was kept for another.
    m = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    url = reverse("web:member_detail", args=[m.pk])
    assert login(users.an).get(url).status_code == 200
    assert login(users.binh).get(url).status_code == 404


def test_a_process_remembers_its_kept_results_within_a_bound_and_never_across_versions(tree):
    """Read back from the shared cache, a province's dashboard cost 9 ms of unpickling at
    every visit: each process remembers the last results it read, by the same key."""
    version = data_version()
    calls: list[str] = []

    def compute(tag: str):  # type: ignore[no-untyped-def]
        def run() -> list[str]:
            calls.append(tag)
            return [tag]

        return run

    first = kept("x", ("a",), version, compute("a"))
    caches["jobs"].clear()  # another process's eviction: this one still remembers
    assert kept("x", ("a",), version, compute("again")) is first and calls == ["a"]
    # The remembered result answers to its version only.
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    assert kept("x", ("a",), data_version(), compute("new")) == ["new"]
    # Bounded: past KEEP_IN_PROCESS results the oldest are forgotten first.
    for i in range(KEEP_IN_PROCESS):
        kept("fill", (i,), version, compute(f"fill-{i}"))
    caches["jobs"].clear()
    calls.clear()
    last = KEEP_IN_PROCESS - 1
    assert kept("fill", (last,), version, compute("recomputed")) == [f"fill-{last}"] and calls == []
    assert kept("x", ("a",), version, compute("recomputed")) == ["recomputed"]  # the oldest: gone
    forget_in_process()
    assert kept("fill", (last,), version, compute("recomputed")) == ["recomputed"]


def test_a_result_kept_by_another_release_of_the_code_is_not_read(tree, monkeypatch):
    """A kept result is a pickled object of the classes of the code that kept it: a new
    release (another code token) computes its own, never reads an older object."""
    from dangvien.core import keep

    version = data_version()
    assert kept("x", ("a",), version, lambda: "old release") == "old release"
    forget_in_process()  # a new process of the new release
    keep.code_token.cache_clear()
    monkeypatch.setattr(keep, "code_token", lambda: "another")
    assert kept("x", ("a",), version, lambda: "new release") == "new release"


def test_the_code_token_is_the_same_twice_and_changes_with_a_template_or_a_module(tmp_path):
    from dangvien.core import keep

    keep.code_token.cache_clear()
    assert keep.code_token() == keep.source_digest(Path(keep.__file__).resolve().parent.parent)
    (tmp_path / "web").mkdir()
    page = tmp_path / "web" / "page.html"
    module = tmp_path / "views.py"
    page.write_text("<p>{{ row.counts }}</p>")
    module.write_text("X = 1\n")
    first = keep.source_digest(tmp_path)
    assert keep.source_digest(tmp_path) == first
    page.write_text("<p>{{ row.cells }}</p>")
    second = keep.source_digest(tmp_path)
    module.write_text("X = 2\n")
    assert len({first, second, keep.source_digest(tmp_path)}) == 3


def test_the_statistics_page_shows_a_write_at_once_and_reads_kept_figures_otherwise(tree, users, login):
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    c = login(users.an)
    first = c.get(f"{STATS}?to-chuc=XA").content.decode()
    with CaptureQueriesContext(connection) as kept_visit:
        again = c.get(f"{STATS}?to-chuc=XA").content.decode()
    assert again == first or again.count("Nguyễn") == first.count("Nguyễn")
    caches["jobs"].clear()
    forget_in_process()
    with CaptureQueriesContext(connection) as computed:
        c.get(f"{STATS}?to-chuc=XA")
    assert len(kept_visit.captured_queries) < len(computed.captured_queries) / 2
    # A member registered by another staff member: the next visit counts them.
    register(tree.xa_c2, "Lê Thị Bích", card="2", sex="female")
    counts = c.get(f"{STATS}?to-chuc=XA").content.decode()
    assert "Nữ" in counts and counts != again


def test_a_user_who_sees_part_of_an_organization_never_gets_a_result_kept_for_the_whole(tree, users):
    whole = scope_for(users.an)  # staff of xã An Phú
    admin = scope_for(users.admin)
    secretary = scope_for(users.bithu1)  # Thôn 1 only
    assert whole.sees_all_of(tree.xa) and admin.sees_all_of(tree.xa)
    assert not secretary.sees_all_of(tree.xa) and secretary.sees_all_of(tree.xa_c1) is False
    assert secretary.key != whole.key and whole.key != admin.key
    two = user_create(
        actor=None,
        username="hai-xa",
        password="mot-mat-khau-dai-2026",
        role=Role.VIEWER,
        organization=tree.xa,
    )
    assert scope_for(two).sees_all_of(tree.xa)  # a viewer of the commune reads it whole


def test_the_home_page_of_a_committee_is_the_same_kept_or_computed(tree, users, login):
    for i, name in enumerate(["Nguyễn Văn An", "Lê Thị Bích", "Trần Văn Cường"]):
        register(tree.xa_c1, name, card=str(i + 1), admitted=dt.date(2026, 3, 2), official=None)
    c = login(users.an)
    computed = c.get(reverse("web:home")).content.decode()
    kept_page = c.get(reverse("web:home")).content.decode()
    strip = lambda html: html.split("<main")[1]  # noqa: E731 - the header carries a per-request token
    assert strip(kept_page) == strip(computed)


def test_after_the_nightly_tick_a_provinces_first_home_visit_reads_the_kept_page(tree, users, login):
    from django.utils import timezone

    from dangvien.watch.services import tick

    register(tree.xa_c1, "Nguyễn Văn An", card="1", admitted=dt.date(2026, 3, 2), official=None)
    office = user_create(
        actor=None,
        username="vp-tinh",
        password="mot-mat-khau-dai-2026",
        role=Role.STAFF,
        organization=tree.province,
    )
    tick(as_of=timezone.localdate(), send_mail=False)
    c = login(office)
    with CaptureQueriesContext(connection) as first:
        page = c.get(reverse("web:home"))
    assert page.status_code == 200 and "Đảng bộ tỉnh Thử" in page.content.decode()
    # The session, the user and their grants, the data version, the watch list and the bell:
    # no figure is counted on this visit.
    assert len(first.captured_queries) <= 22, [q["sql"][:80] for q in first.captured_queries]


def test_a_result_kept_under_one_path_prefix_is_not_served_under_another(tree, users):
    """A kept part holds addresses: one drawn outside any request (the nightly tick) has the
    default prefix, wrong for a site served under a sub-path."""
    from django.urls import set_script_prefix

    from dangvien.reports.kept import kept_report

    scope = scope_for(users.an)
    try:
        set_script_prefix("/")
        drawn_by_the_tick = kept_report("where", scope, tree.xa, ("k",), lambda: reverse("web:home"))
        set_script_prefix("/dangvien/")
        under_the_sub_path = kept_report("where", scope, tree.xa, ("k",), lambda: reverse("web:home"))
    finally:
        set_script_prefix("/")
    assert (drawn_by_the_tick, under_the_sub_path) == ("/", "/dangvien/")
