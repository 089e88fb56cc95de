"""Reads of the pool, through the acting user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet

from dangvien.accounts.scope import Scope
from dangvien.candidates.models import OPEN_STATES, Candidate, Certificate, ClassKind, Source, State
from dangvien.orgs.models import Organization
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
            None, None, False, "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng: cần học lớp"
        )
    rule = (book or RuleBook.load()).get("certificate.validity_months", on=on, org=org)
    months = int(rule.value)
    valid_until = add_months(cert.issued_on, months) - dt.timedelta(days=1)
    if on > valid_until:
        return CertificateStatus(
            cert,
            valid_until,
            False,
            f"Giấy chứng nhận cấp ngày {cert.issued_on:%d/%m/%Y} đã hết hạn ngày {valid_until:%d/%m/%Y} "
            f"(có giá trị {months} tháng — {rule.cite}): cần học lại lớp bồi dưỡng nhận thức",
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
    not_assessed: list[Candidate]  # open candidates with no assessment in the last 3 months


def pool_survey(scope: Scope, *, org: Organization | None, today: dt.date) -> PoolSurvey:
    """The pool of an organization's subtree today, in four queries whatever its size
    (the rules, the count by source, the other counts, the not-assessed list)."""
    validity = int(RuleBook.load().value("certificate.validity_months", on=today, org=org))
    since = add_months(today, -ASSESSMENT_MONTHS)
    base = candidate_queryset(scope, org=org)
    by_source = {s: 0 for s in Source.values}
    for row in base.values("source").annotate(n=Count("id")).order_by():
        by_source[row["source"]] = row["n"]
    flagged = _with_flags(base, today, validity)
    agg = flagged.aggregate(
        total=Count("id"),
        certified=Count("id", filter=Q(has_certificate=True)),
        assessed=Count("id", filter=Q(last_assessed__gte=since)),
        ready=Count("id", filter=Q(state=State.READY)),
    )
    stale = list(
        flagged.filter(Q(last_assessed__lt=since) | Q(last_assessed__isnull=True))
        .filter(Q(listed_on__lt=since) | Q(listed_on__isnull=True))
        .select_related("person", "cell")
        .order_by("last_assessed", "person__sort_key")[:200]
    )
    return PoolSurvey(
        total=agg["total"],
        by_source=by_source,
        with_valid_certificate=agg["certified"],
        assessed_recently=agg["assessed"],
        ready=agg["ready"],
        not_assessed=stale,
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
