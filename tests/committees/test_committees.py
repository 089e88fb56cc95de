"""Issue 21: committee members answer for cells and introduce someone each year; the
survey of the pool, with units that have no source left listed apart."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.candidates.models import State
from dangvien.candidates.services import candidate_add, candidate_move
from dangvien.committees.duties import duties_report
from dangvien.committees.importing import import_assignments
from dangvien.committees.models import Assignment, Covered
from dangvien.committees.services import (
    assignment_create,
    assignment_end,
    headcount_record,
    no_source_end,
    no_source_mark,
)
from dangvien.committees.sourcing import sourcing_report
from dangvien.members.models import Office
from dangvien.members.officers import officer_appoint
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.reports.statistics import units_without_admission
from dangvien.watch.services import _duties, _no_admission

from ..conftest import person, refused, register

SEATED = dt.date(2025, 6, 1)


@pytest.fixture
def committee(tree):
    """Two members of xã An Phú's committee: Hùng answers for both cells, Lan for one."""
    hung = register(tree.xa_c1, "Trần Văn Hùng", card="100001")
    lan = register(tree.xa_c2, "Lê Thị Lan", card="100002", sex="female")
    for m in (hung, lan):
        officer_appoint(
            actor=None, organization=tree.xa, office=Office.COMMITTEE, valid_from=SEATED, membership=m
        )
    for cell in (tree.xa_c1, tree.xa_c2):
        assignment_create(actor=None, committee=tree.xa, membership=hung, cell=cell, valid_from=SEATED)
    assignment_create(actor=None, committee=tree.xa, membership=lan, cell=tree.xa_c2, valid_from=SEATED)
    return hung, lan


def _introduce(cell, introducer, name, on):
    return candidate_add(
        actor=None, person=person(name, dt.date(2000, 1, 2)), cell=cell, source="other", listed_on=on,
        introducer=introducer,
    )  # fmt: skip


def test_a_member_with_two_cells_who_introduced_one_has_met_and_one_with_none_has_not(tree, committee):
    hung, _lan = committee
    c = _introduce(tree.xa_c2, hung, "Phạm Văn Tới", dt.date(2026, 3, 1))
    candidate_move(c, to=State.ADMITTED, on=dt.date(2026, 11, 20), actor=None)
    duties = duties_report(scope_for(None), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1))
    rows = {r["member"]: r for r in duties.as_dict()["rows"]}
    assert rows["100001"] == {
        "member": "100001", "name": "Trần Văn Hùng", "cells": ["XA-C1", "XA-C2"],
        "introduced": 1, "admitted": 1, "met": True,
    }  # fmt: skip
    assert rows["100002"]["introduced"] == 0 and rows["100002"]["met"] is False
    top = duties.as_dict()
    assert (top["org"], top["year"], top["as_of"], top["members"], top["met"]) == (
        "XA",
        2026,
        "2026-12-01",
        2,
        1,
    )
    # Before the listing day nothing is counted; the admission counts in its own year only.
    early = duties_report(scope_for(None), org=tree.xa, year=2026, as_of=dt.date(2026, 2, 28))
    assert {r.card: r.introduced for r in early.rows} == {"100001": 0, "100002": 0}
    assert duties_report(scope_for(None), org=tree.xa, year=2025, as_of=None).met == 0  # type: ignore[arg-type]


def test_an_introduction_to_a_cell_they_do_not_answer_for_does_not_count(tree, committee):
    _hung, lan = committee
    _introduce(tree.xa_c1, lan, "Đỗ Thị Mai", dt.date(2026, 4, 1))  # Lan answers for C2 only
    duties = duties_report(scope_for(None), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1))
    assert {r.card: r.met for r in duties.rows} == {"100001": False, "100002": False}


def test_a_cell_answered_for_twice_in_the_year_is_listed_once_and_its_introduction_counted_once(
    tree, committee
):
    """Hùng's assignment to C1 ended in March and began again in May: two assignments in
    the year to the same cell make one cell in the list and do not count his candidate twice."""
    hung, _lan = committee
    first = Assignment.objects.get(membership=hung, cell=tree.xa_c1)
    assignment_end(actor=None, assignment=first, on=dt.date(2026, 3, 1))
    assignment_create(
        actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c1, valid_from=dt.date(2026, 5, 1)
    )
    _introduce(tree.xa_c1, hung, "Phạm Văn Tới", dt.date(2026, 6, 1))
    duties = duties_report(scope_for(None), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1))
    row = next(r for r in duties.rows if r.card == "100001")
    assert (row.cells, row.introduced) == (["XA-C1", "XA-C2"], 1)
    # The year before, the first assignment alone: still one row, both cells.
    before = duties_report(scope_for(None), org=tree.xa, year=2025, as_of=None)  # type: ignore[arg-type]
    assert {r.card: r.cells for r in before.rows} == {"100001": ["XA-C1", "XA-C2"], "100002": ["XA-C2"]}


def test_the_watch_names_a_member_with_none_in_the_last_quarter_not_before(tree, committee):
    hung, _lan = committee
    _introduce(tree.xa_c1, hung, "Phạm Văn Tới", dt.date(2026, 3, 1))
    assert list(_duties(dt.date(2026, 9, 30))) == []
    items = list(_duties(dt.date(2026, 10, 1)))
    assert [i.text for i in items] == [
        "Lê Thị Lan: chưa giới thiệu quần chúng ưu tú nào trong năm 2026 (phụ trách XA-C2)"
    ]
    assert items[0].cell_path == tree.xa.path and items[0].url == "/to-chuc/XA/phan-cong/"


def test_an_assignment_needs_a_seat_on_the_committee_that_day_and_a_cell_below_it(tree, committee):
    hung, _lan = committee
    other = register(tree.xa_c1, "Vũ Văn Nam", card="100003")
    officer_appoint(
        actor=None,
        organization=tree.xa,
        office=Office.COMMITTEE,
        valid_from=dt.date(2026, 1, 10),
        membership=other,
    )
    with refused("committees.not_on_committee"):  # the day before the seat
        assignment_create(
            actor=None, committee=tree.xa, membership=other, cell=tree.xa_c1, valid_from=dt.date(2026, 1, 9)
        )
    assignment_create(
        actor=None, committee=tree.xa, membership=other, cell=tree.xa_c1, valid_from=dt.date(2026, 1, 10)
    )
    with refused("committees.cell_not_under"):
        assignment_create(actor=None, committee=tree.xa, membership=hung, cell=tree.xb_c1, valid_from=SEATED)
    with refused("committees.not_a_cell"):
        assignment_create(
            actor=None, committee=tree.province, membership=hung, cell=tree.xa, valid_from=SEATED
        )
    with refused("committees.already_assigned"):
        assignment_create(
            actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c1, valid_from=dt.date(2026, 2, 1)
        )
    with refused("committees.ends_before_start"):
        assignment_create(
            actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c1,
            valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 2, 1),
        )  # fmt: skip
    a = Assignment.objects.get(membership=hung, cell=tree.xa_c1)
    assignment_end(actor=None, assignment=a, on=dt.date(2026, 5, 1))
    with refused("committees.already_ended"):
        assignment_end(actor=None, assignment=a, on=dt.date(2026, 6, 1))
    # After the end, a new assignment from that day is allowed (history kept).
    assignment_create(
        actor=None, committee=tree.xa, membership=hung, cell=tree.xa_c1, valid_from=dt.date(2026, 5, 1)
    )
    assert Assignment.objects.filter(membership=hung, cell=tree.xa_c1).count() == 2


def test_only_the_committees_staff_assign_and_mark(tree, users, committee):
    hung, _lan = committee
    for user in (users.binh, users.bithu1, users.xem1):
        with pytest.raises(ScopeDenied):
            assignment_create(
                actor=user,
                committee=tree.xa,
                membership=hung,
                cell=tree.xa_c1,
                valid_from=dt.date(2026, 2, 1),
            )
        with pytest.raises(ScopeDenied):
            no_source_mark(actor=user, organization=tree.xa_c1, since=dt.date(2026, 1, 1), reason="x")
    with refused("committees.already_assigned"):  # staff of An Phú reach the check
        assignment_create(
            actor=users.an,
            committee=tree.xa,
            membership=hung,
            cell=tree.xa_c1,
            valid_from=dt.date(2026, 2, 1),
        )
    # Another commune's staff see none of An Phú's assignments.
    assert duties_report(scope_for(users.binh), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1)).rows == []
    assert (
        len(duties_report(scope_for(users.an), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1)).rows) == 2
    )


def test_an_agency_whose_employees_are_all_members_is_no_source_and_never_pushed(tree, users):
    for i, name in enumerate(("Nguyễn Văn Một", "Nguyễn Văn Hai", "Nguyễn Văn Ba")):
        register(tree.xa_c1, name, card=f"20000{i}", birth=dt.date(1980 + i, 1, 1))
    headcount_record(
        actor=users.an, organization=tree.xa_c1, on=dt.date(2026, 1, 5), kind=Covered.EMPLOYEES, covered=3
    )
    as_of = dt.date(2026, 6, 30)
    idle, total = units_without_admission(scope_for(None), tree.xa, as_of)
    assert tree.xa_c1 in [u.org for u in idle] and total == 2  # XA-C1 and XA-C2 admitted nobody
    assert "XA-C1" in [i.url.split("/")[2] for i in _no_admission(as_of)]
    no_source_mark(
        actor=users.an,
        organization=tree.xa_c1,
        since=dt.date(2026, 6, 30),
        reason="Mọi cán bộ đã là đảng viên",
    )
    with refused("committees.no_source_open"):  # a double click
        no_source_mark(
            actor=users.an,
            organization=tree.xa_c1,
            since=dt.date(2026, 6, 30),
            reason="Mọi cán bộ đã là đảng viên",
        )
    # The day before the mark it is still pushed; on the day it is listed apart.
    assert "XA-C1" in [i.url.split("/")[2] for i in _no_admission(dt.date(2026, 6, 29))]
    assert "XA-C1" not in [i.url.split("/")[2] for i in _no_admission(as_of)]
    idle, total = units_without_admission(scope_for(None), tree.xa, as_of)
    assert total == 1 and [u.no_source for u in idle if u.org == tree.xa_c1] == ["Mọi cán bộ đã là đảng viên"]
    rows = {
        r["code"]: r for r in sourcing_report(scope_for(None), org=tree.xa, as_of=as_of).as_dict()["rows"]
    }
    assert rows["XA-C1"] == {
        "code": "XA-C1", "name": tree.xa_c1.name, "covered": 3, "members": 3, "share": 100.0,
        "pool": 0, "ready": 0, "no_source": True,
    }  # fmt: skip
    assert (
        rows["XA-C2"]["covered"] is None and rows["XA-C2"]["share"] is None and not rows["XA-C2"]["no_source"]
    )
    # A source again: pushed again from that day.
    no_source_end(actor=users.an, organization=tree.xa_c1, on=dt.date(2026, 9, 1))
    assert "XA-C1" in [i.url.split("/")[2] for i in _no_admission(dt.date(2026, 9, 1))]


def test_the_survey_counts_members_and_the_pool_as_of_its_day(tree, users):
    register(
        tree.xa_c2, "Hoàng Văn Một", card="300001", admitted=dt.date(2020, 1, 1), official=dt.date(2021, 1, 1)
    )
    c = candidate_add(
        actor=None,
        person=person("Tạ Văn Hai", dt.date(2001, 1, 1)),
        cell=tree.xa_c2,
        source="other",
        listed_on=dt.date(2026, 2, 1),
    )
    candidate_move(c, to=State.READY, on=dt.date(2026, 5, 1), actor=None)
    headcount_record(
        actor=users.an, organization=tree.xa_c2, on=dt.date(2025, 1, 1), kind=Covered.RESIDENTS, covered=800
    )
    headcount_record(
        actor=users.an, organization=tree.xa_c2, on=dt.date(2026, 1, 1), kind=Covered.RESIDENTS, covered=900
    )

    def row(day):
        return {r.code: r for r in sourcing_report(scope_for(None), org=tree.xa, as_of=day).rows}["XA-C2"]

    assert (row(dt.date(2026, 1, 31)).covered, row(dt.date(2026, 1, 31)).pool) == (900, 0)
    assert (row(dt.date(2025, 6, 1)).covered, row(dt.date(2025, 6, 1)).members) == (800, 1)
    assert (row(dt.date(2026, 2, 1)).pool, row(dt.date(2026, 2, 1)).ready) == (1, 0)
    assert (row(dt.date(2026, 5, 1)).pool, row(dt.date(2026, 5, 1)).ready) == (1, 1)
    assert str(row(dt.date(2026, 5, 1)).share) == "0.11"
    with refused("core.date_in_future"):
        headcount_record(
            actor=users.an, organization=tree.xa_c2, on=dt.date(2099, 1, 1), kind=Covered.RESIDENTS, covered=1
        )
    with refused("committees.covered_invalid"):
        headcount_record(
            actor=users.an, organization=tree.xa_c2, on=dt.date(2026, 1, 1), kind="cats", covered=1
        )


def test_the_reports_cost_the_same_queries_for_one_cell_or_many(tree, committee):
    hung, _lan = committee
    _introduce(tree.xa_c1, hung, "Phạm Văn Tới", dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as q:
        duties_report(scope_for(None), org=tree.province, year=2026, as_of=dt.date(2026, 12, 1))
    assert len(q) == 3
    with CaptureQueriesContext(connection) as q:
        sourcing_report(scope_for(None), org=tree.province, as_of=dt.date(2026, 12, 1))
    assert len(q) == 6


def test_import_assignments_from_a_real_file_all_or_nothing(tmp_path, tree, users, committee):
    _hung, _lan = committee
    good = tmp_path / "phan-cong.csv"
    good.write_text(
        "Mã tổ chức,Số thẻ đảng viên,Từ ngày,Đến ngày\n"
        "XA-C1,100002,01/02/2026,\n"
        "XA-C2,100002,01/06/2025,01/03/2026\n",  # ends Lan's current assignment
        encoding="utf-8",
    )
    result = import_assignments(path=good, actor=users.an)
    assert (result.errors, result.created, result.updated) == ([], 1, 1)
    again = import_assignments(path=good, actor=users.an)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "Mã tổ chức,Số thẻ đảng viên,Từ ngày,Đến ngày\n"
        "XA-C1,100001,01/03/2026,\n"  # Hùng already answers for C1
        "XB-C1,100001,31/02/2026,\n"  # no such day
        "XA-C2,999999,01/03/2026,\n",
        encoding="utf-8",
    )
    before = Assignment.objects.count()
    result = import_assignments(path=bad, actor=users.an)
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "Mã tổ chức"),
        (3, "Từ ngày"),  # and XB-C1 is not An Phú's
        (3, "Mã tổ chức"),
        (4, "Số thẻ đảng viên"),
    }
    assert "đã được phân công phụ trách" in next(e.message for e in result.errors if e.row == 2)
    assert Assignment.objects.count() == before
    # Another commune's staff cannot assign An Phú's committee members.
    result = import_assignments(path=good, actor=users.binh)
    assert result.errors and result.created == 0


def test_the_commands_print_duties_and_sourcing(tmp_path, tree, committee):
    hung, _lan = committee
    _introduce(tree.xa_c1, hung, "Phạm Văn Tới", dt.date(2026, 3, 1))
    out = StringIO()
    call_command(
        "report",
        "duties",
        "--org",
        "XA",
        "--year",
        "2026",
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["members"], data["met"]) == (2, 1)
    assert {r["member"]: r["met"] for r in data["rows"]} == {"100001": True, "100002": False}
    out = StringIO()
    call_command("report", "duties", "--org", "XA", "--year", "2026", "--as-of", "2026-12-01", stdout=out)
    assert "Trần Văn Hùng" in out.getvalue() and "Đạt" in out.getvalue()
    xlsx = tmp_path / "d.xlsx"
    call_command("report", "duties", "--org", "XA", "--year", "2026", "--format", "xlsx", "-o", str(xlsx))
    assert xlsx.stat().st_size > 1000
    out = StringIO()
    call_command("report", "sourcing", "--org", "XA", "--as-of", "2026-12-01", "--format", "json", stdout=out)
    assert [r["code"] for r in json.loads(out.getvalue())["rows"]] == ["XA-C1", "XA-C2"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--year"):
        call_command("report", "duties", "--org", "XA")


def test_import_headcounts_from_a_real_file(tmp_path, tree, users):
    from dangvien.committees.importing import import_headcounts
    from dangvien.committees.models import Headcount

    path = tmp_path / "khao-sat.csv"
    path.write_text(
        "Mã tổ chức,Ngày khảo sát,Đối tượng,Số người,Ghi chú\n"
        "XA-C1,15/01/2026,Nhân khẩu,1.250,\n"
        "XA-C2,15/01/2026,cán bộ,40,Cơ quan UBND\n",
        encoding="utf-8",
    )
    result = import_headcounts(path=path, actor=users.an)
    assert (result.errors, result.created) == ([], 2)
    assert sorted(Headcount.objects.values_list("organization__code", "kind", "covered")) == [
        ("XA-C1", "residents", 1250),
        ("XA-C2", "employees", 40),
    ]
    assert import_headcounts(path=path, actor=users.an).unchanged == 2
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "Mã tổ chức,Ngày khảo sát,Đối tượng,Số người\nXA-C1,31/02/2026,nhân khẩu,5\nXA-C1,01/02/2026,mèo,5\n"
        "XA-C1,01/02/2026,hộ,-3\nXB-C1,01/02/2026,hộ,3\n",
        encoding="utf-8",
    )
    result = import_headcounts(path=bad, actor=users.an)
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "Ngày khảo sát"), (3, "Đối tượng"), (4, "Số người"), (5, "Mã tổ chức"),
    }  # fmt: skip
    assert Headcount.objects.count() == 2
    # The same unit, day and kind twice in one file: the second row corrects the first
    # (one added, one corrected), and the later figure is kept.
    twice = tmp_path / "hai-lan.csv"
    twice.write_text(
        "Mã tổ chức,Ngày khảo sát,Đối tượng,Số người\nXA-C1,01/03/2026,hộ,300\nXA-C1,01/03/2026,hộ,320\n",
        encoding="utf-8",
    )
    result = import_headcounts(path=twice, actor=users.an)
    assert (result.errors, result.created, result.updated) == ([], 1, 1)
    assert Headcount.objects.get(organization__code="XA-C1", kind="households").covered == 320


def test_a_unit_with_no_source_is_not_in_the_at_risk_list(tree, users):
    from django.utils import timezone

    from dangvien.targets.dashboard import progress_view
    from dangvien.targets.services import target_set

    today = timezone.localdate()
    target_set(actor=None, org=tree.xa_c1, period=str(today.year), value=5)

    def at_risk() -> list[str]:
        view = progress_view(scope_for(users.an), tree.xa, str(today.year), as_of=today, today=today)
        assert view is not None
        return [r.code for r, _f in view.at_risk]

    assert at_risk() == ["XA-C1"]  # five to admit, nobody in the pipeline
    no_source_mark(actor=users.an, organization=tree.xa_c1, since=today, reason="Mọi cán bộ đã là đảng viên")
    assert at_risk() == []


def test_the_duty_of_nobody_and_for_an_empty_scope_is_empty(tree, users):
    from dangvien.committees.duties import member_duties

    assert member_duties([], year=2026) == {}
    assert (
        duties_report(scope_for(users.nobody), org=tree.xa, year=2026, as_of=dt.date(2026, 12, 1)).rows == []
    )
