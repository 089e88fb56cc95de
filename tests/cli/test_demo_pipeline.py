"""The demo's pool and pipeline are believable: every source, every open step, a few
overdue, a few suspended, failed votes, recent ceremonies; and consistent: steps in order,
due dates as the services compute them, a valid certificate at the cell meeting."""

import pytest
from django.utils import timezone

from dangvien.candidates.models import Candidate, Certificate, Source, State, TrainingClass
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import admission_checks
from dangvien.cases.admission.services import compute_due
from dangvien.cases.models import Case, CaseState, Vote
from dangvien.demo.generate import generate
from dangvien.members.models import Status
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook

pytestmark = pytest.mark.django_db


def test_the_commune_demo_fills_the_pool_and_every_step_of_the_pipeline():
    result = generate("commune", seed=1)
    today = timezone.localdate()
    stats = result.pipeline
    assert stats.candidates + stats.admitted_cases == Candidate.objects.count() and stats.candidates > 300
    assert set(Candidate.objects.values_list("source", flat=True)) == set(Source.values)
    assert {State.SOURCING, State.IN_CLASS, State.READY, State.IN_ADMISSION, State.ADMITTED} <= set(
        Candidate.objects.values_list("state", flat=True)
    )
    assert TrainingClass.objects.filter(ends_on__lt=today).exists() and Certificate.objects.exists()
    open_cases = Case.objects.filter(state__in=[CaseState.OPEN, CaseState.SUSPENDED])
    steps = set(open_cases.values_list("step", flat=True))
    assert {P.APPLICATION, P.HISTORY, P.CELL_VOTE, P.BASE_RESOLUTION, P.DECISION, P.CEREMONY} <= steps
    assert open_cases.filter(state=CaseState.OPEN, due_on__lt=today).exists()  # a few overdue
    assert open_cases.filter(state=CaseState.SUSPENDED).exists()
    assert Vote.objects.filter(passed=False).exists()
    admitted = Case.objects.filter(state=CaseState.ADMITTED).select_related("membership")
    assert admitted.exists()
    assert all(
        c.membership.status == Status.PROBATIONARY and c.membership.ceremony_date == c.ceremony_on
        for c in admitted
    )


def test_the_demo_cases_are_consistent_with_the_services():
    generate("commune", seed=2)
    book, cal = RuleBook.load(), calendar_from_db()
    today = timezone.localdate()
    for c in Case.objects.filter(state=CaseState.OPEN).select_related("cell", "person"):
        assert compute_due(c, book=book, cal=cal) == (c.due_on, c.due_rule)
        records = dict(c.records.values_list("step", "done_on"))
        order = [records[s] for s in c.steps if s in records]
        assert order == sorted(order), c.pk
        assert all(d <= today for d in order) and c.step not in records
        assert set(records) == set(c.steps[: c.steps.index(c.step)])
        if P.CELL_VOTE in records:
            certificate = next(
                x for x in admission_checks(c, on=records[P.CELL_VOTE]) if x.code == "certificate"
            )
            assert certificate.ok, certificate.message


def test_the_demo_follows_probations_recognitions_transfers_and_exemptions():
    from dangvien.cases.models import Recognition, RecognitionState, RecognitionStep, Transfer, TransferState
    from dangvien.cases.recognition import rules as R
    from dangvien.members.models import Exemption, Membership
    from dangvien.members.services import membership_replay

    result = generate("commune", seed=4)
    today = timezone.localdate()
    book, cal = RuleBook.load(), calendar_from_db()
    probationary = Membership.objects.filter(status=Status.PROBATIONARY)
    # Every probationary member is followed, at every stage; a few are late.
    assert Recognition.objects.filter(state=RecognitionState.OPEN).count() == probationary.count() > 20
    open_recs = Recognition.objects.filter(state=RecognitionState.OPEN).select_related("membership__cell")
    assert {R.CELL_VOTE, R.BASE_RESOLUTION} <= set(open_recs.values_list("step", flat=True))
    assert open_recs.filter(ends_on__gt=today).exists() and open_recs.filter(due_on__lt=today).exists()
    for r in open_recs.filter(step=R.CELL_VOTE):
        assert (r.due_on, r.due_rule) == R.recognition_due(
            step=R.CELL_VOTE, org=r.membership.cell, ends_on=r.ends_on, since=None, book=book, cal=cal
        )
    # Recognitions decided with their history: the official date is the end of probation.
    done = Recognition.objects.filter(state=RecognitionState.OFFICIAL).select_related("membership")
    assert done.exists() and all(r.membership.official_date == r.ends_on for r in done)
    assert result.followup.late_recognitions > 0
    late = [s for s in RecognitionStep.objects.all() if s.due_on and s.done_on > s.due_on]
    assert late
    # Transfers in transit, some overdue; received temporary ones; sent outside on paper.
    states = set(Transfer.objects.values_list("state", flat=True))
    assert {TransferState.IN_TRANSIT, TransferState.RECEIVED, TransferState.SENT_OUTSIDE} <= states
    assert Transfer.objects.filter(state=TransferState.IN_TRANSIT, due_on__lt=today).exists()
    assert (
        Exemption.objects.count()
        == Membership.objects.filter(status__in=["exempt", "temp_exempt"]).count()
        > 0
    )
    assert all(membership_replay(m) == [] for m in Membership.objects.filter(transfers__isnull=False)[:50])
