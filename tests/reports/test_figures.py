"""Member figures kept ahead of time (reports/figures.py): a province's counts are the sum
of its units' stored figures, and every write that can change a count makes the next
report count that unit again. Each test asks a report first (so figures are stored), then
writes, then asks again; the suite's autouse check also recounts every stored figure
still taken as valid after every test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dangvien.members.importing import HEADERS, import_members
from dangvien.members.models import EventKind, Membership
from dangvien.members.services import member_record_event, member_update, memberships_move_cell
from dangvien.orgs.models import Organization, Sector
from dangvien.orgs.reorganize import org_move
from dangvien.orgs.scope import scope_for
from dangvien.orgs.services import org_update
from dangvien.people.services import PersonData
from dangvien.reports import selectors
from dangvien.reports.figures import figures_forget_all, figures_prune
from dangvien.reports.models import AdmissionFigures, FigureStamp, MemberFigures
from dangvien.reports.selectors import member_counts

from ..concurrency import write_left_open
from ..conftest import register
from ..files import member_row, write_csv

D = dt.date
ALL = scope_for(None)


def fresh(org: Organization, day: dt.date) -> dict[str, object]:
    """The same report made by a scan of the rows, nothing stored or read from storage."""
    from dangvien.orgs.selectors import org_path_on

    path = org_path_on(org, day)
    assert path is not None
    m = selectors._scan([path], day, by_unit=False).get("", selectors._empty())
    return selectors._labelled(org.code, day, m).as_dict()


def report(org: Organization, day: dt.date) -> dict[str, object]:
    got = member_counts(ALL, org, day).as_dict()
    assert got == fresh(org, day)
    return got


@pytest.mark.django_db
def test_a_province_report_is_its_units_figures_stored_once_then_read(tree, django_assert_num_queries):
    register(tree.xa_c1, "Nguyễn Văn An")
    register(tree.xb_c1, "Trần Thị Bình", sex="female")
    today = timezone.localdate()
    first = report(tree.province, today)
    assert first["total"] == 2 and first["by_sex"] == {"Nam": 1, "Nữ": 1}
    assert set(MemberFigures.objects.values_list("unit", flat=True)) == {tree.xa.path, tree.xb.path}
    with django_assert_num_queries(2):  # the root's path, then the units with their figures
        again = member_counts(ALL, tree.province, today).as_dict()
    assert again == first
    # A commune is one unit: its own stored row.
    assert report(tree.xa, today)["total"] == 1
    # Below a unit (a cell): a scan, nothing stored for it.
    before = MemberFigures.objects.count()
    assert report(tree.xa_c1, today)["total"] == 1
    assert MemberFigures.objects.count() == before


@pytest.mark.django_db
def test_each_write_makes_the_next_report_count_again(tree, tmp_path):
    today = timezone.localdate()
    an = register(tree.xa_c1, "Nguyễn Văn An", birth=D(1990, 5, 17))
    binh = register(tree.xb_c1, "Trần Văn Bình")
    assert report(tree.province, today)["total"] == 2

    # A new member, through the service.
    register(tree.xa_c2, "Lê Văn Cường")
    assert report(tree.province, today)["total"] == 3

    # A status change (temporarily exempt), then a death.
    member_record_event(actor=None, membership=binh, kind=EventKind.TEMP_EXEMPTED, on=D(2026, 3, 1))
    assert report(tree.province, today)["by_status"]["Tạm miễn sinh hoạt"] == 1
    member_record_event(
        actor=None, membership=Membership.objects.get(pk=binh.pk), kind=EventKind.DIED, on=D(2026, 4, 1)
    )
    assert report(tree.province, today)["total"] == 2

    # A member moving from the commune to the ward: both units counted again.
    assert report(tree.xb, today)["total"] == 0
    memberships_move_cell(
        actor=None,
        memberships=Membership.objects.filter(pk=an.pk),
        to_cell=tree.xb_c1,
        on=D(2026, 5, 1),
        note="",
    )
    assert report(tree.xb, today)["total"] == 1 and report(tree.xa, today)["total"] == 1

    # The person's facts: sex and birth date corrected.
    an = Membership.objects.get(pk=an.pk)
    member_update(
        actor=None,
        membership=an,
        expected_version=an.version,
        person=PersonData("Nguyễn Thị An", D(1999, 5, 17), "female"),
        card_number=an.card_number,
        ceremony_date=an.ceremony_date,
    )
    got = report(tree.province, today)
    assert got["by_sex"]["Nữ"] == 1 and got["by_age_band"]["Đến 30 tuổi"] == 1

    # A cell's sector corrected.
    assert report(tree.xb, today)["by_sector"] == {"Doanh nghiệp": 1}
    org_update(actor=None, org=Organization.objects.get(pk=tree.xb_c1.pk), sector=Sector.SCHOOL)
    assert report(tree.xb, today)["by_sector"] == {"Trường học": 1}

    # A cell moved from the ward to the commune: the ward's figures lose it.
    org_move(
        actor=None,
        org=Organization.objects.get(pk=tree.xb_c1.pk),
        new_parent=Organization.objects.get(pk=tree.xa.pk),
        effective_on=D(2026, 6, 1),
    )
    assert report(Organization.objects.get(pk=tree.xb.pk), today)["total"] == 0
    assert report(Organization.objects.get(pk=tree.xa.pk), today)["total"] == 2

    # The members import (written in bulk by COPY on PostgreSQL).
    path = write_csv(tmp_path / "m.csv", HEADERS, [member_row(name="Phạm Văn Dũng", card="77", cell="XA-C1")])
    assert import_members(path=path, actor=None).ok
    assert report(Organization.objects.get(pk=tree.xa.pk), today)["total"] == 3


@pytest.mark.django_db
def test_a_backdated_event_changes_a_past_day_already_counted(tree):
    m = register(tree.xa_c1, "Nguyễn Văn An")
    day = D(2026, 1, 31)
    assert report(tree.province, day)["total"] == 1
    # Recorded today, dated before the day already reported: that day's figure changes.
    member_record_event(actor=None, membership=m, kind=EventKind.DIED, on=D(2026, 1, 15))
    assert report(tree.province, day)["total"] == 0
    assert report(tree.province, D(2026, 1, 14))["total"] == 1  # the day before the death
    assert report(tree.province, D(2026, 1, 15))["total"] == 0  # the day of


@pytest.mark.django_db
def test_ages_are_those_of_the_day_asked_each_day_its_own_figures(tree):
    # Turns 31 on 17/05/2026: under 30 the day before, 31–40 from the birthday.
    register(tree.xa_c1, "Nguyễn Văn An", birth=D(1995, 5, 17))
    assert report(tree.province, D(2026, 5, 16))["by_age_band"]["Đến 30 tuổi"] == 1
    assert report(tree.province, D(2026, 5, 17))["by_age_band"]["31–40 tuổi"] == 1
    assert report(tree.province, D(2026, 5, 18))["by_age_band"]["31–40 tuổi"] == 1
    assert MemberFigures.objects.filter(unit=tree.xa.path).count() == 3


@pytest.mark.django_db
def test_a_bulk_write_that_cannot_say_where_makes_everything_counted_again(tree):
    register(tree.xa_c1, "Nguyễn Văn An")
    today = timezone.localdate()
    report(tree.province, today)
    # Rows written past the services (as the demo does), then the demo's own call.
    from dangvien.members.tally import tally_rebuild

    Membership.objects.all().delete()
    tally_rebuild()
    figures_forget_all()
    assert report(tree.province, today)["total"] == 0


@pytest.mark.django_db
def test_figures_not_asked_for_in_a_month_are_pruned_by_the_tick(tree):
    from dangvien.watch.services import tick

    register(tree.xa_c1, "Nguyễn Văn An")
    report(tree.province, D(2025, 12, 31))
    MemberFigures.objects.update(computed_at=timezone.now() - dt.timedelta(days=32))
    report(tree.province, D(2026, 6, 30))
    tick(send_mail=False)
    # December's are gone; the tick counted today's, for the morning's first report.
    days = set(MemberFigures.objects.values_list("day", flat=True))
    assert days == {D(2026, 6, 30), timezone.localdate()}
    # The two communes: June's and today's members, today's term and year admissions.
    assert MemberFigures.objects.count() == 4 and AdmissionFigures.objects.count() == 4
    assert figures_prune(before=timezone.now() + dt.timedelta(seconds=1)) == 8
    assert report(tree.province, D(2025, 12, 31))["total"] == 1  # counted again when asked


@pytest.mark.django_db
def test_scope_the_other_ward_gets_nothing_and_its_staff_their_own(tree, users):
    register(tree.xa_c1, "Nguyễn Văn An")
    today = timezone.localdate()
    assert member_counts(scope_for(users.binh), tree.xa, today).total == 0
    assert not MemberFigures.objects.exists()  # nothing counted for a refused reader
    assert member_counts(scope_for(users.an), tree.xa, today).total == 1
    assert member_counts(scope_for(users.an), tree.province, today).total == 0
    # The whole tree: an administrator only.
    assert member_counts(scope_for(users.an), None, today).total == 0
    assert member_counts(scope_for(users.admin), None, today).total == 1


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_while_a_report_counts_is_not_lost(tree):
    """PostgreSQL, two connections: a member is registered in a transaction left open; a
    report counts meanwhile (without the uncommitted member) and stores its figures under
    the stamp it read; the writer commits. The next report must count the new member."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    register(tree.xa_c1, "Nguyễn Văn An")
    today = timezone.localdate()
    assert member_counts(ALL, tree.province, today).total == 1
    MemberFigures.objects.all().delete()  # so that the report below counts, not reads
    with write_left_open(lambda: register(tree.xa_c2, "Trần Văn Bình")):
        # Counted while the writer's member is not committed: its stamp is not either.
        assert member_counts(ALL, tree.province, today).total == 1
        assert MemberFigures.objects.filter(unit=tree.xa.path).exists()  # stored, under the old stamp
    assert member_counts(ALL, tree.province, today).total == 2
    assert FigureStamp.objects.get(unit=tree.xa.path).version >= 2


@pytest.mark.django_db
def test_the_suites_check_finds_a_write_that_forgot_to_stamp(tree):
    from dangvien.members.models import MembershipPeriod
    from dangvien.reports.selectors import kept_figures_differences

    register(tree.xa_c1, "Nguyễn Văn An")
    day = timezone.localdate()
    report(tree.province, day)
    assert kept_figures_differences() == []
    # A period row changed behind the services' back: the stored figure is now wrong.
    MembershipPeriod.objects.update(status="exempt")
    assert kept_figures_differences() == [(tree.xa.path, day)]
    figures_forget_all()
    assert kept_figures_differences() == []
    MembershipPeriod.objects.update(status="official")


@pytest.mark.django_db
def test_a_read_only_database_still_gets_its_report_counted(tree, caplog):
    """A replica (PostgreSQL: a read-only transaction) cannot store the figures: the
    report is counted all the same, and nothing is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("read-only transactions are a PostgreSQL feature")
    from django.db import transaction

    register(tree.xa_c1, "Nguyễn Văn An")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
        assert member_counts(ALL, tree.province, timezone.localdate()).total == 1
    assert not MemberFigures.objects.exists()
    assert "not stored" in caplog.text
