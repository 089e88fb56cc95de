"""The tree of a day kept by the progress report (targets/placement.py): kept per process
under the tree's token, per scope, within a bound."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import TREE, read_stamps
from dangvien.targets import placement as kept_trees
from dangvien.targets.placement import placement

pytestmark = pytest.mark.django_db
D = dt.date


def token() -> int:
    return read_stamps("").get(TREE, 0)


def test_a_placement_read_under_a_token_is_kept_and_used_again(tree, django_assert_num_queries):
    now = token()
    first = placement(scope_for(None), tree.province.path, D(2026, 6, 30), token=now)
    with django_assert_num_queries(0):
        again = placement(scope_for(None), tree.province.path, D(2026, 6, 30), token=now)
    assert again is first
    assert [r[1] for r in first.rows] == ["PROV", "XA", "XA-C1", "XA-C2", "XB", "XB-C1"]


def test_without_a_token_nothing_is_kept(tree):
    placement(scope_for(None), tree.province.path, D(2026, 6, 30))
    assert not kept_trees._kept


def test_each_scope_has_its_own_placement(tree, users):
    everything = placement(scope_for(None), tree.province.path, D(2026, 6, 30), token=token())
    commune = placement(scope_for(users.an), tree.province.path, D(2026, 6, 30), token=token())
    assert len(everything.rows) == 6
    assert [r[1] for r in commune.rows] == ["XA", "XA-C1", "XA-C2"]  # never another ward's


def test_the_least_recently_used_go_first_beyond_the_bound(tree, monkeypatch):
    monkeypatch.setattr(kept_trees, "KEEP_AT_MOST", 10)  # the tree has 6 organizations
    june = placement(scope_for(None), tree.province.path, D(2026, 6, 30), token=token())
    july = placement(scope_for(None), tree.province.path, D(2026, 7, 31), token=token())
    assert [p for p, _s in kept_trees._kept.values()] == [july]
    assert placement(scope_for(None), tree.province.path, D(2026, 6, 30), token=token()) is not june
