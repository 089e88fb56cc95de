"""Building admission cases step by step for the tests (real services, real rules)."""

from __future__ import annotations

import datetime as dt

from dangvien.candidates.models import Candidate, Source, TrainingClass
from dangvien.candidates.services import candidate_add, class_create
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.services import (
    admission_add_introduction,
    admission_open,
    admission_record_cell_vote,
    admission_record_committee_vote,
    admission_record_decision,
    admission_record_step,
    admission_record_verification,
)
from dangvien.cases.models import Case, IntroKind, Route, VerificationResult
from dangvien.members.models import Membership
from dangvien.members.services import NewMember, members_bulk_register
from dangvien.orgs.models import Organization
from dangvien.people.services import PersonData

D = dt.date
BIRTH, LISTED, CERTIFICATE = D(1998, 3, 15), D(2025, 9, 1), D(2025, 10, 1)
OPENED, START = D(2025, 11, 3), D(2025, 11, 10)


def officials(
    cell: Organization, n: int, *, prefix: str = "Đảng viên", status: str | None = None, official: bool = True
) -> list[Membership]:
    """n official members of the cell, admitted in 2010, official in 2011 (or probationary
    since 2025 with official=False)."""
    ids = members_bulk_register(
        actor=None,
        note="",
        items=[
            NewMember(
                person=PersonData(
                    full_name=f"{prefix} {cell.code} {i}", birth_date=D(1970, 1, 1 + i % 28), sex="male"
                ),
                card_number=None,
                cell_id=cell.pk,
                admission_date=D(2010, 3, 1) if official else D(2025, 3, 1),
                official_date=D(2011, 3, 1) if official else None,
                status=status,
                status_since=D(2020, 1, 1) if status else None,
            )
            for i in range(n)
        ],
    )
    return list(Membership.objects.filter(pk__in=ids).select_related("person").order_by("pk"))


def candidate(
    cell: Organization,
    *,
    name: str = "Nguyễn Thị Hằng",
    birth: dt.date = BIRTH,
    education: str = "12/12",
    listed: dt.date = LISTED,
    certificate: dt.date | None = CERTIFICATE,
    mentor: Membership | None = None,
    source: str = Source.YOUTH_UNION,
) -> Candidate:
    if mentor is None:
        mentor = officials(cell, 1, prefix=f"Người giúp đỡ {name}")[0]
    return candidate_add(
        actor=None,
        person=PersonData(full_name=name, birth_date=birth, sex="female", education=education),
        cell=cell,
        source=source,
        listed_on=listed,
        listed_ref="NQ 01",
        mentor=mentor,
        certificate_date=certificate,
    )


def open_case(cand: Candidate, *, on: dt.date = OPENED, route: str = Route.MEMBERS, **kw: object) -> Case:
    return admission_open(actor=None, candidate=cand, opened_on=on, route=route, **kw)  # type: ignore[arg-type]


def fresh(case: Case) -> Case:
    return Case.objects.select_related("cell", "person", "candidate").get(pk=case.pk)


def prepare(
    case: Case,
    *,
    introducers: list[Membership],
    start: dt.date = START,
    months_together: int = 24,
) -> Case:
    """From the application to the opinions: every paper in, ready for the cell meeting."""
    c = fresh(case)
    c = admission_record_step(
        actor=None,
        case=c,
        expected_version=c.version,
        step=P.APPLICATION,
        done_on=start,
        papers=["application"],
    )
    me = c.verifications.get(relation="self")
    admission_record_verification(
        actor=None,
        case=c,
        expected_version=c.version,
        verification=me,
        result=VerificationResult.CLEAR,
        result_on=start + dt.timedelta(days=10),
    )
    c = fresh(c)
    c = admission_record_step(
        actor=None,
        case=c,
        expected_version=c.version,
        step=P.HISTORY,
        done_on=start + dt.timedelta(days=12),
        papers=["history", "verification"],
    )
    for m in introducers:
        admission_add_introduction(
            actor=None,
            case=c,
            expected_version=fresh(c).version,
            kind=IntroKind.MEMBER,
            introducer=m,
            months_together=months_together,
            given_on=start + dt.timedelta(days=13),
        )
    c = fresh(c)
    c = admission_record_step(
        actor=None,
        case=c,
        expected_version=c.version,
        step=P.INTRODUCTIONS,
        done_on=start + dt.timedelta(days=14),
    )
    c = admission_record_step(
        actor=None, case=c, expected_version=c.version, step=P.OPINIONS, done_on=start + dt.timedelta(days=20)
    )
    return fresh(c)


def vote(
    case: Case, *, held_on: dt.date, yes: int, no: int = 0, denominator: int | None = None, **kw: object
):  # type: ignore[no-untyped-def]
    from dangvien.cases.admission.selectors import cell_voters

    c = fresh(case)
    official, _ = cell_voters(c.cell, held_on)
    args: dict[str, object] = {
        "summoned": official,
        "present": None,
        "exempt_present": 0,
        "excluded": {},
        "denominator": official if denominator is None else denominator,
    }
    args.update(kw)
    return admission_record_cell_vote(
        actor=None,
        case=c,
        expected_version=c.version,
        held_on=held_on,
        yes=yes,
        no=no,
        **args,  # type: ignore[arg-type]
    )


def through_decision(case: Case, *, resolution: dt.date, decided: dt.date, received: dt.date) -> Case:
    c = fresh(case)
    if c.step == P.BASE_RESOLUTION:
        admission_record_committee_vote(
            actor=None,
            case=c,
            expected_version=c.version,
            held_on=resolution,
            members=9,
            present=9,
            yes=8,
            no=1,
        )
        c = fresh(c)
    return admission_record_decision(
        actor=None,
        case=c,
        expected_version=c.version,
        decided_on=decided,
        decision_ref="QĐ 15-QĐ/ĐU",
        received_on=received,
        decided_by="Ban Thường vụ Đảng ủy xã",
    )


def awareness_class(organizer: Organization, *, name: str = "Lớp nhận thức 2026") -> TrainingClass:
    return class_create(
        actor=None,
        kind="awareness",
        name=name,
        organizer=organizer,
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
    )
