"""Issue 19, item 4: the registry's history can be imported, so that a vote's proposed
denominator is right for any meeting date. The cell of 67 members of whom 20 are exempt
since 01/03/2026: before that day the registry counts 67 official members, from it 47
(and 20 exempt); at a meeting in May the vote is judged on 47 (31 yes fails, 32 passes)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.cases.admission.selectors import cell_voters
from dangvien.members.events_import import HEADERS as EVENT_HEADERS
from dangvien.members.events_import import import_events
from dangvien.members.importing import HEADERS, import_members
from dangvien.members.models import EventKind, Membership, Status

from ..cases_helpers import candidate, fresh, officials, open_case, prepare, vote
from ..files import member_row, write_csv

pytestmark = pytest.mark.django_db
D = dt.date
START = D(2026, 3, 1)


@pytest.fixture
def cell_of_67(tree, tmp_path):
    """64 members imported from a file, a mentor and two introducers: 67 official."""
    given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long"]
    rows = [member_row(f"Nguyễn Văn {given[i % 8]} {given[i // 8]}", card=f"7{i:03d}") for i in range(64)]
    result = import_members(path=write_csv(tmp_path / "m.csv", HEADERS, rows), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    case = prepare(
        open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="Giới thiệu")
    )
    return fresh(case)


def test_twenty_exemptions_imported_with_their_day_move_the_denominator_from_that_day(
    cell_of_67, tree, tmp_path
):
    rows = [[f"7{i:03d}", "", "Miễn sinh hoạt", "01/03/2026", "", "tuổi cao"] for i in range(20)]
    result = import_events(path=write_csv(tmp_path / "e.csv", EVENT_HEADERS, rows), actor=None)
    assert result.ok and result.created == 20, [str(e) for e in result.errors]
    assert cell_voters(tree.xa_c1, START - dt.timedelta(days=1)) == (67, 0)  # the day before
    assert cell_voters(tree.xa_c1, START) == (47, 20)  # the day of
    assert cell_voters(tree.xa_c1, D(2026, 5, 15)) == (47, 20)  # after
    fails = vote(cell_of_67, held_on=D(2026, 5, 15), yes=31, no=16)
    assert not fails.passed and fails.denominator == 47
    passes = vote(cell_of_67, held_on=D(2026, 5, 20), yes=32, no=15)
    assert passes.passed and passes.denominator == 47


def test_a_meeting_before_the_exemptions_counts_all_67(cell_of_67, tree, tmp_path):
    rows = [[f"7{i:03d}", "", "Miễn sinh hoạt", "01/03/2026", "", ""] for i in range(20)]
    assert import_events(path=write_csv(tmp_path / "e.csv", EVENT_HEADERS, rows), actor=None).ok
    held = vote(cell_of_67, held_on=D(2026, 2, 20), yes=45, no=22)
    assert held.denominator == 67 and held.passed  # 45 of 67 is two thirds and more


def test_the_members_file_carries_the_day_an_exemption_began(tree, tmp_path):
    rows = [member_row("Trần Văn Miễn", card="81", status="miễn sinh hoạt", status_since="01/03/2026")]
    headers = HEADERS
    rows[0] = rows[0] + [""] * (len(headers) - len(rows[0]))
    rows[0][headers.index("Ngày miễn sinh hoạt")] = "01/03/2026"
    assert import_members(path=write_csv(tmp_path / "m.csv", headers, rows), actor=None).ok
    m = Membership.objects.get(card_number="81")
    assert m.status == Status.EXEMPT and m.status_since == START
    assert cell_voters(tree.xa_c1, D(2026, 2, 28)) == (1, 0) and cell_voters(tree.xa_c1, START) == (0, 1)
    # Exported and imported again: nothing changes.
    from dangvien.members.exporting import member_rows
    from dangvien.orgs.scope import scope_for

    (row,) = list(member_rows(scope_for(None), None))
    assert row[headers.index("Ngày miễn sinh hoạt")] == START


def test_an_event_file_with_bad_rows_changes_nothing_and_names_each_error(cell_of_67, tmp_path):
    rows = [
        ["7000", "", "Miễn sinh hoạt", "01/03/2026", "", ""],
        ["9999", "", "Miễn sinh hoạt", "01/03/2026", "", ""],  # no such card
        ["7001", "", "Đi du lịch", "01/03/2026", "", ""],  # not an event
        ["7002", "", "Miễn sinh hoạt", "31/02/2026", "", ""],  # no such day
        ["7003", "", "Xóa tên", "01/03/2026", "", ""],  # needs the decision's number
    ]
    result = import_events(path=write_csv(tmp_path / "e.csv", EVENT_HEADERS, rows), actor=None)
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("Dòng 3") for m in messages) and any("Đi du lịch" in m for m in messages)
    assert any("31/02/2026" in m for m in messages)
    assert not Membership.objects.filter(events__kind=EventKind.EXEMPTED).exists()


def test_events_of_one_member_apply_in_date_order(cell_of_67, tree, tmp_path):
    rows = [
        ["7005", "", "Trở lại sinh hoạt", "01/09/2026", "", ""],
        ["7005", "", "Tạm miễn sinh hoạt", "01/03/2026", "", ""],
    ]
    result = import_events(path=write_csv(tmp_path / "e.csv", EVENT_HEADERS, rows), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    m = Membership.objects.get(card_number="7005")
    assert m.status == Status.OFFICIAL
    assert cell_voters(tree.xa_c1, D(2026, 6, 1)) == (66, 1)
