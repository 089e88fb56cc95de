"""Synthetic pool and pipeline for one commune, written in bulk: candidates from every
source with mentors and assessments, awareness classes with attendees and certificates,
admission cases open at every step (a few overdue, a few suspended, some failed votes),
and closed cases for the commune's recent probationary members (recent ceremonies).

The rows are the ones the services would write for the same story; the dates are drawn
so that every step follows the one before and every deadline is computed by the same
function the services use (cases.services.due_date)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from django.utils import timezone

from dangvien.candidates.models import (
    Assessment,
    Attendance,
    Candidate,
    Certificate,
    ClassKind,
    Mentorship,
    Result,
    Source,
    State,
    TrainingClass,
)
from dangvien.core.text import clean_name, fold, vietnamese_sort_key
from dangvien.demo.dossiers import PipelineStats, admitted_cases, age_years, history_starts, open_cases, pick
from dangvien.members.models import Membership, Office, OfficeHolder, Status
from dangvien.orgs.models import Organization
from dangvien.people.models import Person
from dangvien.people.services import PersonData
from dangvien.rules.calendar import Calendar
from dangvien.rules.selectors import RuleBook

CANDIDATES_PER_MEMBER = 0.27  # a province of 150.000 members keeps about 40.000 in its pool
SOURCES = [
    (Source.YOUTH_UNION, 0.45),
    (Source.WOMEN, 0.17),
    (Source.TRADE_UNION, 0.14),
    (Source.FARMERS, 0.1),
    (Source.VETERANS, 0.06),
    (Source.OTHER, 0.08),
]
STATES = [
    (State.SOURCING, 0.34),
    (State.IN_CLASS, 0.08),
    (State.READY, 0.2),
    (State.IN_ADMISSION, 0.2),
    (State.WITHDRAWN, 0.04),
    ("expired", 0.04),  # sourcing again: the certificate ran out
]
STRENGTHS = [
    "Gương mẫu, nhiệt tình trong công tác Đoàn",
    "Chấp hành tốt chủ trương, chính sách",
    "Có tinh thần trách nhiệm, đoàn kết với đồng nghiệp",
    "Tích cực tham gia hoạt động ở khu dân cư",
]
WEAKNESSES = ["Đôi khi chưa mạnh dạn phát biểu ý kiến", "Cần tìm hiểu thêm về Điều lệ Đảng", "Chưa có"]


def fill_commune(
    rng: random.Random,
    *,
    commune: Organization,
    cells: Sequence[Organization],
    weights: Sequence[int],
    n_members: int,
    make_person: Callable[[dt.date], PersonData],
    book: RuleBook,
    cal: Calendar,
    stats: PipelineStats,
) -> None:
    today = timezone.localdate()
    cell_ids = [c.pk for c in cells]
    by_id = {c.pk: c for c in cells}
    officials: dict[int, list[int]] = {pk: [] for pk in cell_ids}
    for mid, cell_id in Membership.objects.filter(cell_id__in=cell_ids, status=Status.OFFICIAL).values_list(
        "pk", "cell_id"
    ):
        officials[cell_id].append(mid)
    n = max(1, round(n_members * CANDIDATES_PER_MEMBER))
    # Drawn from random generators of their own, named by the commune: the numbers the rest
    # of the demo draws (and the figures the tests and benchmarks know) stay the same.
    committee_size = demo_officers(
        random.Random(f"officers-{commune.code}"),
        commune=commune,
        cells=cells,
        officials=officials,
        today=today,
    )

    # People and candidacies.
    people: list[Person] = []
    plans: list[tuple[str, Organization, str]] = []  # (state, cell, source)
    for _ in range(n):
        birth = today - dt.timedelta(days=rng.randint(18 * 365 + 200, 45 * 365))
        d: PersonData = make_person(birth)
        name = clean_name(d.full_name)
        people.append(
            Person(
                full_name=name,
                name_search=fold(name),
                sort_key=vietnamese_sort_key(name),
                birth_date=d.birth_date,
                sex=d.sex,
                cccd=d.cccd or None,
                ethnicity=d.ethnicity,
                religion=d.religion,
                education=rng.choice(["12/12", "12/12", "12/12", "Đại học", "Cao đẳng", "9/12"]),
                profession=d.profession,
                phone=d.phone,
            )
        )
        cell = rng.choices(cells, weights=weights)[0]
        source = pick(rng, SOURCES)
        if age_years(birth, today) > 30 and source == Source.YOUTH_UNION:
            source = Source.OTHER
        plans.append((pick(rng, STATES), cell, source))
    Person.objects.bulk_create(people, batch_size=2000)

    candidates: list[Candidate] = []
    for person, (state, cell, source) in zip(people, plans, strict=True):
        # Those with a dossier were listed long enough ago for every step to follow.
        days = rng.randint(500, 1100) if state == State.IN_ADMISSION else rng.randint(60, 3 * 365)
        listed = today - dt.timedelta(days=days)
        real_state = State.SOURCING if state == "expired" else state
        candidates.append(
            Candidate(
                person=person,
                cell=cell,
                source=source,
                listed_on=listed,
                listed_ref=f"NQ {rng.randint(1, 40)}-NQ/CB",
                state=real_state,
                state_since=listed,
                withdrawn_reason="Chuyển đi nơi khác" if real_state == State.WITHDRAWN else "",
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    history_starts(candidates)
    stats.candidates += len(candidates)

    # Mentors and assessments.
    mentorships, assessments = [], []
    for cand in candidates:
        pool = officials.get(cand.cell_id, [])
        if not pool or cand.listed_on is None:
            continue
        ended = cand.state == State.WITHDRAWN
        mentorships.append(
            Mentorship(
                candidate=cand,
                mentor_id=rng.choice(pool),
                valid_from=cand.listed_on,
                valid_to=today if ended else None,
            )
        )
        # Most are heard at least once a quarter; about one in six is not.
        last = today - dt.timedelta(days=rng.randint(100, 200) if rng.random() < 0.17 else rng.randint(5, 85))
        on = last
        while on > cand.listed_on:
            assessments.append(
                Assessment(
                    candidate=cand,
                    on=on,
                    strengths=rng.choice(STRENGTHS),
                    weaknesses=rng.choice(WEAKNESSES),
                    conclusion="Chi bộ thống nhất tiếp tục bồi dưỡng",
                )
            )
            on -= dt.timedelta(days=rng.randint(80, 100))
            if rng.random() < 0.5:
                break
    Mentorship.objects.bulk_create(mentorships, batch_size=2000)
    Assessment.objects.bulk_create(assessments, batch_size=2000)

    # Classes: one awareness class a semester for three years, and the one running now.
    centre = f"Trung tâm Chính trị — {commune.name.replace('Đảng bộ ', '')}"
    classes = []
    for k in range(6, -1, -1):
        start = today - dt.timedelta(days=182 * k + 10)
        classes.append(
            TrainingClass(
                kind=ClassKind.AWARENESS,
                name=f"Lớp bồi dưỡng nhận thức về Đảng khóa {start:%m/%Y}",
                organizer=commune,
                organizer_name=centre,
                starts_on=start,
                ends_on=start + dt.timedelta(days=4 if k else 20),
                place="Hội trường Đảng ủy",
            )
        )
    TrainingClass.objects.bulk_create(classes)
    stats.classes += len(classes)
    finished, running = classes[:-1], classes[-1]
    attendances: list[Attendance] = []
    certificates: list[tuple[int, Candidate, TrainingClass]] = []
    for cand, (state, _, _) in zip(candidates, plans, strict=True):
        assert cand.listed_on is not None
        if state == State.IN_CLASS:
            attendances.append(
                Attendance(training_class=running, person_id=cand.person_id, result=Result.PENDING)
            )
        elif state in (State.READY, State.IN_ADMISSION) or (state == State.WITHDRAWN and rng.random() < 0.5):
            usable = [c for c in finished if c.ends_on >= cand.listed_on] or finished[-1:]
            tc = rng.choice(usable)
            certificates.append((len(attendances), cand, tc))
            attendances.append(Attendance(training_class=tc, person_id=cand.person_id, result=Result.PASSED))
        elif state == "expired":
            tc = TrainingClass(
                kind=ClassKind.AWARENESS,
                name="Lớp bồi dưỡng nhận thức về Đảng (cũ)",
                organizer=commune,
                organizer_name=centre,
                starts_on=today - dt.timedelta(days=61 * 31),
                ends_on=today - dt.timedelta(days=61 * 31 - 4),
            )
            certificates.append((-1, cand, tc))
    old_classes = [tc for idx, _, tc in certificates if idx < 0]
    TrainingClass.objects.bulk_create(old_classes)
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    cert_rows = []
    for idx, cand, tc in certificates:
        cert_rows.append(
            Certificate(
                person_id=cand.person_id,
                kind=ClassKind.AWARENESS,
                number=f"{rng.randint(100, 9999)}/CN",
                issued_on=tc.ends_on,
                attendance=attendances[idx] if idx >= 0 else None,
            )
        )
    by_candidate = {cand.pk: cert for (_, cand, _), cert in zip(certificates, cert_rows, strict=True)}
    open_cases(rng, candidates, by_candidate, by_id, officials, today, book, cal, stats, committee_size)
    Certificate.objects.bulk_create(cert_rows, batch_size=2000)
    admitted_cases(
        rng,
        cell_ids,
        by_id,
        today,
        stats,
        officials,
        committee_size,
        random.Random(f"dossiers-{commune.code}"),
        commune,
        finished,
    )


def demo_officers(
    rng: random.Random,
    *,
    commune: Organization,
    cells: Sequence[Organization],
    officials: dict[int, list[int]],
    today: dt.date,
) -> int:
    """Office holders since the 2025 congresses: each cell's secretary (and a deputy in a
    cell of ten or more), the commune committee (secretary, two deputies, three more of the
    standing committee, the rest committee members). Returns the committee's size."""
    names = dict(
        Membership.objects.filter(pk__in=[m for ids in officials.values() for m in ids]).values_list(
            "pk", "person__full_name"
        )
    )
    rows: list[OfficeHolder] = []
    since_cells = today - dt.timedelta(days=rng.randint(600, 700))
    for cell in cells:
        pool = officials.get(cell.pk, [])
        if not pool:
            continue
        chosen = rng.sample(pool, 2 if len(pool) >= 10 else 1)
        for mid, office in zip(chosen, (Office.SECRETARY, Office.DEPUTY), strict=False):
            rows.append(
                OfficeHolder(
                    organization=cell,
                    office=office,
                    membership_id=mid,
                    full_name=names[mid],
                    valid_from=since_cells,
                )
            )
    everyone = [m for c in cells for m in officials.get(c.pk, [])]
    size = min(len(everyone), rng.randint(9, 15))
    since = since_cells + dt.timedelta(days=rng.randint(30, 60))
    offices = [
        Office.SECRETARY,
        Office.DEPUTY,
        Office.DEPUTY,
        Office.STANDING,
        Office.STANDING,
        Office.STANDING,
    ]
    for k, mid in enumerate(rng.sample(everyone, size)):
        office = offices[k] if k < len(offices) else Office.COMMITTEE
        rows.append(
            OfficeHolder(
                organization=commune, office=office, membership_id=mid, full_name=names[mid], valid_from=since
            )
        )
    OfficeHolder.objects.bulk_create(rows, batch_size=2000)
    return size or 9
