"""Issue 21, item 7: the demo shows the committees at work."""

from __future__ import annotations

from dangvien.cases.models import Body, Vote
from dangvien.committees.duties import duties_report
from dangvien.committees.models import Assignment, Attendance, Meeting, NoSource
from dangvien.committees.sourcing import sourcing_report
from dangvien.demo.generate import generate
from dangvien.orgs.models import CELL_KINDS, Organization
from dangvien.orgs.scope import scope_for


def test_the_demo_has_assignments_meetings_votes_at_meetings_and_a_survey(db):
    result = generate("commune", seed=1)
    cells = Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True)
    assert set(Assignment.objects.values_list("cell_id", flat=True)) == set(
        cells.values_list("pk", flat=True)
    )
    assert result.committees.meetings == Meeting.objects.count() >= 12 * cells.count()
    assert Attendance.objects.count() == result.committees.attendance > 0
    votes = Vote.objects.filter(body=Body.CELL)
    assert (
        votes.exists()
        and not votes.filter(
            meeting__isnull=True, held_on__gte=Meeting.objects.earliest("held_on").held_on
        ).exists()
    )
    commune = Organization.objects.get(parent__parent__isnull=True, parent__isnull=False)
    today = Meeting.objects.latest("held_on").held_on
    duties = duties_report(scope_for(None), org=commune, year=today.year, as_of=today)
    assert duties.rows and 0 < duties.met <= len(duties.rows)
    rows = sourcing_report(scope_for(None), org=commune, as_of=today).rows
    assert all(r.covered for r in rows)
    from dangvien.targets.models import Commendation

    assert Commendation.objects.count() == result.committees.commendations
    assert NoSource.objects.count() == result.committees.no_source == sum(r.no_source for r in rows) >= 1
