"""Statistics at any date and quality ratings: flows by reason, the funnel, classes,
units without admissions, rating bands and their aggregates, scope on both sides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangvien.core.errors import ServiceError
from dangvien.members.models import EventKind, Membership
from dangvien.members.services import member_record_event, memberships_move_cell
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.ratings.models import Level, MemberRating, OrgRating
from dangvien.ratings.selectors import rating_summary
from dangvien.ratings.services import Entry, check_level, rating_record_org, ratings_record_members
from dangvien.reports.selectors import member_counts
from dangvien.reports.statistics import classes_held, funnel, member_flows, units_without_admission

from ..conftest import register

pytestmark = pytest.mark.django_db
D = dt.date
ALL = scope_for(None)


def move(m: Membership, cell, on):
    memberships_move_cell(
        actor=None, memberships=Membership.objects.filter(pk=m.pk), to_cell=cell, on=on, note=""
    )


def test_flows_count_joins_and_departures_by_reason_and_only_across_the_edge(tree):
    a = register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 2, 3), official=None)
    b = register(tree.xa_c1, "Trần Văn Bình", admitted=D(2010, 2, 3), official=D(2011, 2, 3))
    c = register(tree.xb_c1, "Lê Văn Cường", admitted=D(2010, 2, 3), official=D(2011, 2, 3))
    d = register(tree.xa_c2, "Phạm Văn Dũng", admitted=D(2010, 2, 3), official=D(2011, 2, 3))
    move(a, tree.xa_c2, D(2026, 5, 1))  # inside the commune: neither in nor out
    move(c, tree.xa_c1, D(2026, 6, 1))  # from the ward: in
    move(b, tree.xb_c1, D(2026, 7, 1))  # to the ward: out
    member_record_event(actor=None, membership=d, kind=EventKind.DIED, on=D(2026, 8, 1))
    flows = member_flows(ALL, tree.xa, D(2026, 1, 1), D(2026, 12, 1))
    assert flows.joined == {"Kết nạp": 1, "Chuyển đến": 1}
    assert flows.left["Chuyển đi (trong hệ thống)"] == 1 and flows.left["Từ trần"] == 1
    assert flows.left_total == 2
    ward = member_flows(ALL, tree.xb, D(2026, 1, 1), D(2026, 12, 1))
    assert ward.joined["Chuyển đến"] == 1 and ward.left["Chuyển đi (trong hệ thống)"] == 1
    before = member_flows(ALL, tree.xa, D(2026, 1, 1), D(2026, 5, 31))
    assert before.joined_total == 1 and before.left_total == 0
    assert member_flows(scope_for(None), tree.xa, D(2026, 1, 1), D(2026, 12, 1)).joined == flows.joined


def test_member_counts_also_give_ethnicity_and_education(tree):
    from dangvien.members.services import member_register
    from dangvien.people.services import PersonData

    member_register(
        actor=None,
        person=PersonData("Lò Văn Nam", D(1985, 1, 1), "male", ethnicity="Thái", education="12/12"),
        cell=tree.xa_c1,
        admission_date=D(2010, 1, 1),
        official_date=D(2011, 1, 1),
    )
    register(tree.xa_c1, "Nguyễn Văn An")
    counts = member_counts(ALL, tree.xa, timezone.localdate())
    assert counts.by_ethnicity == {"Chưa ghi": 1, "Thái": 1}
    assert counts.by_education == {"12/12": 1, "Chưa ghi": 1}


def test_the_funnel_counts_each_stage_in_the_period_with_rates_and_median_days(tree):
    from ..cases_helpers import candidate, open_case

    for i, name in enumerate(["Nguyễn Thị Hằng", "Lê Thị Mai", "Trần Thị Lan", "Vũ Thị Hoa"]):
        c = candidate(
            tree.xa_c1, name=name, listed=D(2025, 9, 1), certificate=D(2025, 10, 1) if i < 2 else None
        )
        if i == 0:
            open_case(c, on=D(2025, 11, 3))
    f = funnel(ALL, tree.xa, D(2025, 1, 1), D(2025, 12, 31))
    counts = {s.key: s.count for s in f.stages}
    assert counts == {"listed": 4, "certificate": 2, "opened": 1, "admitted": 0, "official": 0}
    by_key = {s.key: s for s in f.stages}
    assert by_key["certificate"].rate == pytest.approx(0.5) and by_key["certificate"].median_days == 30
    assert by_key["opened"].median_days == 33  # 1/10 → 3/11
    assert funnel(ALL, tree.xb, D(2025, 1, 1), D(2025, 12, 31)).stages[0].count == 0


def test_classes_held_count_classes_attendees_and_passes(tree):
    from dangvien.candidates.models import ClassKind
    from dangvien.candidates.services import class_create

    class_create(
        actor=None,
        kind=ClassKind.AWARENESS,
        name="Lớp nhận thức về Đảng khóa 1",
        organizer=tree.xa,
        starts_on=D(2026, 3, 2),
        ends_on=D(2026, 3, 6),
    )
    lines = {line.kind: line for line in classes_held(ALL, tree.xa, D(2026, 1, 1), D(2026, 12, 31))}
    assert lines[ClassKind.AWARENESS].classes == 1 and lines[ClassKind.NEW_MEMBER].classes == 0
    assert classes_held(ALL, tree.xb, D(2026, 1, 1), D(2026, 12, 31))[0].classes == 0


def test_a_unit_is_idle_when_its_last_admission_is_n_years_old_or_more(tree):
    as_of = D(2026, 12, 1)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2024, 12, 1), official=D(2025, 12, 1))  # exactly 2 years
    register(tree.xa_c2, "Trần Văn Bình", admitted=D(2024, 12, 2), official=D(2025, 12, 2))  # a day less
    idle, total = units_without_admission(ALL, tree.province, as_of, years=2)
    assert total == 2 and [u.org.code for u in idle] == ["XB-C1", "XA-C1"]  # never, then the oldest
    assert idle[1].last_admission == D(2024, 12, 1)
    idle, total = units_without_admission(ALL, tree.province, D(2026, 11, 30), years=2)
    assert [u.org.code for u in idle] == ["XB-C1"]  # the day before: still within two years
    assert units_without_admission(ALL, tree.province, as_of, years=3)[1] == 1
    assert units_without_admission(scope_for(None), tree.xa, as_of, years=2)[1] == 1


# --- ratings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level", "ok"),
    [
        (90, Level.EXCELLENT, True),
        (90, Level.GOOD, True),  # ≥ 90 may still be "good": excellent needs further conditions
        (89, Level.EXCELLENT, False),
        (89, Level.GOOD, True),
        (70, Level.GOOD, True),
        (69, Level.GOOD, False),
        (69, Level.COMPLETE, True),
        (50, Level.COMPLETE, True),
        (49, Level.COMPLETE, False),
        (49, Level.INCOMPLETE, True),
        (101, Level.EXCELLENT, False),
        (None, Level.EXCELLENT, True),
    ],
)
def test_a_rating_level_must_agree_with_its_score(tree, score, level, ok):
    if ok:
        check_level(level, score, year=2025, org=tree.xa_c1)
    else:
        with pytest.raises(ServiceError):
            check_level(level, score, year=2025, org=tree.xa_c1)


def test_a_cell_rates_its_members_and_the_committee_above_rates_the_cell(tree, users):
    a = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    b = register(tree.xa_c1, "Trần Văn Bình", card="2")
    entries = {a.pk: Entry(Level.EXCELLENT, 92), b.pk: Entry(Level.GOOD)}
    assert ratings_record_members(actor=users.bithu1, cell=tree.xa_c1, year=2025, entries=entries) == 2
    assert ratings_record_members(actor=users.bithu1, cell=tree.xa_c1, year=2025, entries=entries) == 0
    # Written as one batch: one audit entry per member, by the rater, and a change rewrites the row.
    from dangvien.accounts.audit import audit_verify
    from dangvien.accounts.models import AuditEntry
    from dangvien.ratings.models import MemberRating

    rated = AuditEntry.objects.filter(action="ratings.member")
    assert sorted(rated.values_list("object_id", flat=True)) == sorted([str(a.pk), str(b.pk)])
    assert set(rated.values_list("actor_name", flat=True)) == {"bithu1"}
    changed = {a.pk: Entry(Level.GOOD, 80)}
    assert ratings_record_members(actor=users.bithu1, cell=tree.xa_c1, year=2025, entries=changed) == 1
    assert MemberRating.objects.get(membership=a, year=2025).score == 80 and rated.count() == 3
    assert ratings_record_members(actor=users.bithu1, cell=tree.xa_c1, year=2025, entries=entries) == 1
    assert audit_verify().ok
    rating_record_org(actor=users.an, org=tree.xa_c1, year=2025, entry=Entry(Level.GOOD, 85))
    for actor in (users.xem1, users.binh, users.nobody):
        with pytest.raises(ScopeDenied):
            ratings_record_members(actor=actor, cell=tree.xa_c1, year=2025, entries=entries)
    for actor in (users.bithu1, users.binh, users.xem1):  # a cell does not rate itself
        with pytest.raises(ScopeDenied):
            rating_record_org(actor=actor, org=tree.xa_c1, year=2025, entry=Entry(Level.EXCELLENT))
    summary = rating_summary(ALL, tree.xa, 2025, [tree.xa_c1, tree.xa_c2])
    assert summary.members.counts[Level.EXCELLENT] == 1 and summary.members.good_or_better == 2
    assert summary.orgs.counts[Level.GOOD] == 1
    assert summary.by_child[0][1].total == 2 and summary.by_child[1][1].total == 0


def test_the_rating_shares_of_each_child_gather_the_members_of_its_cells(tree, users):
    a1 = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    a2 = register(tree.xa_c2, "Lê Thị Cúc", card="2")
    b1 = register(tree.xb_c1, "Trần Văn Bình", card="3")
    b2 = register(tree.xb_c1, "Phạm Thị Dung", card="4")
    ratings_record_members(actor=users.an, cell=tree.xa_c1, year=2025, entries={a1.pk: Entry(Level.GOOD)})
    ratings_record_members(
        actor=users.an, cell=tree.xa_c2, year=2025, entries={a2.pk: Entry(Level.EXCELLENT)}
    )
    ratings_record_members(
        actor=users.binh,
        cell=tree.xb_c1,
        year=2025,
        entries={b1.pk: Entry(Level.COMPLETE), b2.pk: Entry(Level.INCOMPLETE)},
    )
    summary = rating_summary(ALL, tree.province, 2025, [tree.xa, tree.xb])
    assert summary.members.total == 4
    (xa, xa_shares), (xb, xb_shares) = summary.by_child
    assert (xa, xa_shares.total, xa_shares.good_or_better) == (tree.xa, 2, 2)
    assert (xb, xb_shares.total, xb_shares.good_or_better) == (tree.xb, 2, 0)
    assert xb_shares.counts[Level.INCOMPLETE] == 1 and xb_shares.counts[Level.COMPLETE] == 1
    # Only the subtree asked for, and only the year asked for.
    assert rating_summary(ALL, tree.xb, 2025, [tree.xb_c1]).members.total == 2
    assert rating_summary(ALL, tree.province, 2024, [tree.xa, tree.xb]).members.total == 0


def test_a_bad_rating_entry_writes_nothing_and_names_the_member(tree, users):
    a = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    late = register(tree.xa_c1, "Trần Văn Bình", card="2", admitted=D(2026, 3, 2), official=None)
    with pytest.raises(ServiceError) as e:
        ratings_record_members(
            actor=users.bithu1,
            cell=tree.xa_c1,
            year=2025,
            entries={a.pk: Entry(Level.EXCELLENT, 60), late.pk: Entry(Level.GOOD)},
        )
    assert "Nguyễn Văn An: 60 điểm ứng với mức “Hoàn thành nhiệm vụ”" in e.value.message
    assert "Trần Văn Bình: vào Đảng sau năm 2025" in e.value.message
    assert not MemberRating.objects.exists()
    with pytest.raises(ServiceError):
        ratings_record_members(
            actor=users.bithu1, cell=tree.xa_c1, year=timezone.localdate().year + 1, entries={}
        )


def test_ratings_import_from_excel_then_again_changes_nothing(tree, users, tmp_path):
    from dangvien.ratings.importing import import_ratings

    from ..files import write_xlsx

    register(tree.xa_c1, "Nguyễn Văn An", card="101")
    register(tree.xa_c2, "Trần Thị Bình", card="102", sex="female", birth=D(1988, 2, 3))
    path = write_xlsx(
        tmp_path / "xep-loai.xlsx",
        ["Năm", "Mức xếp loại", "Điểm", "Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Mã tổ chức"],
        [
            [2025, "Hoàn thành xuất sắc nhiệm vụ", 93, "101", "", None, ""],
            [2025, "hoan thanh tot", "", "", "Trần Thị Bình", "03/02/1988", ""],
            [2025, "Tốt", 80, "", "", None, "XA-C1"],
        ],
    )
    result = import_ratings(path=path, actor=users.an)
    assert result.ok and result.created == 3, result.errors
    assert import_ratings(path=path, actor=users.an).unchanged == 3
    assert MemberRating.objects.count() == 2


def test_a_bad_ratings_file_writes_nothing(tree, users, tmp_path):
    from dangvien.ratings.importing import import_ratings

    from ..files import write_csv

    register(tree.xa_c1, "Nguyễn Văn An", card="101")
    register(tree.xb_c1, "Lê Văn Cường", card="301")
    path = write_csv(
        tmp_path / "sai.csv",
        ["Năm", "Mức xếp loại", "Điểm", "Số thẻ đảng viên", "Mã tổ chức"],
        [
            ["2025", "tốt", "", "101", ""],
            ["năm ngoái", "tốt", "", "101", ""],
            ["2025", "giỏi", "", "101", ""],
            ["2025", "tốt", "95", "101", ""],
            ["2025", "tốt", "", "999", ""],
            ["2025", "tốt", "", "301", ""],  # another ward's member: not in the staff's scope
            ["2025", "tốt", "", "", "KHONG-CO"],
        ],
    )
    result = import_ratings(path=path, actor=users.an)
    assert sorted({e.row for e in result.errors}) == [3, 4, 5, 6, 7, 8]  # every bad row named
    assert "không phải một năm" in str(result.errors[0]) and "không phải mức xếp loại" in str(
        result.errors[1]
    )
    assert not MemberRating.objects.exists() and not OrgRating.objects.exists()


def test_age_bands_computed_by_the_database_agree_with_full_years_on_the_day(tree):
    from dangvien.people.ages import age_band_of

    as_of = D(2026, 6, 15)
    births = {
        "Nguyễn Văn An": D(1995, 6, 16),  # 30 until tomorrow
        "Trần Văn Bình": D(1995, 6, 15),  # 31 today
        "Lê Văn Cường": D(1995, 6, 14),  # 31 since yesterday
        "Phạm Văn Dũng": D(1996, 2, 29),  # 30
        "Hoàng Văn Em": D(1955, 6, 15),  # 71 today: over 70
        "Vũ Văn Phúc": D(1955, 6, 16),  # 70 until tomorrow
    }
    for name, birth in births.items():
        register(tree.xa_c1, name, birth=birth, admitted=D(2020, 1, 2), official=D(2021, 1, 2))
    counts = member_counts(ALL, tree.xa, as_of)
    expected: dict[str, int] = {}
    for birth in births.values():
        expected[age_band_of(birth, as_of)] = expected.get(age_band_of(birth, as_of), 0) + 1
    assert {k: v for k, v in counts.by_age_band.items() if v} == expected
    assert counts.by_age_band["Đến 30 tuổi"] == 2 and counts.by_age_band["31–40 tuổi"] == 2
    assert counts.by_age_band["61–70 tuổi"] == 1 and counts.by_age_band["Trên 70 tuổi"] == 1
