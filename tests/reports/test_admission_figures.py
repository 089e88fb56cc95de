"""The admissions kept ahead of time for the progress report (targets/admissions.py): a
province's or the country's report reads each unit's stored figures, and every write that
can change them makes the next report count again. Each test compares the report with
the same report counted afresh (`kept=False`); the suite's autouse check also compares
every stored figure still trusted with a fresh count of the events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.members.services import memberships_move_cell
from dangvien.orgs.models import OrgKind, Sector
from dangvien.orgs.reorganize import org_merge, org_move
from dangvien.orgs.scope import scope_for
from dangvien.orgs.services import org_create, org_update
from dangvien.people.services import PersonData, person_apply
from dangvien.reports.models import AdmissionFigures
from dangvien.targets.progress import progress_report
from dangvien.targets.services import target_set

from ..concurrency import write_left_open
from ..targets.test_targets import admit

pytestmark = pytest.mark.django_db
D = dt.date
ALL = scope_for(None)
DECEMBER = D(2026, 12, 1)
GROUPS = ["doanh nghiệp", "nữ", "dưới 30 tuổi", "dân tộc thiểu số", "tôn giáo"]


def figures(org, as_of=DECEMBER, period="2026", kept=True):
    report = progress_report(ALL, org=org, period=period, as_of=as_of, groups=GROUPS, kept=kept)
    return report.as_dict()["rows"]


def queries(org, as_of=DECEMBER, period="2026"):
    with CaptureQueriesContext(connection) as ctx:
        rows = figures(org, as_of, period)
    return len(ctx.captured_queries), rows


def same_as_counted(org, as_of=DECEMBER, period="2026"):
    kept = figures(org, as_of, period)
    assert kept == figures(org, as_of, period, kept=False)
    return {r["code"]: r["admitted"] for r in kept}


@pytest.fixture
def admitted(tree):
    target_set(actor=None, org=tree.province, period="2026", value=10)
    for key in GROUPS:
        target_set(actor=None, org=tree.province, period="2026", value=3, group=key)
    women = admit(tree.xa_c1, 2, D(2026, 2, 3), prefix="Chị", sex="female")
    young = admit(tree.xa_c2, 1, D(2026, 5, 19), prefix="Bạn", birth=D(2000, 1, 1))
    workers = admit(tree.xb_c1, 3, D(2026, 9, 2), prefix="Công nhân")
    return women, young, workers


def test_a_province_report_counts_and_stores_once_then_reads_what_it_stored(tree, admitted):
    first_queries, first = queries(tree.province)
    assert {r["code"]: r["admitted"] for r in first} == {
        "PROV": 6,
        "XA": 3,
        "XA-C1": 2,
        "XA-C2": 1,
        "XB": 3,
        "XB-C1": 3,
    }
    top = first[0]["groups"]
    assert [top[k]["admitted"] for k in GROUPS] == [3, 2, 1, 0, 0]
    # One row per unit (the two communes), per span of days.
    spans = sorted(AdmissionFigures.objects.values_list("start", "end"))
    assert spans == [(D(2026, 1, 1), DECEMBER)] * 2
    again_queries, again = queries(tree.province)
    assert again == first == figures(tree.province, kept=False)
    assert again_queries < first_queries
    # Another as-of date is another span: counted, not taken from December's.
    assert same_as_counted(tree.province, as_of=D(2026, 6, 30))["PROV"] == 3


def test_an_admission_after_the_figures_were_stored_is_counted_at_once(tree, admitted):
    assert same_as_counted(tree.province)["PROV"] == 6
    admit(tree.xa_c2, 1, D(2026, 11, 30), prefix="Mới")
    assert same_as_counted(tree.province)["XA-C2"] == 2
    assert same_as_counted(tree.xa)["XA"] == 4  # the unit's own report


def test_a_person_s_sex_birth_ethnicity_or_religion_corrected_is_recounted(tree, admitted):
    women, _young, _workers = admitted
    same_as_counted(tree.province)
    p = women[0].person
    person_apply(
        actor=None,
        existing=p,
        data=PersonData(p.full_name, D(1999, 1, 1), "male", ethnicity="Tày", religion="Phật giáo"),
    )
    rows = figures(tree.province)
    assert rows == figures(tree.province, kept=False)
    top = rows[0]["groups"]
    assert [top[k]["admitted"] for k in GROUPS] == [3, 1, 2, 1, 1]


def test_a_member_transferred_and_a_cell_moved_between_units_are_counted_once(tree, admitted):
    women, _young, _workers = admitted
    same_as_counted(tree.province)
    memberships_move_cell(
        actor=None,
        memberships=type(women[0]).objects.filter(pk=women[0].pk),
        to_cell=tree.xb_c1,
        on=D(2026, 10, 1),
        note="",
    )
    assert same_as_counted(tree.province)["XA-C1"] == 2  # counted where admitted
    # Thôn 2 moves from An Phú to Bình Minh: it is in both units' figures, counted once,
    # where it stands on the as-of date.
    org_move(actor=None, org=tree.xa_c2, new_parent=tree.xb, effective_on=D(2026, 11, 1))
    now = same_as_counted(tree.province)
    assert (now["PROV"], now["XA"], now["XB"]) == (6, 2, 4)
    october = same_as_counted(tree.province, as_of=D(2026, 10, 31))
    assert (october["XA"], october["XB"]) == (3, 3)
    assert same_as_counted(tree.xb)["XB"] == 4
    assert same_as_counted(tree.xa)["XA"] == 2


def test_a_merge_in_july_2025_reads_the_same_from_kept_figures(tree):
    target_set(actor=None, org=tree.province, period="2025", value=20)
    admit(tree.xa_c1, 2, D(2025, 3, 2))
    admit(tree.xa_c2, 3, D(2025, 5, 19))
    admit(tree.xb_c1, 4, D(2025, 6, 10))
    june, december = D(2025, 6, 30), D(2025, 12, 31)
    before = same_as_counted(tree.province, june, "2025")
    same_as_counted(tree.province, december, "2025")
    org_merge(actor=None, sources=[tree.xb], target=tree.xa, effective_on=D(2025, 7, 1))
    org_merge(actor=None, sources=[tree.xa_c2], target=tree.xa_c1, effective_on=D(2025, 7, 1))
    admit(tree.xa_c1, 1, D(2025, 9, 2))
    assert same_as_counted(tree.province, june, "2025") == before
    assert same_as_counted(tree.province, december, "2025") == {"PROV": 10, "XA": 10, "XA-C1": 6, "XB-C1": 4}
    assert same_as_counted(tree.xa, december, "2025")["XA"] == 10


def test_the_tree_of_the_day_is_kept_until_the_tree_changes(tree, admitted):
    from dangvien.orgs.services import org_rename

    first_queries, _first = queries(tree.province)
    again_queries, again = queries(tree.province)
    assert again_queries == first_queries - 7  # neither the tree (2) nor the admissions (5) read again
    # A rename is a change of the tree: the next report reads it, with the new name.
    org_rename(actor=None, org=tree.xa_c2, name="Chi bộ Thôn Hai", effective_on=D(2026, 11, 1))
    renamed_queries, renamed = queries(tree.province)
    assert renamed_queries > again_queries
    assert {r["code"]: r["name"] for r in renamed}["XA-C2"] == "Chi bộ Thôn Hai"
    assert {r["code"]: r["name"] for r in again}["XA-C2"] == "Chi bộ Thôn 2"
    assert renamed == figures(tree.province, kept=False)
    # As of a day before the rename, the old name, kept under the new token too.
    october = figures(tree.province, as_of=D(2026, 10, 31))
    assert {r["code"]: r["name"] for r in october}["XA-C2"] == "Chi bộ Thôn 2"
    # A new organization is a change of the tree as well.
    org_create(actor=None, code="XA-C3", name="Chi bộ Thôn 3", kind=OrgKind.CELL, parent=tree.xa)
    assert "XA-C3" in {r["code"] for r in figures(tree.province)}


def test_a_cell_that_left_with_its_commune_and_was_merged_back_is_counted_once(tree):
    """Bình Minh moves to another province in March; in August its cell is merged into
    Thôn 1 of An Phú. The cell's admissions are the province's before March, the other
    province's from March to July, and the province's again from August, through Thôn 1
    (the unit it was counted in under the province has left the province by then)."""
    other = org_create(actor=None, code="PROV2", name="Đảng bộ tỉnh Hai", kind=OrgKind.PROVINCE, parent=None)
    admit(tree.xa_c1, 2, D(2026, 2, 3))
    admit(tree.xb_c1, 1, D(2026, 1, 20), prefix="Tháng Giêng")
    org_move(actor=None, org=tree.xb, new_parent=other, effective_on=D(2026, 3, 1))
    tree.xb_c1.refresh_from_db()
    admit(tree.xb_c1, 2, D(2026, 5, 5), prefix="Tháng Năm")
    org_merge(actor=None, sources=[tree.xb_c1], target=tree.xa_c1, effective_on=D(2026, 8, 1))
    february = same_as_counted(tree.province, as_of=D(2026, 2, 28))
    assert (february["PROV"], february["XB"]) == (3, 1)
    july = same_as_counted(tree.province, as_of=D(2026, 7, 31))
    assert july["PROV"] == 2 and "XB" not in july
    assert same_as_counted(other, as_of=D(2026, 7, 31))["PROV2"] == 3
    now = same_as_counted(tree.province)
    assert (now["PROV"], now["XA-C1"]) == (5, 5)
    assert same_as_counted(other)["PROV2"] == 0


def test_a_sector_changed_after_the_figures_were_stored_counts_by_the_day_s_sector(tree, admitted):
    assert same_as_counted(tree.province)["PROV"] == 6
    org_move(actor=None, org=tree.xa_c1, new_parent=tree.xb, effective_on=D(2026, 6, 1))
    tree.xa_c1.refresh_from_db()
    org_update(actor=None, org=tree.xa_c1, sector=Sector.ENTERPRISE)
    admit(tree.xa_c1, 1, D(2026, 8, 3))
    rows = figures(tree.province)
    assert rows == figures(tree.province, kept=False)
    assert rows[0]["groups"]["doanh nghiệp"]["admitted"] == 4  # the 3 workers and August's


def test_the_whole_tree_reads_every_province_s_kept_figures(tree, admitted, users):
    other = org_create(actor=None, code="PROV2", name="Đảng bộ tỉnh Hai", kind=OrgKind.PROVINCE, parent=None)
    xc = org_create(actor=None, code="XC", name="Đảng bộ xã Cát", kind=OrgKind.UPPER_BASE, parent=other)
    cell = org_create(actor=None, code="XC-C1", name="Chi bộ Ấp 1", kind=OrgKind.CELL, parent=xc)
    admit(cell, 2, D(2026, 4, 1))
    first_queries, first = queries(None)
    assert first[0]["code"] is None and first[0]["admitted"] == 8
    assert AdmissionFigures.objects.count() == 3
    again_queries, again = queries(None)
    assert again == first == figures(None, kept=False)
    assert again_queries < first_queries
    # Only the unit written to is counted again.
    admit(cell, 1, D(2026, 4, 2))
    assert same_as_counted(None)[None] == 9
    assert AdmissionFigures.objects.count() == 3
    # A user's scope is applied to the rows, whatever is stored: the commune user sees
    # their commune only.
    report = progress_report(scope_for(users.an), org=tree.xa, period="2026", as_of=D(2026, 12, 1))
    assert [r.code for r in report.rows] == ["XA", "XA-C1", "XA-C2"] and report.rows[0].admitted == 3


def test_the_suites_check_finds_an_admission_changed_behind_the_services(tree, admitted):
    from dangvien.members.models import EventKind, MemberEvent
    from dangvien.reports.figures import figures_forget_all
    from dangvien.targets.admissions import kept_admissions_differences

    same_as_counted(tree.province)
    assert kept_admissions_differences() == []
    # A decision date moved past the services (no stamp): the stored figure is now wrong.
    MemberEvent.objects.filter(kind=EventKind.ADMITTED, cell=tree.xb_c1).update(on=D(2025, 9, 2))
    assert kept_admissions_differences() == [(tree.xb.path, D(2026, 1, 1), D(2026, 12, 1))]
    figures_forget_all()
    assert kept_admissions_differences() == []
    assert same_as_counted(tree.province)["XB"] == 0


def test_admission_figures_not_asked_for_in_a_month_are_pruned_by_the_tick(tree, admitted):
    from django.utils import timezone

    from dangvien.watch.services import tick

    figures(tree.province, as_of=D(2026, 6, 30))
    AdmissionFigures.objects.update(computed_at=timezone.now() - dt.timedelta(days=32))
    figures(tree.province)
    tick(send_mail=False)
    # June's are gone; the tick counted today's term and year, for the morning's first report.
    today = timezone.localdate()
    assert set(AdmissionFigures.objects.values_list("end", flat=True)) == {DECEMBER, today}
    with CaptureQueriesContext(connection) as ctx:
        progress_report(ALL, org=tree.province, period=str(today.year), as_of=today)
    assert not any("INSERT" in q["sql"] for q in ctx.captured_queries)  # read, not counted
    assert same_as_counted(tree.province, as_of=D(2026, 6, 30))["PROV"] == 3  # counted again


def test_a_read_only_database_still_gets_its_progress_counted(tree, admitted, caplog):
    """A replica (PostgreSQL: a read-only transaction) cannot store the figures: the
    report is counted all the same, and nothing is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("read-only transactions are a PostgreSQL feature")
    from django.db import transaction

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
        assert figures(tree.province)[0]["admitted"] == 6
    assert not AdmissionFigures.objects.exists()
    assert "not stored" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_admission_committed_while_a_report_counts_is_not_lost(tree):
    """PostgreSQL, two connections: an admission is recorded in a transaction left open; a
    progress report counts meanwhile (without it) and stores its figures under the stamp
    it read; the writer commits. The next report must count the admission."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    admit(tree.xa_c1, 1, D(2026, 2, 3))
    with write_left_open(lambda: admit(tree.xa_c2, 1, D(2026, 3, 4))):
        assert figures(tree.province)[0]["admitted"] == 1
        assert AdmissionFigures.objects.filter(unit=tree.xa.path).exists()  # stored, under the old stamp
    assert figures(tree.province)[0]["admitted"] == 2


def test_the_page_s_rows_carry_the_figures_of_the_whole_subtree(tree, admitted):
    full = {r["code"]: r for r in figures(tree.province)}
    report = progress_report(
        ALL, org=tree.province, period="2026", as_of=DECEMBER, groups=GROUPS, max_depth=1
    )
    page = report.as_dict()["rows"]
    assert [r["code"] for r in page] == ["PROV", "XA", "XB"]
    assert page == [full[r["code"]] for r in page]
