"""Reads of the pool, through the acting user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dangvien.candidates.models import (
    OPEN_STATES,
    Attendance,
    Candidate,
    Certificate,
    ClassKind,
    Result,
    Source,
    State,
    TrainingClass,
)
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.people.models import Person
from dangvien.rules.calendar import add_months
from dangvien.rules.selectors import RuleBook

ASSESSMENT_MONTHS = 3  # the cell hears the mentor on each candidate at least once a quarter


@dataclass(frozen=True)
class CertificateStatus:
    certificate: Certificate | None
    valid_until: dt.date | None  # the last day it is valid
    valid: bool
    message: str  # why not, citing the rule; empty when valid


def certificate_status(
    person: Person, *, on: dt.date, org: Organization | None = None, book: RuleBook | None = None
) -> CertificateStatus:
    """Is the person's awareness-class certificate valid on `on` (e.g. the cell meeting)?
    Validity (60 months) comes from the rule pack in force on that date."""
    cert = (
        Certificate.objects.filter(person=person, kind=ClassKind.AWARENESS, issued_on__lte=on)
        .order_by("-issued_on", "-pk")
        .first()
    )
    if cert is None:
        return CertificateStatus(
            None, None, False, _("Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng: cần học lớp")
        )
    rule = (book or RuleBook.load()).get("certificate.validity_months", on=on, org=org)
    months = int(rule.value)
    valid_until = add_months(cert.issued_on, months) - dt.timedelta(days=1)
    if on > valid_until:
        return CertificateStatus(
            cert,
            valid_until,
            False,
            _(
                "Giấy chứng nhận cấp ngày {cert.issued_on:%d/%m/%Y} đã hết hạn ngày "
                "{valid_until:%d/%m/%Y} (có giá trị {months} tháng — {rule.cite}): cần "
                "học lại lớp bồi dưỡng nhận thức"
            ).format(cert=cert, valid_until=valid_until, months=months, rule=rule),
        )
    return CertificateStatus(cert, valid_until, True, "")


def candidate_queryset(
    scope: Scope, *, org: Organization | None = None, open_only: bool = True
) -> QuerySet[Candidate]:
    qs = Candidate.objects.filter(scope.org_filter("cell"))
    if org is not None:
        qs = qs.filter(cell_id=org.pk) if org.is_cell else qs.filter(cell__path__startswith=org.path)
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    return qs


def _with_flags(qs: QuerySet[Candidate], today: dt.date, validity_months: int) -> QuerySet[Candidate]:
    """Annotate the last assessment and whether an awareness certificate is valid today."""
    earliest_valid = add_months(today, -validity_months) + dt.timedelta(days=1)
    return qs.annotate(
        last_assessed=Max("assessments__on"),
        has_certificate=Exists(
            Certificate.objects.filter(
                person_id=OuterRef("person_id"),
                kind=ClassKind.AWARENESS,
                issued_on__gte=earliest_valid,
                issued_on__lte=today,
            )
        ),
    )


@dataclass
class PoolSurvey:
    total: int
    by_source: dict[str, int]
    with_valid_certificate: int
    assessed_recently: int
    ready: int
    not_assessed_count: int = 0


def unheard_since(since: dt.date) -> Q:
    """Candidates not heard by their cell since that day, and on the list for longer than
    that (a flagged queryset: `last_assessed` is _with_flags's annotation)."""
    return (Q(last_assessed__lt=since) | Q(last_assessed__isnull=True)) & (
        Q(listed_on__lt=since) | Q(listed_on__isnull=True)
    )


def pool_survey(scope: Scope, *, org: Organization | None, today: dt.date) -> PoolSurvey:
    """The pool of an organization's subtree today, in two queries whatever its size
    (the rules, the counts). The candidates not heard for 3
    months are counted here; the list puts them first (candidate_list)."""
    validity = int(RuleBook.load().value("certificate.validity_months", on=today, org=org))
    since = add_months(today, -ASSESSMENT_MONTHS)
    base = candidate_queryset(scope, org=org)
    flagged = _with_flags(base, today, validity)
    unheard = unheard_since(since)
    agg = flagged.aggregate(
        total=Count("id"),
        certified=Count("id", filter=Q(has_certificate=True)),
        assessed=Count("id", filter=Q(last_assessed__gte=since)),
        ready=Count("id", filter=Q(state=State.READY)),
        unheard=Count("id", filter=unheard),
        **{f"source_{i}": Count("id", filter=Q(source=s)) for i, s in enumerate(Source.values)},
    )
    return PoolSurvey(
        total=agg["total"],
        by_source={s: agg[f"source_{i}"] for i, s in enumerate(Source.values)},
        with_valid_certificate=agg["certified"],
        assessed_recently=agg["assessed"],
        ready=agg["ready"],
        not_assessed_count=agg["unheard"],
    )


def candidate_list(
    scope: Scope, *, org: Organization | None, today: dt.date, state: str = ""
) -> QuerySet[Candidate]:
    """Open candidates with their last assessment and whether their certificate is valid
    today, most urgent first (never assessed, then the longest unassessed)."""
    validity = int(RuleBook.load().value("certificate.validity_months", on=today, org=org))
    qs = candidate_queryset(scope, org=org)
    if state:
        qs = qs.filter(state=state)
    return (
        _with_flags(qs, today, validity)
        .select_related("person", "cell")
        .order_by(F("last_assessed").asc(nulls_first=True), "person__sort_key", "pk")
    )


@dataclass
class ClassTally:
    label: str
    classes: int = 0
    attendees: int = 0
    passed: int = 0


@dataclass
class ClassReport:
    """Classes held and attendees over a period: per organizer (classes organized in the
    subtree) and per organization (attendees from each child organization, wherever
    they studied)."""

    start: dt.date
    end: dt.date
    classes: Sequence[TrainingClass]
    by_organizer: list[ClassTally] = field(default_factory=list)
    by_org: list[ClassTally] = field(default_factory=list)
    attendees: int = 0
    passed: int = 0


def class_report(scope: Scope, *, org: Organization, start: dt.date, end: dt.date) -> ClassReport:
    """Four queries whatever the size: the classes organized in the subtree, their
    attendance counts, the attendances of the subtree's people, the child organizations."""
    organized = (
        TrainingClass.objects.filter(scope.org_filter("organizer"), organizer__path__startswith=org.path)
        .filter(starts_on__gte=start, starts_on__lte=end)
        .select_related("organizer")
        .annotate(
            n=Count("attendances"),
            n_passed=Count("attendances", filter=Q(attendances__result=Result.PASSED)),
        )
        .order_by("starts_on", "pk")
    )
    classes = list(organized)
    by_organizer: dict[str, ClassTally] = {}
    for tc in classes:
        label = tc.organizer_name or tc.organizer.name
        t = by_organizer.setdefault(label, ClassTally(label))
        t.classes += 1
        t.attendees += tc.n
        t.passed += tc.n_passed
    # Where each attendee belongs: their membership's cell, else their latest candidacy's.
    member_path = Membership.objects.filter(person_id=OuterRef("person_id"), is_active=True).values(
        "cell__path"
    )[:1]
    candidate_path = (
        Candidate.objects.filter(person_id=OuterRef("person_id")).order_by("-pk").values("cell__path")[:1]
    )
    rows = (
        Attendance.objects.filter(training_class__starts_on__gte=start, training_class__starts_on__lte=end)
        .annotate(path=Coalesce(Subquery(member_path), Subquery(candidate_path)))
        .filter(path__startswith=org.path)
        .values_list("path", "result")
    )
    children = {
        o.path: o.name for o in Organization.objects.filter(parent=org).only("path", "name").order_by("path")
    }
    depth = len(org.path) + 9  # one "%08d." segment more than the organization's own path
    by_org = {path: ClassTally(name) for path, name in children.items()}
    attendees = passed = 0
    for path, result in rows:
        if not scope.can_read_path(path):
            continue
        key = path[:depth] if path[:depth] in by_org else org.path
        t = by_org.setdefault(key, ClassTally(org.name))
        t.attendees += 1
        attendees += 1
        if result == Result.PASSED:
            t.passed += 1
            passed += 1
    return ClassReport(
        start=start,
        end=end,
        classes=classes,
        by_organizer=sorted(by_organizer.values(), key=lambda t: t.label),
        by_org=[t for t in by_org.values() if t.attendees],
        attendees=attendees,
        passed=passed,
    )
