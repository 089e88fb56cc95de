"""Reads of probations and recognitions, scoped by the acting user's organizations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from dangvien.candidates.models import Certificate, ClassKind
from dangvien.cases.models import (
    ProbationMentor,
    Recognition,
    RecognitionStep,
    RecognitionVote,
)
from dangvien.cases.recognition import rules as R
from dangvien.members.models import Membership, Residence, Status
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.packs import PARAMS
from dangvien.rules.selectors import RuleBook

# The new-member class is held some months into the probation: missing its certificate is
# worth a flag only after half of the 12 months.
CLASS_GRACE_DAYS = 183


def recognition_queryset(scope: Scope, *, org: Organization | None = None) -> QuerySet[Recognition]:
    qs = Recognition.objects.filter(scope.org_filter("membership__cell"))
    if org is not None:
        qs = qs.filter(membership__cell__path__startswith=org.path)
    return qs


@dataclass(slots=True)
class ProbationRow:
    membership_id: int
    recognition_id: int | None
    person: str
    cell: str
    ceremony_on: dt.date | None
    ends_on: dt.date | None
    step: str
    due_on: dt.date | None
    flag: str  # "overdue", "soon", ""
    missing: list[str]
    escalated: bool


def probation_list(
    scope: Scope, *, org: Organization, today: dt.date, limit: int = 500
) -> tuple[list[ProbationRow], int]:
    """The probationary members of the scope with their probation end and what is missing,
    the most urgent first; and how many there are in all. Three queries whatever the size."""
    book, cal = RuleBook.load(), calendar_from_db()
    soon_until = cal.add_working_days(
        today, int(book.value("watch.due_soon_working_days", on=today, org=org))
    )
    members = Membership.objects.filter(
        scope.org_filter("cell"), status=Status.PROBATIONARY, cell__path__startswith=org.path
    )
    total = members.count()
    has_cert = Certificate.objects.filter(person_id=OuterRef("person_id"), kind=ClassKind.NEW_MEMBER)
    has_mentor = ProbationMentor.objects.filter(
        recognition__membership_id=OuterRef("pk"), valid_to__isnull=True
    )
    rows = (
        members.annotate(cert=Exists(has_cert), mentor=Exists(has_mentor))
        .order_by("recognition__due_on", "ceremony_date", "pk")
        .values(
            "pk",
            "person__full_name",
            "cell__name",
            "ceremony_date",
            "admission_date",
            "cert",
            "mentor",
            "recognition__pk",
            "recognition__ends_on",
            "recognition__step",
            "recognition__due_on",
            "recognition__escalated_on",
            *(f"recognition__{name}" for name, _ in R.END_PAPERS),
        )[:limit]
    )
    out = []
    for r in rows:
        missing = []
        if r["recognition__pk"] is None:
            missing.append("Chưa mở hồ sơ theo dõi")
        else:
            if not r["mentor"]:
                missing.append("Người giúp đỡ")
            start = r["ceremony_date"] or r["admission_date"]
            if not r["cert"] and (today - start).days > CLASS_GRACE_DAYS:
                missing.append("Chứng nhận lớp đảng viên mới")
            ends = r["recognition__ends_on"]
            if ends is not None and (ends - today).days <= 60:  # the end papers, as the end approaches
                missing += [str(label) for name, label in R.END_PAPERS if r[f"recognition__{name}"] is None]
        due = r["recognition__due_on"]
        flag = "overdue" if due and due < today else "soon" if due and due <= soon_until else ""
        out.append(
            ProbationRow(
                membership_id=r["pk"],
                recognition_id=r["recognition__pk"],
                person=r["person__full_name"],
                cell=r["cell__name"],
                ceremony_on=r["ceremony_date"] or r["admission_date"],
                ends_on=r["recognition__ends_on"],
                step=str(R.BY_CODE[r["recognition__step"]].short) if r["recognition__step"] else "",
                due_on=due,
                flag=flag,
                missing=missing,
                escalated=r["recognition__escalated_on"] is not None,
            )
        )
    return out, total


@dataclass
class RecognitionView:
    recognition: Recognition
    steps: list[tuple[str, str, RecognitionStep | None, bool]]  # code, label, record, current
    votes: list[RecognitionVote]
    mentors: list[ProbationMentor]
    certificate: Certificate | None
    papers: list[tuple[str, str, dt.date | None]]
    due_rule_text: str
    days_late: int
    failed_votes: int
    deadlock_votes: int


def recognition_get(scope: Scope, pk: int) -> Recognition:
    return recognition_queryset(scope).select_related("membership__person", "membership__cell").get(pk=pk)


def recognition_view(scope: Scope, pk: int, *, today: dt.date) -> RecognitionView:
    r = recognition_get(scope, pk)
    book = RuleBook.load()
    records = {rec.step: rec for rec in r.records.select_related("recorded_by")}
    steps = [
        (code, str(R.BY_CODE[code].label), records.get(code), r.is_open and code == r.step)
        for code in r.steps
    ]
    due_rule_text = ""
    if r.due_rule:
        rule = book.get(r.due_rule, on=r.step_since, org=r.membership.cell)
        param = PARAMS[r.due_rule]
        due_rule_text = f"{param.label}: {rule.text} {param.unit} — {rule.cite}"
    days_late = 0
    if r.is_open and r.due_on is not None and r.due_on < today:
        days_late = calendar_from_db().working_days_between(r.due_on, today)
    votes = list(r.votes.all())
    body = "base_committee" if r.step == R.BASE_RESOLUTION else "cell"
    return RecognitionView(
        recognition=r,
        steps=steps,
        votes=votes,
        mentors=list(r.mentors.select_related("mentor__person")),
        certificate=Certificate.objects.filter(person_id=r.membership.person_id, kind=ClassKind.NEW_MEMBER)
        .order_by("-issued_on")
        .first(),
        papers=[(name, str(label), getattr(r, name)) for name, label in R.END_PAPERS],
        due_rule_text=due_rule_text,
        days_late=days_late,
        failed_votes=sum(1 for v in votes if v.body == body and not v.outcome),
        deadlock_votes=int(book.value("recognition.deadlock_votes", on=today, org=r.membership.cell)),
    )


def living_here(scope: Scope, *, org: Organization) -> QuerySet[Membership]:
    """Members registered as living in the cells of `org` (read-only, wherever their cell)."""

    here = Residence.objects.filter(
        ended_on__isnull=True, membership_id=OuterRef("pk"), cell__path__startswith=org.path
    ).filter(scope.org_filter("cell"))
    return (
        Membership.objects.filter(Exists(here), is_active=True)
        .select_related("person", "cell")
        .order_by("person__sort_key", "pk")
    )
