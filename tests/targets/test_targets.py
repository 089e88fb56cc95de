"""Targets and progress: revisions kept, groups, period boundaries, transfers, merges,
scope, import and the report's JSON contract."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangvien.accounts.audit import audit_verify
from dangvien.core.errors import ServiceError
from dangvien.members.services import memberships_move_cell
from dangvien.orgs.reorganize import org_merge
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.orgs.services import org_create
from dangvien.targets.groups import is_young
from dangvien.targets.models import Target, TargetRevision
from dangvien.targets.periods import default_bounds, parse_period, period_bounds
from dangvien.targets.progress import admissions_by_month, percent, progress_report
from dangvien.targets.services import period_set_dates, target_set

from ..conftest import register
from ..files import write_csv

pytestmark = pytest.mark.django_db
D = dt.date
ALL = scope_for(None)


_serial = itertools.count()


def _letters(n: int) -> str:
    """0 → "A", 25 → "Z", 26 → "Ab": names hold letters only."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if not n:
            return out.capitalize()


BIRTH = D(1990, 5, 17)


def admit(cell, n, on, *, prefix="Người", sex="male", birth=BIRTH):
    """n members admitted in `cell` on the decision date `on` (still probationary)."""
    return [
        register(
            cell, f"{prefix} {_letters(next(_serial))}", admitted=on, official=None, sex=sex, birth=birth
        )
        for _ in range(n)
    ]


def row(report, code):
    return next(r for r in report.rows if r.code == code)


# --- percent and periods ---------------------------------------------------------------


def test_percent_is_rounded_half_up_at_the_third_decimal():
    assert percent(1, 32) == Decimal("3.13")  # 3.125: half-up, not to even
    assert percent(5, 32) == Decimal("15.63")  # 15.625
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(7, 5) == Decimal("140.00")  # a unit may exceed its target
    assert percent(3, None) is None
    assert percent(3, 0) is None


def test_periods_are_a_term_or_a_year_and_anything_else_is_refused():
    assert parse_period("2025-2030") == ("2025-2030", "term")
    assert parse_period(" 2020 – 2025 ") == ("2020-2025", "term")
    assert parse_period("2026") == ("2026", "year")
    for bad in ("2030-2025", "2025/2030", "năm nay", "", "2025-2050"):
        with pytest.raises(ServiceError):
            parse_period(bad)
    term = default_bounds("2025-2030")
    assert (term.start, term.end) == (D(2025, 1, 1), D(2029, 12, 31))
    year = default_bounds("2026")
    assert (year.start, year.end) == (D(2026, 1, 1), D(2026, 12, 31))


def test_an_administrator_sets_the_real_dates_of_a_term(tree, users):
    with pytest.raises(ScopeDenied):
        period_set_dates(actor=users.an, period="2020-2025", starts_on=D(2020, 7, 15), ends_on=D(2025, 7, 10))
    period_set_dates(actor=users.admin, period="2020-2025", starts_on=D(2020, 7, 15), ends_on=D(2025, 7, 10))
    b = period_bounds("2020-2025")
    assert (b.start, b.end) == (D(2020, 7, 15), D(2025, 7, 10))
    with pytest.raises(ServiceError):
        period_set_dates(
            actor=users.admin, period="2020-2025", starts_on=D(2025, 1, 1), ends_on=D(2024, 1, 1)
        )


def test_under_30_is_judged_on_the_decision_date():
    assert is_young(D(1996, 3, 15), D(2026, 3, 14))  # the day before the 30th birthday
    assert not is_young(D(1996, 3, 15), D(2026, 3, 15))  # the birthday itself
    assert is_young(D(1996, 2, 29), D(2026, 2, 28))


# --- targets and their revisions -------------------------------------------------------


def test_a_target_raised_mid_period_keeps_both_values_and_reports_use_the_one_in_effect(tree, users):
    target_set(actor=users.an, org=tree.xa, period="2026", value=146, decision_ref="NQ 05")
    target_set(
        actor=users.an,
        org=tree.xa,
        period="2026",
        value=166,
        effective_on=D(2026, 7, 1),
        reason="Nghị quyết điều chỉnh giữa năm",
        decision_ref="NQ 12",
    )
    admit(tree.xa_c1, 3, D(2026, 3, 2))
    t = Target.objects.get(organization=tree.xa, period="2026", group="")
    assert [(r.value, r.effective_on) for r in t.revisions.all()] == [
        (146, D(2026, 1, 1)),
        (166, D(2026, 7, 1)),
    ]
    before = row(progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 6, 30)), "XA")
    after = row(progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 7, 1)), "XA")
    assert (before.target, before.admitted, before.percent) == (146, 3, Decimal("2.05"))
    assert (after.target, after.admitted, after.percent) == (166, 3, Decimal("1.81"))
    assert audit_verify().ok


def test_setting_the_same_value_again_changes_nothing(tree, users):
    assert target_set(actor=users.an, org=tree.xa, period="2026", value=20) is not None
    assert target_set(actor=users.an, org=tree.xa, period="2026", value=20) is None
    assert TargetRevision.objects.count() == 1


def test_bad_targets_are_refused_and_write_nothing(tree, users):
    cases = [
        dict(value=-1),
        dict(value=10, group="người giàu"),
        dict(value=10, period="2026-2020"),
        dict(value=10, effective_on=D(2027, 1, 1)),  # after the year ends
    ]
    for extra in cases:
        args = dict(actor=users.an, org=tree.xa, period="2026") | extra
        with pytest.raises(ServiceError):
            target_set(**args)
    assert not TargetRevision.objects.exists()


def test_only_committee_staff_above_or_on_the_unit_set_its_targets(tree, users):
    target_set(actor=users.an, org=tree.xa_c1, period="2026", value=4)  # staff of the commune: a cell below
    target_set(actor=users.admin, org=tree.province, period="2026", value=40)
    for actor, org in [
        (users.binh, tree.xa),  # staff of another ward
        (users.an, tree.province),  # the committee above is not theirs
        (users.bithu1, tree.xa_c1),  # a cell's secretary does not set its own target
        (users.xem1, tree.xa_c1),  # a viewer writes nothing
        (users.nobody, tree.xa_c1),
    ]:
        with pytest.raises(ScopeDenied):
            target_set(actor=actor, org=org, period="2026", value=5)
    assert TargetRevision.objects.count() == 2


# --- counting admissions ---------------------------------------------------------------


def test_admissions_on_the_first_and_last_day_count_and_the_days_outside_do_not(tree):
    target_set(actor=None, org=tree.xa, period="2026", value=10)
    admit(tree.xa_c1, 1, D(2025, 12, 31), prefix="Ngày trước")
    admit(tree.xa_c1, 1, D(2026, 1, 1), prefix="Ngày đầu")
    admit(tree.xa_c1, 1, D(2026, 11, 30), prefix="Ngày cuối")  # the last day of a period ending at as-of
    report = progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 11, 30))
    assert row(report, "XA").admitted == 2
    assert row(report, "XA").percent == Decimal("20.00")
    assert progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 11, 29)).rows[0].admitted == 1
    assert progress_report(ALL, org=tree.xa, period="2025", as_of=D(2026, 11, 30)).rows[0].admitted == 1
    # A term: from 1 January of its first year to 31 December before its last year.
    admit(tree.xa_c2, 1, D(2020, 1, 1), prefix="Đầu nhiệm kỳ")
    admit(tree.xa_c2, 1, D(2024, 12, 31), prefix="Cuối nhiệm kỳ")
    admit(tree.xa_c2, 1, D(2019, 12, 31), prefix="Trước nhiệm kỳ")
    term = progress_report(ALL, org=tree.xa, period="2020-2025", as_of=D(2026, 11, 30))
    assert row(term, "XA").admitted == 2
    assert row(term, "XA-C2").admitted == 2


def test_the_month_line_adds_up_each_months_admissions_of_the_subtree_to_the_as_of_day(tree):
    admit(tree.xa_c1, 1, D(2026, 1, 31), prefix="Cuối tháng một")
    admit(tree.xa_c1, 2, D(2026, 2, 1), prefix="Đầu tháng hai")
    admit(tree.xa_c2, 1, D(2026, 11, 30), prefix="Ngày báo cáo")
    admit(tree.xa_c2, 1, D(2026, 12, 1), prefix="Sau ngày báo cáo")
    admit(tree.xb_c1, 3, D(2026, 3, 15), prefix="Xã khác")  # another subtree
    admit(tree.xa_c1, 1, D(2025, 12, 31), prefix="Năm trước")
    report = progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 11, 30), max_depth=1)
    line = admissions_by_month(report)
    assert line[0] == (D(2026, 1, 31), 1)
    assert line[1] == (D(2026, 2, 28), 3)
    assert [n for _, n in line[2:10]] == [3] * 8
    assert line[-1] == (D(2026, 11, 30), 4)  # the last point is the as-of day, not the month's end
    assert len(line) == 11 and line[-1][1] == report.rows[0].admitted
    whole = admissions_by_month(progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 11, 30)))
    assert [n for _, n in whole[1:3]] == [3, 6]


def test_rows_cover_the_subtree_with_the_requested_unit_first_and_roll_up(tree):
    target_set(actor=None, org=tree.province, period="2026", value=10)
    target_set(actor=None, org=tree.xa, period="2026", value=6)
    target_set(actor=None, org=tree.xb, period="2026", value=3)
    admit(tree.xa_c1, 2, D(2026, 2, 3))
    admit(tree.xa_c2, 1, D(2026, 5, 19))
    admit(tree.xb_c1, 4, D(2026, 9, 2))
    report = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 12, 1))
    assert [r.code for r in report.rows] == ["PROV", "XA", "XA-C1", "XA-C2", "XB", "XB-C1"]
    assert [r.admitted for r in report.rows] == [7, 3, 2, 1, 4, 4]
    top = report.rows[0]
    assert (top.target, top.percent, top.children_target, top.shortfall) == (10, Decimal("70.00"), 9, 1)
    assert row(report, "XB").percent == Decimal("133.33")  # children may exceed
    assert row(report, "XA").parent == "PROV" and top.parent is None


def test_a_group_counts_the_admissions_whose_person_belongs_to_it_at_admission(tree):
    target_set(actor=None, org=tree.province, period="2026", value=10)
    target_set(actor=None, org=tree.province, period="2026", value=4, group="Doanh nghiệp")
    target_set(actor=None, org=tree.province, period="2026", value=3, group="nu")
    target_set(actor=None, org=tree.province, period="2026", value=2, group="dưới 30 tuổi")
    admit(tree.xb_c1, 2, D(2026, 4, 1), prefix="Công nhân")  # an enterprise cell
    admit(tree.xa_c1, 1, D(2026, 4, 1), prefix="Chị", sex="female")
    admit(tree.xa_c1, 1, D(2026, 4, 1), prefix="Bạn trẻ", birth=D(1996, 4, 2))  # 29 on the decision date
    admit(
        tree.xa_c1, 1, D(2026, 4, 1), prefix="Vừa tròn ba mươi", birth=D(1996, 4, 1)
    )  # 30 that day: not under 30
    report = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 12, 1))
    top = report.rows[0]
    assert top.admitted == 5
    assert set(top.groups) == {"doanh nghiệp", "nữ", "dưới 30 tuổi"}
    assert (top.groups["doanh nghiệp"].target, top.groups["doanh nghiệp"].admitted) == (4, 2)
    assert top.groups["doanh nghiệp"].percent == Decimal("50.00")
    assert (top.groups["nữ"].admitted, top.groups["dưới 30 tuổi"].admitted) == (1, 1)
    assert row(report, "XB").groups["doanh nghiệp"].admitted == 2
    assert row(report, "XB").groups["doanh nghiệp"].target is None


def test_a_member_transferred_to_another_subtree_is_counted_where_admitted(tree):
    target_set(actor=None, org=tree.xa, period="2026", value=2)
    (m,) = admit(tree.xa_c1, 1, D(2026, 3, 2))
    memberships_move_cell(
        actor=None, memberships=type(m).objects.filter(pk=m.pk), to_cell=tree.xb_c1, on=D(2026, 8, 1), note=""
    )
    report = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 12, 1))
    assert (row(report, "XA").admitted, row(report, "XA-C1").admitted) == (1, 1)
    assert (row(report, "XB").admitted, row(report, "XB-C1").admitted) == (0, 0)
    assert report.rows[0].admitted == 1


def test_a_merge_in_july_2025_keeps_the_totals_before_it_and_adds_up_after_it(tree):
    target_set(actor=None, org=tree.province, period="2025", value=20)
    admit(tree.xa_c1, 2, D(2025, 3, 2))
    admit(tree.xa_c2, 3, D(2025, 5, 19))
    admit(tree.xb_c1, 4, D(2025, 6, 10))
    june = D(2025, 6, 30)
    before = {
        r.code: r.admitted for r in progress_report(ALL, org=tree.province, period="2025", as_of=june).rows
    }
    # 1 July 2025: the two communes become one; their cells Thôn 2 and Thôn 1 become one cell.
    org_merge(
        actor=None, sources=[tree.xb], target=tree.xa, effective_on=D(2025, 7, 1), decision_ref="1234-QĐ/TU"
    )
    org_merge(actor=None, sources=[tree.xa_c2], target=tree.xa_c1, effective_on=D(2025, 7, 1))
    admit(tree.xa_c1, 1, D(2025, 9, 2))
    again = {
        r.code: r.admitted for r in progress_report(ALL, org=tree.province, period="2025", as_of=june).rows
    }
    assert again == before == {"PROV": 9, "XA": 5, "XA-C1": 2, "XA-C2": 3, "XB": 4, "XB-C1": 4}
    after = progress_report(ALL, org=tree.province, period="2025", as_of=D(2025, 12, 31))
    assert {r.code: r.admitted for r in after.rows} == {"PROV": 10, "XA": 10, "XA-C1": 6, "XB-C1": 4}
    assert row(after, "XB-C1").parent == "XA"
    xb_then = progress_report(ALL, org=tree.xb, period="2025", as_of=june)
    assert xb_then.rows[0].admitted == 4


def test_a_cell_moved_to_another_committee_takes_its_admissions_from_the_move_on(tree):
    from dangvien.orgs.reorganize import org_move

    admit(tree.xa_c2, 2, D(2026, 2, 3))
    org_move(actor=None, org=tree.xa_c2, new_parent=tree.xb, effective_on=D(2026, 6, 1))
    may = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 5, 31))
    june = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 6, 1))
    assert (row(may, "XA").admitted, row(may, "XB").admitted) == (2, 0)
    assert (row(june, "XA").admitted, row(june, "XB").admitted) == (0, 2)


def test_a_user_sees_only_the_units_of_their_scope(tree, users):
    admit(tree.xa_c1, 1, D(2026, 2, 3))
    admit(tree.xb_c1, 1, D(2026, 2, 3))
    report = progress_report(scope_for(users.an), org=tree.xa, period="2026", as_of=D(2026, 12, 1))
    assert [r.code for r in report.rows] == ["XA", "XA-C1", "XA-C2"]
    assert progress_report(scope_for(users.binh), org=tree.xa, period="2026", as_of=D(2026, 12, 1)).rows == []


def test_the_report_takes_the_same_number_of_queries_whatever_the_tree(tree, django_assert_num_queries):
    target_set(actor=None, org=tree.xa, period="2026", value=5, group="nữ")
    admit(tree.xa_c1, 1, D(2026, 2, 3))

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 12, 1))
        return len(ctx.captured_queries)

    # Six queries when the tree and the admissions are kept: the period, the root's path
    # on the day, the stamps (the units' and the tree's token), the targets, the merges,
    # the stored admissions. The first report after a change of the tree also reads it
    # (the versions, the codes: two more) and counts the units' admissions and stores them
    # (their cells, the count, the insert in a savepoint pair: five more).
    small, small_again = count_queries(), count_queries()
    for i in range(12):
        commune = org_create(
            actor=None, code=f"XN{i}", name=f"Xã {i}", kind="upper_base", parent=tree.province
        )
        for j in range(3):
            cell = org_create(actor=None, code=f"XN{i}-C{j}", name=f"Chi bộ {j}", kind="cell", parent=commune)
            admit(cell, 1, D(2026, 3, 1 + j))
    large, large_again = count_queries(), count_queries()
    assert small == large == 13
    assert small_again == large_again == 6


# --- import, export and the command line -----------------------------------------------


def test_import_keeps_revisions_and_a_second_import_changes_nothing(tree, tmp_path, capsys):
    path = write_csv(
        tmp_path / "chi-tieu.csv",
        ["Mã tổ chức", "Kỳ", "Chỉ tiêu", "Nhóm", "Ngày hiệu lực", "Ghi chú"],
        [
            ["XA", "2025-2030", "146", "", "", "Nghị quyết Đại hội"],
            ["XA", "2025-2030", "166", "", "01/07/2026", "Nghị quyết điều chỉnh"],
            ["XA", "2025-2030", "30", "Doanh nghiệp", "", ""],
            ["XA-C1", "2026", "5", "", "", ""],
        ],
    )
    call_command("import", "targets", str(path))
    assert "thêm 4" in capsys.readouterr().out
    call_command("import", "targets", str(path))
    assert "không đổi 4" in capsys.readouterr().out
    assert TargetRevision.objects.count() == 4
    xa = Target.objects.get(organization=tree.xa, period="2025-2030", group="")
    assert [r.value for r in xa.revisions.all()] == [146, 166]
    out = tmp_path / "ra.csv"
    call_command("export", "targets", "--org", "XA", "-o", str(out))
    exported = out.read_text(encoding="utf-8-sig").splitlines()
    assert exported[0] == "Mã tổ chức,Kỳ,Chỉ tiêu,Nhóm,Ngày hiệu lực,Ghi chú"
    assert "XA,2025-2030,166,,01/07/2026,Nghị quyết điều chỉnh" in exported
    call_command("import", "targets", str(out))
    assert "không đổi 4" in capsys.readouterr().out


def test_a_bad_targets_file_writes_nothing_and_names_every_error(tree, tmp_path):
    path = write_csv(
        tmp_path / "sai.csv",
        ["Mã tổ chức", "Kỳ", "Chỉ tiêu", "Nhóm", "Ngày hiệu lực"],
        [
            ["XA", "2026", "12", "", ""],
            ["KHONG-CO", "2026", "3", "", ""],
            ["XA", "2026/2030", "3", "", ""],
            ["XA", "2026", "-4", "", ""],
            ["XA", "2026", "5", "người giàu", ""],
            ["XA", "2026", "5", "nữ", "31/02/2026"],
        ],
    )
    from dangvien.targets.importing import import_targets

    result = import_targets(path=path, actor=None)
    messages = [str(e) for e in result.errors]
    assert [e.row for e in result.errors] == [3, 4, 5, 6, 7]
    assert 'Dòng 3, cột "Mã tổ chức": không có tổ chức mã “KHONG-CO”' in messages
    assert messages[2].startswith('Dòng 5, cột "Chỉ tiêu"')
    assert messages[3].startswith('Dòng 6, cột "Nhóm": Không có nhóm “người giàu”')
    assert messages[4].startswith('Dòng 7, cột "Ngày hiệu lực"')
    assert not TargetRevision.objects.exists()


def test_report_progress_prints_the_json_of_the_contract(tree, capsys):
    target_set(actor=None, org=tree.xa, period="2026", value=3)
    target_set(actor=None, org=tree.xa, period="2026", value=2, group="nữ")
    admit(tree.xa_c1, 1, D(2026, 2, 3), sex="female")
    admit(tree.xa_c2, 1, D(2026, 5, 19))
    call_command(
        "report", "progress", "--org", "XA", "--period", "2026", "--as-of", "2026-06-30", "--format", "json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["org"] == "XA" and data["period"] == "2026" and data["as_of"] == "2026-06-30"
    assert data["rows"][0] == {
        "code": "XA",
        "name": "Đảng bộ xã An Phú",
        "parent": "PROV",
        "target": 3,
        "admitted": 2,
        "percent": 66.67,
        "groups": {"nữ": {"target": 2, "admitted": 1, "percent": 50.0}},
    }
    assert data["rows"][1]["groups"]["nữ"] == {"target": None, "admitted": 1, "percent": None}
    call_command("report", "progress", "--org", "XA", "--period", "2026", "--as-of", "2026-06-30")
    table = capsys.readouterr().out
    assert "Tiến độ kết nạp đảng viên năm 2026 — Đảng bộ xã An Phú, đến ngày 30/06/2026" in table
    assert "66,67%" in table


def test_report_progress_as_excel_has_numbers_as_numbers(tree, tmp_path):
    from openpyxl import load_workbook

    target_set(actor=None, org=tree.xa, period="2026", value=3)
    admit(tree.xa_c1, 2, D(2026, 2, 3))
    out = tmp_path / "tien-do.xlsx"
    call_command("report", "progress", "--org", "XA", "--period", "2026", "--format", "xlsx", "-o", str(out))
    ws = load_workbook(out).active
    today = timezone.localdate()
    assert "Đảng bộ xã An Phú" in ws["A1"].value and f"{today:%d/%m/%Y}" in ws["A1"].value
    assert [c.value for c in ws[3]][:6] == [
        "Mã tổ chức",
        "Tên tổ chức",
        "Trực thuộc",
        "Chỉ tiêu",
        "Đã kết nạp",
        "Tỷ lệ đạt (%)",
    ]
    assert [c.value for c in ws[4]][3:5] == [3, 2]
    assert ws["F4"].value == pytest.approx(0.6667) and ws["F4"].number_format == "0.00%"


def test_report_progress_refuses_a_bad_period_or_none(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as e:
        call_command("report", "progress", "--org", "XA", "--period", "20-25")
    assert e.value.returncode == 1
    with pytest.raises(CommandError) as e:
        call_command("report", "progress", "--org", "XA")
    assert e.value.returncode == 2


def test_the_api_answers_the_progress_report_within_the_tokens_scope(tree, users, client):
    from dangvien.accounts.services import token_create

    target_set(actor=None, org=tree.xa, period="2026", value=4)
    admit(tree.xa_c1, 1, D(2026, 2, 3))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=None, user=users.an, name='bao-cao')}"}
    data = client.get(
        "/api/reports/progress", {"org": "XA", "period": "2026", "as_of": "2026-06-30"}, **auth
    ).json()
    assert data["rows"][0] | {"groups": {}} == {
        "code": "XA",
        "name": "Đảng bộ xã An Phú",
        "parent": "PROV",
        "target": 4,
        "admitted": 1,
        "percent": 25.0,
        "groups": {},
    }
    assert client.get("/api/reports/progress", {"org": "XB", "period": "2026"}, **auth).status_code == 404
    response = client.get("/api/reports/progress", {"org": "XA", "period": "2026/27"}, **auth)
    assert response.status_code == 422 and "không hợp lệ" in response.json()["detail"]
    assert client.get("/api/reports/progress", {"org": "XA", "period": "2026"}).status_code == 401


def test_under_30_in_the_report_agrees_with_the_rule_around_a_29_february_birthday(tree):
    target_set(actor=None, org=tree.xa, period="2026", value=2, group="dưới 30 tuổi")
    leap = D(1996, 2, 29)
    admit(tree.xa_c1, 1, D(2026, 2, 28), birth=leap)  # the day before the 30th birthday (1/3)
    admit(tree.xa_c2, 1, D(2026, 3, 1), birth=leap)  # the 30th birthday itself
    report = progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 12, 1))
    assert [is_young(leap, D(2026, 2, 28)), is_young(leap, D(2026, 3, 1))] == [True, False]
    assert row(report, "XA-C1").groups["dưới 30 tuổi"].admitted == 1
    assert row(report, "XA-C2").groups["dưới 30 tuổi"].admitted == 0


def test_a_cell_with_two_sectors_in_its_history_counts_each_admission_by_the_sector_of_its_day(tree):
    from dangvien.orgs.models import Sector
    from dangvien.orgs.reorganize import org_move
    from dangvien.orgs.services import org_update

    target_set(actor=None, org=tree.province, period="2026", value=5, group="doanh nghiệp")
    admit(tree.xa_c1, 1, D(2026, 3, 2))  # a residential cell then
    org_move(actor=None, org=tree.xa_c1, new_parent=tree.xb, effective_on=D(2026, 6, 1))
    tree.xa_c1.refresh_from_db()
    org_update(actor=None, org=tree.xa_c1, sector=Sector.ENTERPRISE)  # amends the version from 1/6
    admit(tree.xa_c1, 1, D(2026, 8, 3))
    report = progress_report(ALL, org=tree.province, period="2026", as_of=D(2026, 12, 1))
    assert report.rows[0].admitted == 2
    assert report.rows[0].groups["doanh nghiệp"].admitted == 1


def test_ethnic_minority_and_religious_groups_read_the_recorded_words(tree):
    from dangvien.members.services import member_register
    from dangvien.people.services import PersonData

    for group in ("dân tộc thiểu số", "tôn giáo"):
        target_set(actor=None, org=tree.xa, period="2026", value=2, group=group)
    for name, eth, rel in [
        ("Lò Văn Nam", "Thái", "Không"),
        ("Nguyễn Văn Bình", "Kinh", "Công giáo"),
        ("Trần Văn Cường", " kinh ", "không có"),
        ("Hà Thị Mai", "Tày", "Phật giáo"),
    ]:
        member_register(
            actor=None,
            person=PersonData(name, D(1990, 1, 1), "male", ethnicity=eth, religion=rel),
            cell=tree.xa_c1,
            admission_date=D(2026, 4, 1),
        )
    top = progress_report(ALL, org=tree.xa, period="2026", as_of=D(2026, 12, 1)).rows[0]
    assert top.admitted == 4
    assert top.groups["dân tộc thiểu số"].admitted == 2 and top.groups["tôn giáo"].admitted == 2


def test_the_whole_tree_is_one_row_above_every_province(tree, users, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from dangvien.orgs.models import OrgKind
    from dangvien.orgs.services import org_create

    other = org_create(actor=None, code="PROV2", name="Đảng bộ tỉnh Hai", kind=OrgKind.PROVINCE, parent=None)
    xc = org_create(actor=None, code="XC", name="Đảng bộ xã Cát", kind=OrgKind.UPPER_BASE, parent=other)
    xc_c1 = org_create(actor=None, code="XC-C1", name="Chi bộ Ấp 1", kind=OrgKind.CELL, parent=xc)
    target_set(actor=None, org=tree.province, period="2026", value=10)
    target_set(actor=None, org=other, period="2026", value=6)
    admit(tree.xa_c1, 2, D(2026, 2, 3))
    admit(xc_c1, 3, D(2026, 5, 19), sex="female")
    admit(xc_c1, 1, D(2025, 12, 31))  # the year before: not counted
    target_set(actor=None, org=tree.province, period="2026", value=10, group="nữ")
    whole = progress_report(ALL, org=None, period="2026", as_of=D(2026, 12, 1))
    top = whole.rows[0]
    assert (top.code, top.name, top.target, top.admitted, top.children_target) == (
        "",
        "Toàn hệ thống",
        None,
        5,
        16,
    )
    assert top.groups["nữ"].admitted == 3
    assert [r.code for r in whole.children_of(top)] == ["PROV", "PROV2"]
    assert row(whole, "PROV2").admitted == 3 and row(whole, "PROV").admitted == 2
    assert whole.as_dict()["org"] is None and whole.as_dict()["rows"][0]["code"] is None
    assert [
        r.code for r in progress_report(ALL, org=None, period="2026", as_of=D(2026, 12, 1), max_depth=1).rows
    ] == [
        "",
        "PROV",
        "PROV2",
    ]
    # Only an administrator (or the command line) reads the whole tree.
    assert progress_report(scope_for(users.an), org=None, period="2026", as_of=D(2026, 12, 1)).rows == []
    assert (
        len(progress_report(scope_for(users.admin), org=None, period="2026", as_of=D(2026, 12, 1)).rows) == 10
    )
    call_command(
        "report", "progress", "--all", "--period", "2026", "--as-of", "2026-12-01", "--format", "json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["org"] is None and data["rows"][0]["admitted"] == 5 and len(data["rows"]) == 10
    call_command("report", "progress", "--all", "--period", "2026", "--as-of", "2026-12-01")
    table = capsys.readouterr().out
    assert "Toàn hệ thống" in table and "Đảng bộ tỉnh Hai" in table
    with pytest.raises(CommandError) as exc:
        call_command("report", "overdue", "--all")
    assert exc.value.returncode == 2
