"""Admissions held together on anniversaries: the national days and the local ones, and
the dossiers whose ceremony could be held on each of them within the time limit.

A ceremony must be held within 30 working days of the cell receiving the decision (the
rule pack's `deadline.ceremony_working_days`). So a ceremony on day A fits a decision
received on a day r when r ≤ A ≤ r + 30 working days: for a dossier still waiting for its
decision, the planner gives the window of receipt dates that makes A possible; for one
already decided, whether A is before its deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import Case, CaseState, CeremonyDay
from dangvien.core.errors import ServiceError
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, ScopeDenied, scope_for
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.selectors import RuleBook

NATIONAL_DAYS = [
    (2, 3, "Ngày thành lập Đảng Cộng sản Việt Nam"),
    (5, 19, "Ngày sinh Chủ tịch Hồ Chí Minh"),
    (9, 2, "Quốc khánh"),
]


@dataclass
class Anniversary:
    on: dt.date
    name: str
    org: Organization | None  # None: a national day


@dataclass
class Fit:
    case: Case
    decided: bool  # the decision is received: `deadline` is its ceremony deadline
    receive_from: dt.date | None = None  # waiting: receive the decision in [receive_from, on]
    deadline: dt.date | None = None


@dataclass
class PlannedDay:
    day: Anniversary
    fits: list[Fit] = field(default_factory=list)


@transaction.atomic
def ceremony_day_add(
    *, actor: User | None, org: Organization, name: str, day: int, month: int
) -> CeremonyDay:
    if not scope_for(actor).can_manage(org):
        raise ScopeDenied
    name = " ".join(name.split())[:200]
    if not name:
        raise ServiceError("cases.anniversary_name_missing", field="name")
    try:
        dt.date(2025, month, day)  # not a leap year: 29/02 comes only one year in four
    except (ValueError, TypeError):
        raise ServiceError("cases.no_such_day", day=day, month=month, field="day") from None
    if any((m, d) == (month, day) for m, d, _ in NATIONAL_DAYS):
        raise ServiceError("cases.already_national_day", field="day")
    try:
        with transaction.atomic():
            row = CeremonyDay.objects.create(organization=org, name=name, day=day, month=month)
    except IntegrityError:
        raise ServiceError("cases.anniversary_exists", org=org, day=day, month=month, field="day") from None
    audit_log(
        actor=actor, action="cases.ceremony_day_add", obj=org, changes={"name": name, "day": f"{day}/{month}"}
    )
    return row


@transaction.atomic
def ceremony_day_remove(*, actor: User | None, row: CeremonyDay) -> None:
    if not scope_for(actor).can_manage(row.organization):
        raise ScopeDenied
    audit_log(
        actor=actor,
        action="cases.ceremony_day_remove",
        obj=row.organization,
        changes={"name": row.name, "day": f"{row.day}/{row.month}"},
    )
    row.delete()


def _next(month: int, day: int, today: dt.date) -> dt.date:
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def coming_days(scope: Scope, org: Organization, today: dt.date, *, days: int = 366) -> list[Anniversary]:
    """National days and the local days of org, its committees above and its units below,
    in the coming `days`, soonest first (one query)."""
    ids = [*org.ancestor_ids(), org.pk]
    local = CeremonyDay.objects.select_related("organization").filter(organization_id__in=ids) | (
        CeremonyDay.objects.select_related("organization").filter(
            organization__path__startswith=org.path, organization__in=scope.orgs()
        )
    )
    result = [Anniversary(_next(m, d, today), name, None) for m, d, name in NATIONAL_DAYS]
    result += [Anniversary(_next(r.month, r.day, today), r.name, r.organization) for r in local.distinct()]
    horizon = today + dt.timedelta(days=days)
    return sorted((a for a in result if a.on <= horizon), key=lambda a: (a.on, a.name))


def earliest_receipt(on: dt.date, limit: int, cal: Calendar) -> dt.date:
    """The first day a decision can be received for a ceremony on `on` to be within
    `limit` working days of it."""
    r = cal.add_working_days(on, -(limit + 1))
    while cal.add_working_days(r, limit) < on:
        r += dt.timedelta(days=1)
    return r


def ceremony_plan(scope: Scope, org: Organization, today: dt.date, *, days: int = 366) -> list[PlannedDay]:
    """For each coming anniversary, the open dossiers of org's subtree whose ceremony could
    be held that day within the limit (two queries, plus the rules and calendar)."""
    plan = [PlannedDay(a) for a in coming_days(scope, org, today, days=days)]
    cases = list(
        Case.objects.filter(
            cell__path__startswith=org.path,
            state=CaseState.OPEN,
            step__in=[P.BASE_RESOLUTION, P.DECISION, P.CEREMONY],
        )
        .filter(scope.org_filter("cell"))
        .select_related("person", "cell")
        .order_by("due_on", "pk")
    )
    if not cases:
        return plan
    book, cal = RuleBook.load(), calendar_from_db()
    for planned in plan:
        on = planned.day.on
        limit = int(book.value("deadline.ceremony_working_days", on=on, org=org))
        receive_from = earliest_receipt(on, limit, cal)
        for c in cases:
            if c.step == P.CEREMONY and c.decision_received_on is not None:
                if c.decision_received_on <= on and (c.due_on is None or on <= c.due_on):
                    planned.fits.append(Fit(c, True, deadline=c.due_on))
            elif c.due_on is None or receive_from <= c.due_on:
                # Still to be decided by c.due_on: on is possible if it is received in the window.
                planned.fits.append(Fit(c, False, receive_from=max(receive_from, today)))
    return plan
