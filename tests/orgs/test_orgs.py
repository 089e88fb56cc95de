import datetime as dt

import pytest

from dangvien.members.models import EventKind, Membership
from dangvien.members.selectors import org_children
from dangvien.members.services import membership_replay
from dangvien.orgs.models import Organization, OrgKind, OrgVersion
from dangvien.orgs.reorganize import SplitPart, org_dissolve, org_merge, org_move, org_split
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.orgs.selectors import tree_as_of
from dangvien.orgs.services import org_create, org_rename
from dangvien.reports.selectors import member_counts

from ..conftest import refused, register

pytestmark = pytest.mark.django_db


def test_codes_are_unique(tree):
    with refused("orgs.code_taken"):
        org_create(actor=None, code="XA-C1", name="Chi bộ khác", kind=OrgKind.CELL, parent=tree.xa)


def test_names_are_unique_among_siblings_only(tree):
    with refused("orgs.name_taken"):
        org_create(actor=None, code="XA-C9", name="chi bo thon 1", kind=OrgKind.CELL, parent=tree.xa)
    other = org_create(actor=None, code="XB-C9", name="Chi bộ Thôn 1", kind=OrgKind.CELL, parent=tree.xb)
    assert other.parent == tree.xb


def test_two_names_that_differ_only_by_their_marks_are_two_names(tree):
    """Real communes: Thái Nguyên has Xã Văn Lăng and Xã Văn Lang, Quảng Ngãi Xã Sơn Hạ and
    Xã Sơn Hà. A name typed without any mark still means the marked one."""
    lang = org_create(actor=None, code="X-1", name="Xã Văn Lăng", kind=OrgKind.BASE, parent=tree.province)
    other = org_create(actor=None, code="X-2", name="Xã Văn Lang", kind=OrgKind.BASE, parent=tree.province)
    assert {lang.name, other.name} == {"Xã Văn Lăng", "Xã Văn Lang"}
    for typed in ("xa van lang", "XÃ VĂN LANG", "Xã  Văn Lăng"):
        with refused("orgs.name_taken"):
            org_create(actor=None, code="X-3", name=typed, kind=OrgKind.BASE, parent=tree.province)


def test_a_cell_cannot_have_organizations_under_it(tree):
    with refused("orgs.parent_is_cell"):
        org_create(actor=None, code="X", name="Tổ", kind=OrgKind.CELL, parent=tree.xa_c1)


def test_a_move_into_its_own_subtree_is_refused_as_a_cycle(tree):
    with refused("orgs.move_into_itself"):
        org_move(actor=None, org=tree.province, new_parent=tree.xa, effective_on=dt.date(2025, 7, 1))
    tree.province.refresh_from_db()
    assert tree.province.parent is None


def test_a_move_carries_the_subtree_and_its_paths(tree):
    register(tree.xa_c1, card="1001")
    org_move(actor=None, org=tree.xa_c1, new_parent=tree.xb, effective_on=dt.date(2025, 7, 1))
    c1 = Organization.objects.get(code="XA-C1")
    assert c1.parent == tree.xb
    assert c1.path.startswith(tree.xb.path) and c1.depth == 2
    assert member_counts(scope_for(None), tree.xb, dt.date(2025, 7, 1)).total == 1
    assert member_counts(scope_for(None), tree.xa, dt.date(2025, 6, 30)).total == 1
    assert member_counts(scope_for(None), tree.xa, dt.date(2025, 7, 1)).total == 0


def test_subtree_reads_take_a_constant_number_of_queries(tree, django_assert_max_num_queries):
    parent = tree.xa
    for depth in range(6):  # a deep chain of sections
        parent = org_create(
            actor=None, code=f"S{depth}", name=f"Bộ phận {depth}", kind=OrgKind.SECTION, parent=parent
        )
    register(
        org_create(actor=None, code="DEEP", name="Chi bộ sâu", kind=OrgKind.CELL, parent=parent), card="9"
    )
    with django_assert_max_num_queries(3):
        children = org_children(scope_for(None), tree.province)
    assert {c.code: c.member_count for c in children} == {"XA": 1, "XB": 0}
    # The first report counts the units and stores their figures (inside a savepoint here,
    # the test being one transaction); the next reads them.
    with django_assert_max_num_queries(6):
        assert member_counts(scope_for(None), tree.province, dt.date.today()).total == 1
    with django_assert_max_num_queries(2):
        assert member_counts(scope_for(None), tree.province, dt.date.today()).total == 1
    with django_assert_max_num_queries(2):  # below a unit: one scan, nothing stored
        assert member_counts(scope_for(None), parent, dt.date.today()).total == 1


def test_rename_keeps_the_old_name_for_earlier_dates(tree):
    org_rename(
        actor=None,
        org=tree.xa,
        name="Đảng bộ xã An Phú Mới",
        effective_on=dt.date(2025, 7, 1),
        decision_ref="123-QĐ/TU",
    )
    before = tree_as_of(tree.province, dt.date(2025, 6, 30))
    after = tree_as_of(tree.province, dt.date(2025, 7, 1))
    assert before.children[0].name == "Đảng bộ xã An Phú"
    assert after.children[0].name == "Đảng bộ xã An Phú Mới"


def test_a_backdated_change_before_the_last_one_is_refused(tree):
    org_rename(actor=None, org=tree.xa, name="Tên mới", effective_on=dt.date(2025, 7, 1))
    with refused("orgs.effective_before_last_change"):
        org_rename(actor=None, org=tree.xa, name="Tên khác", effective_on=dt.date(2025, 6, 1))


def test_merge_moves_members_with_a_dated_event_and_keeps_past_counts(tree):
    a = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    register(tree.xa_c2, "Trần Thị Bình", card="2", sex="female")
    before = member_counts(scope_for(None), tree.xa_c1, dt.date(2025, 6, 30)).total
    summary = org_merge(
        actor=None,
        sources=[tree.xa_c2],
        target=tree.xa_c1,
        effective_on=dt.date(2025, 7, 1),
        decision_ref="45-QĐ/ĐU",
    )
    assert summary.members_moved == 1
    tree.xa_c2.refresh_from_db()
    assert tree.xa_c2.dissolved_on == dt.date(2025, 7, 1)
    moved = Membership.objects.get(card_number="2")
    assert moved.cell == tree.xa_c1
    assert moved.events.filter(kind=EventKind.CELL_CHANGED, on=dt.date(2025, 7, 1)).exists()
    assert membership_replay(moved) == [] and membership_replay(a) == []
    # As of the day before the merge, each cell still had its own member.
    assert member_counts(scope_for(None), tree.xa_c1, dt.date(2025, 6, 30)).total == before == 1
    assert member_counts(scope_for(None), tree.xa_c2, dt.date(2025, 6, 30)).total == 1
    assert member_counts(scope_for(None), tree.xa_c1, dt.date(2025, 7, 1)).total == 2
    # The commune's total is the same on both sides of the merge.
    assert member_counts(scope_for(None), tree.xa, dt.date(2025, 6, 30)).total == 2
    assert member_counts(scope_for(None), tree.xa, dt.date(2025, 7, 1)).total == 2


def test_merge_of_committees_moves_their_cells(tree):
    org_merge(actor=None, sources=[tree.xb], target=tree.xa, effective_on=dt.date(2025, 7, 1))
    cell = Organization.objects.get(code="XB-C1")
    assert cell.parent_id == tree.xa.pk and cell.path.startswith(tree.xa.path)
    then = tree_as_of(tree.province, dt.date(2025, 6, 30))
    assert sorted(c.name for c in then.children) == ["Đảng bộ phường Bình Minh", "Đảng bộ xã An Phú"]
    now = tree_as_of(tree.province, dt.date(2025, 7, 1))
    assert [c.name for c in now.children] == ["Đảng bộ xã An Phú"]


def test_split_creates_new_cells_with_the_chosen_members(tree):
    m1 = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    m2 = register(tree.xa_c1, "Lê Văn Bảo", card="2")
    org_split(
        actor=None,
        source=tree.xa_c1,
        effective_on=dt.date(2025, 7, 1),
        parts=[
            SplitPart("XA-C1A", "Chi bộ Thôn 1A", member_ids=[m1.pk]),
            SplitPart("XA-C1B", "Chi bộ Thôn 1B", member_ids=[m2.pk]),
        ],
    )
    assert Membership.objects.get(pk=m1.pk).cell.code == "XA-C1A"
    assert Membership.objects.get(pk=m2.pk).cell.code == "XA-C1B"
    assert Organization.objects.get(code="XA-C1").dissolved_on == dt.date(2025, 7, 1)


def test_split_refuses_to_leave_members_behind_in_a_dissolved_cell(tree):
    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    with refused("orgs.split_leftovers"):
        org_split(
            actor=None,
            source=tree.xa_c1,
            effective_on=dt.date(2025, 7, 1),
            parts=[SplitPart("XA-C1A", "Chi bộ Thôn 1A")],
        )
    assert not Organization.objects.filter(code="XA-C1A").exists()


def test_dissolve_refuses_while_members_remain(tree):
    register(tree.xa_c1, card="1")
    with refused("orgs.dissolve_not_empty"):
        org_dissolve(actor=None, org=tree.xa_c1, effective_on=dt.date(2025, 7, 1))
    org_dissolve(actor=None, org=tree.xa_c2, effective_on=dt.date(2025, 7, 1))
    assert OrgVersion.objects.get(organization=tree.xa_c2).valid_to == dt.date(2025, 7, 1)


def test_staff_cannot_reorganize_outside_their_subtree(tree, users):
    with pytest.raises(ScopeDenied):
        org_rename(actor=users.an, org=tree.xb, name="X", effective_on=dt.date(2025, 7, 1))
    with pytest.raises(ScopeDenied):
        org_move(actor=users.an, org=tree.xa_c1, new_parent=tree.xb, effective_on=dt.date(2025, 7, 1))
    org_rename(actor=users.an, org=tree.xa_c1, name="Chi bộ Thôn Một", effective_on=dt.date(2025, 7, 1))


def test_a_viewer_cannot_write(tree, users):
    with pytest.raises(ScopeDenied):
        org_rename(actor=users.xem1, org=tree.xa_c1, name="X", effective_on=dt.date(2025, 7, 1))
