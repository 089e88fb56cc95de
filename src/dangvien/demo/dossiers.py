"""The demo's admission dossiers: open cases drawn at every step with their history
(records, verifications, introductions, votes, suspensions), and the closed cases of the
commune's recent probationary members. Dates follow one another and every deadline comes
from the function the services use (cases.admission.steps.due_date)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import timezone

from dangvien.candidates.models import (
    Attendance,
    Candidate,
    CandidateEvent,
    Certificate,
    ClassKind,
    Result,
    Source,
    State,
    TrainingClass,
)
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.services import due_date
from dangvien.cases.models import (
    Body,
    Case,
    CaseState,
    Introduction,
    IntroKind,
    Relation,
    Route,
    StepRecord,
    Suspension,
    Verification,
    VerificationResult,
    Vote,
)
from dangvien.members.models import Membership, Status
from dangvien.orgs.models import Organization, OrgKind
from dangvien.people.models import Person
from dangvien.rules.arithmetic import votes_needed
from dangvien.rules.calendar import Calendar
from dangvien.rules.selectors import RuleBook

_TWO_THIRDS = Fraction(2, 3)  # the threshold of every pack so far; demo votes pass or fail clearly


@dataclass
class PipelineStats:
    candidates: int = 0
    classes: int = 0
    open_cases: int = 0
    admitted_cases: int = 0
    by_step: dict[str, int] = field(default_factory=dict)


# Where the open cases stand (the first two steps come from the pool).
OPEN_AT = [
    (P.APPLICATION, 0.12),
    (P.HISTORY, 0.18),
    (P.INTRODUCTIONS, 0.12),
    (P.OPINIONS, 0.1),
    (P.CELL_VOTE, 0.14),
    (P.BASE_RESOLUTION, 0.12),
    (P.DECISION, 0.14),
    (P.CEREMONY, 0.08),
]


# Calendar days from one step to the next (low, high).
GAPS = {
    P.APPLICATION: (5, 30),
    P.HISTORY: (20, 70),
    P.INTRODUCTIONS: (10, 40),
    P.OPINIONS: (7, 25),
    P.CELL_VOTE: (7, 30),
    P.BASE_RESOLUTION: (10, 35),
    P.DECISION: (15, 60),
    P.CEREMONY: (10, 35),
}


def pick(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass
class _Plan:
    """One open case being drawn: its steps, done dates and current state."""

    candidate: Candidate
    cell: Organization
    steps: list[str]
    done: dict[str, dt.date]
    step: str
    step_since: dt.date
    route: str
    opened_on: dt.date
    failed_vote: bool = False
    suspended_since: dt.date | None = None
    decision_received_on: dt.date | None = None


def age_years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _papers(rng: random.Random, step: str, route: str) -> list[str]:
    codes = [p.code for p in P.required_papers(step, route)]
    if len(codes) > 1 and rng.random() < 0.05:
        codes.pop()  # now and then a paper is missing, as in real dossiers
    return codes


def open_cases(
    rng: random.Random,
    candidates: list[Candidate],
    certificates: dict[int, Certificate],
    cells: dict[int, Organization],
    officials: dict[int, list[int]],
    today: dt.date,
    book: RuleBook,
    cal: Calendar,
    stats: PipelineStats,
    committee_size: int,
) -> None:
    plans: list[_Plan] = []
    for cand in candidates:
        if cand.state != State.IN_ADMISSION:
            continue
        assert cand.listed_on is not None
        cell = cells[cand.cell_id]
        steps = [s.code for s in P.steps_for(cell, OrgKind.UPPER_BASE)]
        target = pick(rng, OPEN_AT)
        if target not in steps:
            target = P.DECISION
        route = Route.MEMBERS if len(officials[cell.pk]) >= 2 else Route.YOUTH_UNION
        # How long it has been at its current step: a few are far past their time.
        late = rng.random() < 0.06
        waiting = rng.randint(70, 140) if late else rng.randint(0, 40)
        first, current = steps.index(P.APPLICATION), steps.index(target)
        gaps = [rng.randint(*GAPS[s]) for s in steps[first + 1 : current + 1]]  # into each later step
        step_since = today - dt.timedelta(days=waiting)
        start = step_since - dt.timedelta(days=sum(gaps))  # the application (or, at it, the wait)
        opened = start - dt.timedelta(days=rng.randint(0, 10))
        cert = certificates[cand.pk]
        if cert.issued_on >= opened:  # the certificate came before the dossier: a paper one
            cert.issued_on, cert.attendance = opened - dt.timedelta(days=rng.randint(10, 90)), None
        done = {P.SYMPATHIZER: cand.listed_on, P.CERTIFICATE: max(cert.issued_on, cand.listed_on)}
        on = start
        for s, gap in zip(steps[first:current], gaps, strict=True):
            done[s] = on
            on += dt.timedelta(days=gap)
        plan = _Plan(cand, cell, steps, done, target, step_since, route, opened)
        if target == P.CEREMONY:
            plan.decision_received_on = step_since
            done[P.DECISION] = step_since - dt.timedelta(days=rng.randint(1, 6))
        plan.failed_vote = target == P.CELL_VOTE and rng.random() < 0.12
        if target in (P.HISTORY, P.INTRODUCTIONS, P.OPINIONS) and rng.random() < 0.05:
            plan.suspended_since = min(today, step_since + dt.timedelta(days=3))
        plans.append(plan)

    cases = []
    for p in plans:
        resolution = p.done.get(P.CELL_VOTE)
        due, rule = due_date(
            step=p.step,
            org=p.cell,
            cell_resolution_on=resolution,
            decision_received_on=p.decision_received_on,
            applied_on=p.done.get(P.APPLICATION),
            extension_days=0,
            paused_working_days=0,
            book=book,
            cal=cal,
        )
        decision_on = p.done.get(P.DECISION)
        cases.append(
            Case(
                person_id=p.candidate.person_id,
                candidate=p.candidate,
                cell=p.cell,
                state=CaseState.SUSPENDED if p.suspended_since else CaseState.OPEN,
                steps=p.steps,
                step=p.step,
                step_since=p.step_since,
                due_on=due,
                due_rule=rule,
                route=p.route,
                opened_on=p.opened_on,
                cell_resolution_on=resolution,
                decision_on=decision_on,
                decision_ref=f"{rng.randint(100, 999)}-QĐ/ĐU" if decision_on else "",
                decided_by="Ban Thường vụ Đảng ủy" if decision_on else "",
                decision_received_on=p.decision_received_on,
            )
        )
        stats.by_step[p.step] = stats.by_step.get(p.step, 0) + 1
    Case.objects.bulk_create(cases, batch_size=2000)
    stats.open_cases += len(cases)
    _history(rng, list(zip(cases, plans, strict=True)), officials, committee_size)


def _history(
    rng: random.Random,
    pairs: list[tuple[Case, _Plan]],
    officials: dict[int, list[int]],
    committee_size: int,
    names: dict[int, str] | None = None,
) -> None:
    """Every record of the dossiers drawn: steps, verifications, introductions, votes. The
    committee votes count the commune's committee as the office holders say (8-KNĐ)."""
    records, verifications, intros, votes, suspensions = [], [], [], [], []
    for case, p in pairs:
        person_name = names[p.candidate.person_id] if names else p.candidate.person.full_name
        for step, on in p.done.items():
            records.append(
                StepRecord(
                    case=case,
                    step=step,
                    done_on=on,
                    doc_ref=f"{rng.randint(1, 99)}" if step != P.DECISION else case.decision_ref,
                    papers=_papers(rng, step, p.route),
                )
            )
        history_done = P.HISTORY in p.done
        verifications.append(
            Verification(
                case=case,
                relation=Relation.SELF,
                full_name=person_name,
                result=VerificationResult.CLEAR
                if history_done or rng.random() < 0.5
                else VerificationResult.PENDING,
                result_on=(p.done.get(P.HISTORY) or p.step_since) if history_done else None,
            )
        )
        family = person_name.split(" ")[0]
        for relation, name in ((Relation.FATHER, f"{family} Văn Hùng"), (Relation.MOTHER, "Lê Thị Lan")):
            verifications.append(
                Verification(
                    case=case,
                    relation=relation,
                    full_name=name,
                    result=VerificationResult.CLEAR if history_done else VerificationResult.PENDING,
                    result_on=p.done.get(P.HISTORY),
                )
            )
        if P.INTRODUCTIONS in p.done:
            given = p.done[P.INTRODUCTIONS] - dt.timedelta(days=rng.randint(1, 7))
            pool = officials[p.cell.pk]
            members = rng.sample(pool, 2) if p.route == Route.MEMBERS else rng.sample(pool, min(1, len(pool)))
            for mid in members:
                intros.append(
                    Introduction(
                        case=case,
                        kind=IntroKind.MEMBER,
                        introducer_id=mid,
                        months_together=rng.randint(12, 120),
                        given_on=given,
                    )
                )
            if p.route != Route.MEMBERS:
                intros.append(
                    Introduction(
                        case=case, kind=IntroKind.YOUTH_UNION, given_on=given, doc_ref="NQ 03-NQ/ĐTN"
                    )
                )
        n_official = len(officials[p.cell.pk]) or 3
        needed = votes_needed(denominator=n_official, threshold=_TWO_THIRDS)
        if p.failed_vote:
            held = p.step_since + dt.timedelta(
                days=min(20, max(0, (timezone.localdate() - p.step_since).days))
            )
            yes = max(0, needed - rng.randint(1, 3))
            votes.append(
                Vote(
                    case=case,
                    body=Body.CELL,
                    held_on=min(held, timezone.localdate()),
                    registry_official=n_official,
                    registry_exempt=0,
                    summoned=n_official,
                    denominator=n_official,
                    yes=yes,
                    no=n_official - yes,
                    passed=False,
                )
            )
        if P.CELL_VOTE in p.done:
            yes = rng.randint(needed, n_official)
            votes.append(
                Vote(
                    case=case,
                    body=Body.CELL,
                    held_on=p.done[P.CELL_VOTE],
                    registry_official=n_official,
                    registry_exempt=0,
                    summoned=n_official,
                    present=n_official,
                    denominator=n_official,
                    yes=yes,
                    no=n_official - yes,
                    passed=True,
                    doc_ref=f"NQ {rng.randint(1, 30)}-NQ/CB",
                )
            )
        if P.BASE_RESOLUTION in p.done:
            rng.randint(9, 15)  # once the committee's size; still drawn so later numbers stay the same
            committee = committee_size
            yes = rng.randint(votes_needed(denominator=committee, threshold=_TWO_THIRDS), committee)
            votes.append(
                Vote(
                    case=case,
                    body=Body.BASE_COMMITTEE,
                    held_on=p.done[P.BASE_RESOLUTION],
                    summoned=committee,
                    present=committee,
                    denominator=committee,
                    yes=yes,
                    no=committee - yes,
                    passed=True,
                    doc_ref=f"NQ {len(votes) % 60 + 1}-NQ/ĐU",
                )
            )
        if p.suspended_since is not None:
            suspensions.append(
                Suspension(case=case, since=p.suspended_since, reason="Chờ kết quả thẩm tra bổ sung")
            )
    StepRecord.objects.bulk_create(records, batch_size=2000)
    Verification.objects.bulk_create(verifications, batch_size=2000)
    Introduction.objects.bulk_create(intros, batch_size=2000)
    Vote.objects.bulk_create(votes, batch_size=2000)
    Suspension.objects.bulk_create(suspensions, batch_size=2000)


def admitted_cases(
    rng: random.Random,
    cell_ids: list[int],
    cells: dict[int, Organization],
    today: dt.date,
    stats: PipelineStats,
    officials: dict[int, list[int]],
    committee_size: int,
    records_rng: random.Random,
    commune: Organization,
    classes: list[TrainingClass],
) -> None:
    """Closed cases for the probationary members admitted in the last six months: the
    ceremony follows the decision, and the member's ceremony date is set to it."""
    recent = list(
        Membership.objects.filter(
            cell_id__in=cell_ids,
            status=Status.PROBATIONARY,
            admission_date__gte=today - dt.timedelta(days=180),
        ).values_list("pk", "person_id", "cell_id", "admission_date")
    )
    if not recent:
        return
    candidates, cases, ceremonies = [], [], []
    for mid, person_id, cell_id, decided in recent:
        ceremony = min(today, decided + dt.timedelta(days=rng.randint(5, 35)))
        received = min(ceremony, decided + dt.timedelta(days=rng.randint(1, 4)))
        resolution = decided - dt.timedelta(days=rng.randint(20, 60))
        opened = resolution - dt.timedelta(days=rng.randint(90, 200))
        listed = opened - dt.timedelta(days=rng.randint(120, 500))
        cell = cells[cell_id]
        candidates.append(
            Candidate(
                person_id=person_id,
                cell=cell,
                source=Source.YOUTH_UNION,
                listed_on=listed,
                state=State.ADMITTED,
                state_since=ceremony,
            )
        )
        steps = [s.code for s in P.steps_for(cell, OrgKind.UPPER_BASE)]
        cases.append(
            (
                Case(
                    person_id=person_id,
                    cell=cell,
                    state=CaseState.ADMITTED,
                    steps=steps,
                    step=P.CEREMONY,
                    step_since=received,
                    route=Route.MEMBERS,
                    opened_on=opened,
                    cell_resolution_on=resolution,
                    decision_on=decided,
                    decision_ref=f"{rng.randint(100, 999)}-QĐ/ĐU",
                    decided_by="Ban Thường vụ Đảng ủy",
                    decision_received_on=received,
                    ceremony_on=ceremony,
                    membership_id=mid,
                    closed_on=ceremony,
                ),
                {
                    P.SYMPATHIZER: listed,
                    P.CERTIFICATE: listed + dt.timedelta(days=30),
                    P.APPLICATION: opened,
                    P.HISTORY: opened + (resolution - opened) / 3,
                    P.INTRODUCTIONS: opened + (resolution - opened) / 2,
                    P.OPINIONS: opened + (resolution - opened) * 2 / 3,
                    P.CELL_VOTE: resolution,
                    P.BASE_RESOLUTION: resolution + (decided - resolution) / 2,
                    P.DECISION: decided,
                    P.CEREMONY: ceremony,
                },
            )
        )
        ceremonies.append(Membership(pk=mid, ceremony_date=ceremony))
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    history_starts(candidates)
    for cand, (case, _) in zip(candidates, cases, strict=True):
        case.candidate = cand
    Case.objects.bulk_create([c for c, _ in cases], batch_size=2000)
    # A finished dossier is complete: its steps, the verifications, two introducing members,
    # both votes, as the open ones are (so that every paper of it prints full).
    plans = [
        _Plan(
            candidate=cand,
            cell=case.cell,
            steps=case.steps,
            done=done,
            step=P.CEREMONY,
            step_since=case.step_since,
            route=case.route,
            opened_on=case.opened_on,
        )
        for cand, (case, done) in zip(candidates, cases, strict=True)
    ]
    names = dict(
        Person.objects.filter(pk__in=[c.person_id for c in candidates]).values_list("pk", "full_name")
    )
    # What the papers of a finished dossier print: the awareness class attended (and its
    # certificate), the home town and the place of residence.
    place = commune.name.replace("Đảng bộ ", "")
    attendances, certs, people = [], [], []
    for cand, (case, done) in zip(candidates, cases, strict=True):
        fits = [c for c in classes if c.ends_on <= case.opened_on] or classes[:1]
        if fits:
            tc = records_rng.choice(fits)
            done[P.CERTIFICATE] = tc.ends_on
            attendances.append(Attendance(training_class=tc, person_id=cand.person_id, result=Result.PASSED))
            certs.append(
                Certificate(
                    person_id=cand.person_id,
                    kind=ClassKind.AWARENESS,
                    number=f"{records_rng.randint(100, 9999)}/CN",
                    issued_on=tc.ends_on,
                )
            )
        people.append(
            Person(
                pk=cand.person_id,
                home_town=place,
                residence_detail=f"{case.cell.name.replace('Chi bộ ', '')}, {place}",
            )
        )
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    for cert, attendance in zip(certs, attendances, strict=True):
        cert.attendance = attendance
    Certificate.objects.bulk_create(certs, batch_size=2000)
    Person.objects.bulk_update(people, ["home_town", "residence_detail"], batch_size=2000)
    _history(
        records_rng,
        [(case, plan) for (case, _), plan in zip(cases, plans, strict=True)],
        officials,
        committee_size,
        names,
    )
    Membership.objects.bulk_update(ceremonies, ["ceremony_date"], batch_size=2000)
    stats.admitted_cases += len(cases)


def history_starts(candidates: list[Candidate]) -> None:
    """Each demo candidacy's history: one row, its state since its date (the services write
    one row per change; the demo makes the end state at once)."""
    CandidateEvent.objects.bulk_create(
        [
            CandidateEvent(candidate=c, on=c.state_since, state_to=c.state, reason="(dữ liệu mẫu)")
            for c in candidates
        ],
        batch_size=2000,
    )
