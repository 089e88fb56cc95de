"""Reads of admission dossiers, scoped by the acting user's organizations: the pipeline
board, the overdue and due-soon lists, one case with its history and checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber

from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import Check, admission_checks
from dangvien.cases.models import Case, CaseState, Introduction, StepRecord, Suspension, Verification, Vote
from dangvien.core.dates import add_months
from dangvien.members.models import MembershipPeriod, Status
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.packs import PARAMS
from dangvien.rules.selectors import RuleBook


def cell_voters(cell: Organization, on: dt.date) -> tuple[int, int]:
    """(official members, exempt or temporarily exempt members) of the cell on `on`, from
    the registry's history: what the cell meeting's denominator is proposed from."""
    rows = (
        MembershipPeriod.objects.filter(cell=cell, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {r["status"]: r["n"] for r in rows}
    return counts.get(Status.OFFICIAL, 0), counts.get(Status.EXEMPT, 0) + counts.get(Status.TEMP_EXEMPT, 0)


def case_queryset(scope: Scope, *, org: Organization | None = None) -> QuerySet[Case]:
    qs = Case.objects.filter(scope.org_filter("cell"))
    if org is not None:
        qs = qs.filter(cell__path__startswith=org.path)
    return qs


def due_soon_limit(today: dt.date, *, org: Organization | None, book: RuleBook, cal: Calendar) -> dt.date:
    days = int(book.value("watch.due_soon_working_days", on=today, org=org))
    return cal.add_working_days(today, days)


@dataclass
class Card:
    id: int
    person: str
    cell: str
    state: str
    step_since: dt.date
    due_on: dt.date | None
    days_in_step: int
    flag: str  # "overdue", "soon", "suspended" or ""


@dataclass
class Column:
    code: str
    label: str
    count: int = 0
    overdue: int = 0
    soon: int = 0
    cards: list[Card] = field(default_factory=list)


@dataclass
class Board:
    columns: list[Column]
    total: int
    overdue: int
    soon: int
    suspended: int
    soon_until: dt.date


def pipeline_board(
    scope: Scope,
    *,
    org: Organization,
    today: dt.date,
    cell: Organization | None = None,
    per_column: int = 30,
    book: RuleBook | None = None,
    cal: Calendar | None = None,
) -> Board:
    """Open cases by step: counts in one query, the most urgent cards of each column in
    another (a window ranks them within their step)."""
    book = book or RuleBook.load()
    cal = cal or calendar_from_db()
    soon_until = due_soon_limit(today, org=org, book=book, cal=cal)
    qs = case_queryset(scope, org=cell or org).filter(state__in=[CaseState.OPEN, CaseState.SUSPENDED])
    open_q = Q(state=CaseState.OPEN)
    counts = {
        r["step"]: r
        for r in qs.values("step").annotate(
            n=Count("pk"),
            late=Count("pk", filter=open_q & Q(due_on__lt=today)),
            soon=Count("pk", filter=open_q & Q(due_on__gte=today, due_on__lte=soon_until)),
            paused=Count("pk", filter=Q(state=CaseState.SUSPENDED)),
        )
    }
    ranked = (
        qs.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("step")],
                order_by=[F("due_on").asc(nulls_last=True), F("step_since").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=per_column)
        .values("pk", "person__full_name", "cell__name", "state", "step", "step_since", "due_on")
    )
    columns = {s.code: Column(s.code, str(s.short)) for s in P.STEPS}
    for code, r in counts.items():
        col = columns[code]
        col.count, col.overdue, col.soon = r["n"], r["late"], r["soon"]
    for r in ranked:
        due = r["due_on"]
        if r["state"] == CaseState.SUSPENDED:
            flag = "suspended"
        elif due is not None and due < today:
            flag = "overdue"
        elif due is not None and due <= soon_until:
            flag = "soon"
        else:
            flag = ""
        columns[r["step"]].cards.append(
            Card(
                id=r["pk"],
                person=r["person__full_name"],
                cell=r["cell__name"],
                state=r["state"],
                step_since=r["step_since"],
                due_on=due,
                days_in_step=(today - r["step_since"]).days,
                flag=flag,
            )
        )
    for col in columns.values():
        col.cards.sort(key=lambda c: (c.due_on is None, c.due_on or today, c.step_since, c.id))
    cols = list(columns.values())
    return Board(
        columns=cols,
        total=sum(c.count for c in cols),
        overdue=sum(c.overdue for c in cols),
        soon=sum(c.soon for c in cols),
        suspended=sum(r["paused"] for r in counts.values()),
        soon_until=soon_until,
    )


@dataclass(slots=True)  # not frozen: a frozen dataclass costs twice as much to build, per row
class DueItem:
    case_id: int
    person: str
    cell_code: str
    cell: str
    step: str
    step_label: str
    due_on: dt.date
    due_rule: str
    working_days_late: int  # negative: working days left
    kind: str = "admission"  # or "recognition", "transfer": the dossier case_id points to

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "case": self.case_id,
            "person": self.person,
            "cell": self.cell_code,
            "cell_name": self.cell,
            "step": self.step,
            "step_label": self.step_label,
            "due_on": self.due_on.isoformat(),
            "rule": self.due_rule,
            "working_days_late": self.working_days_late,
        }


def _due_items(qs: QuerySet[Case], as_of: dt.date, cal: Calendar) -> list[DueItem]:
    rows = qs.order_by("due_on", "pk").values_list(
        "pk", "person__full_name", "cell__code", "cell__name", "step", "due_on", "due_rule"
    )
    labels = {s.code: str(s.label) for s in P.STEPS}  # translated once, not once per row
    late_by_due: dict[dt.date, int] = {}  # many steps share a due date
    items = []
    for pk, person, code, cell, step, due, rule in rows:
        assert due is not None  # the callers filter on due_on
        late = late_by_due.get(due)
        if late is None:
            if due < as_of:
                late = cal.working_days_between(due, as_of)
            else:
                late = -cal.working_days_between(as_of, due)
            late_by_due[due] = late
        items.append(DueItem(pk, person, code, cell, step, labels[step], due, rule, late))
    return items


def overdue_items(
    scope: Scope, *, org: Organization, as_of: dt.date, cal: Calendar | None = None
) -> list[DueItem]:
    """Every open step whose deadline passed before `as_of`, oldest first."""
    qs = case_queryset(scope, org=org).filter(state=CaseState.OPEN, due_on__lt=as_of)
    return _due_items(qs, as_of, cal or calendar_from_db())


def due_soon_items(
    scope: Scope,
    *,
    org: Organization,
    today: dt.date,
    book: RuleBook | None = None,
    cal: Calendar | None = None,
) -> list[DueItem]:
    """Open steps due from today to the due-soon horizon (5 working days by default)."""
    cal = cal or calendar_from_db()
    until = due_soon_limit(today, org=org, book=book or RuleBook.load(), cal=cal)
    qs = case_queryset(scope, org=org).filter(state=CaseState.OPEN, due_on__gte=today, due_on__lte=until)
    return _due_items(qs, today, cal)


@dataclass
class StepLine:
    code: str
    label: str
    record: StepRecord | None
    papers: list[tuple[P.Paper, bool]]  # (paper, handed in)
    current: bool

    @property
    def missing(self) -> list[P.Paper]:
        return [p for p, given in self.papers if not given]


@dataclass
class CaseView:
    case: Case
    steps: list[StepLine]
    checks: list[Check]
    checks_on: dt.date
    votes: list[Vote]
    verifications: list[Verification]
    introductions: list[Introduction]
    suspensions: list[Suspension]
    due_rule_text: str
    probation_end: dt.date | None
    days_late: int  # working days past due_on (0 when not late)


def case_get(scope: Scope, pk: int) -> Case:
    """The case if the user may read it; Case.DoesNotExist (a 404) otherwise."""
    return case_queryset(scope).select_related("cell", "person", "candidate", "membership").get(pk=pk)


def case_view(scope: Scope, pk: int, *, today: dt.date) -> CaseView:
    c = case_get(scope, pk)
    book = RuleBook.load()
    # Each related list read once, for the page and for the checks.
    record_rows = list(c.records.select_related("recorded_by"))
    records = {r.step: r for r in record_rows}
    intros = list(c.introductions.select_related("introducer__person"))
    prefetch_related_objects([c], "verifications")  # for the page and check_verification
    verifications = list(c.verifications.all())
    steps = []
    for code in c.steps:
        rec = records.get(code)
        given = set(rec.papers) if rec else set()
        steps.append(
            StepLine(
                code=code,
                label=str(P.BY_CODE[code].label),
                record=rec,
                papers=[(p, p.code in given) for p in P.required_papers(code, c.route)],
                current=c.is_open and code == c.step,
            )
        )
    checks_on = c.cell_resolution_on or (c.closed_on if not c.is_open else None) or today
    due_rule_text = ""
    if c.due_rule:
        r = book.get(c.due_rule, on=c.step_since, org=c.cell)
        param = PARAMS[c.due_rule]
        due_rule_text = f"{param.label}: {r.text} {param.unit} — {r.cite}"
    probation_end = None
    if c.ceremony_on:
        months = int(book.value("probation.months", on=c.ceremony_on, org=c.cell))
        probation_end = add_months(c.ceremony_on, months)
    days_late = 0
    if c.state == CaseState.OPEN and c.due_on is not None and c.due_on < today:
        days_late = calendar_from_db().working_days_between(c.due_on, today)
    return CaseView(
        case=c,
        steps=steps,
        checks=admission_checks(c, on=checks_on, book=book, intros=intros, records=record_rows),
        checks_on=checks_on,
        votes=list(c.votes.all()),
        verifications=verifications,
        introductions=intros,
        suspensions=list(c.suspensions.all()),
        due_rule_text=due_rule_text,
        probation_end=probation_end,
        days_late=days_late,
    )


def failed_votes(scope: Scope, *, org: Organization, since: dt.date) -> list[Vote]:
    """Votes that did not reach 2/3 since a date, newest first: what the committee above
    is told ("a failed vote is still reported upward with its full result")."""
    return list(
        Vote.objects.filter(passed=False, held_on__gte=since, case__in=case_queryset(scope, org=org))
        .select_related("case__person", "case__cell")
        .order_by("-held_on", "-pk")[:50]
    )
