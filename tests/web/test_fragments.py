"""web.fragments.kept_html: a part of a page drawn once per kept report — never for a user
who sees less, never after a write, never in another language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import data_version
from dangvien.reports.timeliness import LateItem
from dangvien.web.fragments import kept_html

from ..conftest import register

pytestmark = pytest.mark.django_db
TEMPLATE = "web/reports/_late_rows.html"


def _item(name: str) -> LateItem:
    day = dt.date(2026, 3, 2)
    return LateItem(
        "recognition", "Quyết định", name, "Chi bộ Thôn 1", day, day, 3, ("web:recognition_detail", 1)
    )


def test_a_part_is_drawn_once_per_data_version_and_again_after_a_write(tree, users):
    drawn: list[str] = []

    def context(name: str):  # type: ignore[no-untyped-def]
        def make() -> dict[str, object]:
            drawn.append(name)
            return {"items": [_item(name)]}

        return make

    scope = scope_for(users.an)
    first = kept_html("t", scope, tree.xa, ("k",), TEMPLATE, context("Nguyễn Văn An"))
    assert "Nguyễn Văn An" in first and drawn == ["Nguyễn Văn An"]
    assert kept_html("t", scope, tree.xa, ("k",), TEMPLATE, context("Khác")) == first and len(drawn) == 1
    register(tree.xa_c1, "Lê Văn Bình", card="9")  # a write: a new data version
    assert "Khác" in kept_html("t", scope, tree.xa, ("k",), TEMPLATE, context("Khác"))
    assert "Sau" in kept_html("t", scope, tree.xa, ("k2",), TEMPLATE, context("Sau"))  # another key


def test_a_user_who_sees_part_of_the_organization_gets_their_own_drawing(tree, users):
    whole, part = scope_for(users.an), scope_for(users.bithu1)  # the commune's staff; Thôn 1's secretary
    version = data_version()
    a = kept_html("t", whole, tree.xa, (), TEMPLATE, lambda: {"items": [_item("Cả xã")]}, version=version)
    b = kept_html("t", part, tree.xa, (), TEMPLATE, lambda: {"items": [_item("Một chi bộ")]}, version=version)
    assert "Cả xã" in a and "Một chi bộ" in b and "Cả xã" not in b


def test_each_language_gets_its_own_drawing(tree, users):
    scope = scope_for(users.an)
    with translation.override("vi"):
        vi = kept_html("t", scope, tree.xa, (), TEMPLATE, lambda: {"items": [_item("A")]})
    with translation.override("en"):
        en = kept_html("t", scope, tree.xa, (), TEMPLATE, lambda: {"items": [_item("A")]})
    assert "Họ và tên" in vi and "Họ và tên" not in en
