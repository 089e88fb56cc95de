"""Timeliness: for an organization, the open items due soon and overdue, and for a period
(a year, a term) the share of recognitions, admission decisions, ceremonies and
transfers completed on time, with the late ones listed.

Everything is read from the history rows — a step's record keeps the deadline it had
(StepRecord.due_on, RecognitionStep.due_on) beside the day it was done; a transfer keeps
its letter's and its move's deadlines beside the day it was received — so the report
is what a committee can prove, not what a counter says."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.selectors import DueItem, overdue_items
from dangvien.cases.models import (
    OPEN_TRANSFER_STATES,
    Case,
    CaseState,
    Recognition,
    RecognitionState,
    RecognitionStep,
    StepRecord,
    Transfer,
)
from dangvien.cases.recognition import rules as R
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.selectors import RuleBook

KINDS = {
    "recognition": _("Công nhận đảng viên chính thức"),
    "decision": _("Quyết định kết nạp"),
    "ceremony": _("Lễ kết nạp"),
    "transfer": _("Chuyển sinh hoạt đảng"),
}


@dataclass(slots=True)
class LateItem:
    kind: str
    what: str
    person: str
    cell: str
    due_on: dt.date
    done_on: dt.date
    working_days_late: int
    link: tuple[str, int]  # (url name, pk)

    # For the template: an index into a tuple (link.0) costs it a dir() call per row.
    @property
    def url_name(self) -> str:
        return self.link[0]

    @property
    def url_pk(self) -> int:
        return self.link[1]


@dataclass
class Share:
    kind: str
    label: str
    total: int = 0
    on_time: int = 0
    late: list[LateItem] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return 100 * self.on_time / self.total if self.total else None


@dataclass
class ChildRow:
    org: Organization
    counts: dict[str, tuple[int, int]]  # kind -> (on time, total)
    # The same in the order of the report's columns (KINDS): (on time, total, some late),
    # (None, None, False) where nothing was done. What the page draws, unpacked in its
    # loop: an index into a tuple (c.0) costs the template a dir() call, and a province has
    # 100 children × 4 columns.
    cells: list[tuple[int | None, int | None, bool]] = field(default_factory=list)


@dataclass
class Timeliness:
    org: Organization
    start: dt.date
    end: dt.date
    shares: list[Share]
    children: list[ChildRow]
    overdue: dict[str, int]
    soon: dict[str, int]
    soon_until: dt.date

    @property
    def all_on_time(self) -> bool:
        return all(not s.late for s in self.shares)


def _under(prefix: str, org: Organization) -> Q:
    return Q(**{f"{prefix}path__startswith": org.path})


def timeliness(
    scope: Scope,
    *,
    org: Organization,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    book: RuleBook | None = None,
    cal: Calendar | None = None,
) -> Timeliness:
    book = book or RuleBook.load()
    cal = cal or calendar_from_db()
    soon_until = cal.add_working_days(
        today, int(book.value("watch.due_soon_working_days", on=today, org=org))
    )
    shares = {k: Share(k, str(label)) for k, label in KINDS.items()}
    by_path: list[tuple[str, str, bool]] = []  # (cell path, kind, on time)

    def count(kind: str, path: str, ok: bool, late: LateItem | None) -> None:
        s = shares[kind]
        s.total += 1
        s.on_time += ok
        if late is not None:
            s.late.append(late)
        by_path.append((path, kind, ok))

    # Admission decisions and ceremonies: one StepRecord each, with the deadline it had.
    steps = (
        StepRecord.objects.filter(step__in=[P.DECISION, P.CEREMONY], done_on__gte=start, done_on__lte=end)
        .filter(scope.org_filter("case__cell"), _under("case__cell__", org))
        .values_list(
            "case_id",
            "step",
            "done_on",
            "due_on",
            "case__person__full_name",
            "case__cell__name",
            "case__cell__path",
        )
    )
    for case_id, step, done, due, person, cell, path in steps:
        ok = due is None or done <= due
        late = None
        if due is not None and not ok:
            late = LateItem(
                step,
                str(P.BY_CODE[step].label),
                person,
                cell,
                due,
                done,
                cal.working_days_between(due, done),
                ("web:case_detail", case_id),
            )
        count(step, path, ok, late)

    # Recognitions decided in the period: on time when every step was (cell, committee, decision).
    rec_rows = (
        RecognitionStep.objects.filter(
            recognition__in=RecognitionStep.objects.filter(
                step=R.DECISION, done_on__gte=start, done_on__lte=end
            ).values("recognition_id")
        )
        .filter(
            scope.org_filter("recognition__membership__cell"), _under("recognition__membership__cell__", org)
        )
        .values_list(
            "recognition_id",
            "step",
            "done_on",
            "due_on",
            "recognition__membership__person__full_name",
            "recognition__membership__cell__name",
            "recognition__membership__cell__path",
        )
        .order_by("recognition_id", "done_on")
    )
    grouped: dict[int, list[tuple[str, dt.date, dt.date | None, str, str, str]]] = defaultdict(list)
    for rid, step, done, due, person, cell, path in rec_rows:
        grouped[rid].append((step, done, due, person, cell, path))
    for rid, rows in grouped.items():
        worst = None
        for step, done, due, person, cell, _path in rows:
            if due is not None and done > due:
                days = cal.working_days_between(due, done)
                if worst is None or days > worst.working_days_late:
                    worst = LateItem(
                        "recognition",
                        str(R.BY_CODE[step].label),
                        person,
                        cell,
                        due,
                        done,
                        days,
                        ("web:recognition_detail", rid),
                    )
        count("recognition", rows[0][5], worst is None, worst)

    # Transfers received in the period, against the earlier of their two deadlines.
    transfers = (
        Transfer.objects.filter(received_on__gte=start, received_on__lte=end)
        .filter(scope.org_filter("to_cell"), _under("to_cell__", org))
        .values_list(
            "pk",
            "received_on",
            "present_by",
            "complete_by",
            "membership__person__full_name",
            "to_cell__name",
            "to_cell__path",
        )
    )
    for pk, received, present_by, complete_by, person, cell, path in transfers:
        assert received is not None  # filtered on received_on
        due = min(present_by, complete_by) if present_by else complete_by
        ok = received <= due
        late = None
        if not ok:
            late = LateItem(
                "transfer",
                str(KINDS["transfer"]),
                person,
                cell,
                due,
                received,
                cal.working_days_between(due, received),
                ("web:transfer_detail", pk),
            )
        count("transfer", path, ok, late)

    for s in shares.values():
        s.late.sort(key=lambda item: (-item.working_days_late, item.person))

    children = [c for c in Organization.objects.filter(parent=org).order_by("name") if scope.can_read(c)]
    child_counts: dict[int, dict[str, list[int]]] = {c.pk: defaultdict(lambda: [0, 0]) for c in children}
    # A child's path is its parent's plus one segment: the row's child is a dict lookup on
    # the prefix of that length, not a scan of the children (a province has hundreds).
    by_prefix = {c.path: c.pk for c in children}
    widths = sorted({len(c.path) for c in children})  # one width unless ids outgrow 8 digits
    for path, kind, ok in by_path:
        for width in widths:
            child = by_prefix.get(path[:width])
            if child is not None:
                tally = child_counts[child][kind]
                tally[0] += ok
                tally[1] += 1
                break

    # Open items: overdue and due soon in one aggregate per table.
    late_q, soon_q = Q(due_on__lt=today), Q(due_on__gte=today, due_on__lte=soon_until)
    agg = {"late": Count("pk", filter=late_q), "soon": Count("pk", filter=soon_q)}
    open_rows: dict[str, QuerySet[Any]] = {
        "case": Case.objects.filter(scope.org_filter("cell"), _under("cell__", org), state=CaseState.OPEN),
        "recognition": Recognition.objects.filter(
            scope.org_filter("membership__cell"),
            _under("membership__cell__", org),
            state=RecognitionState.OPEN,
        ),
        "transfer": Transfer.objects.filter(
            (scope.org_filter("from_cell") & _under("from_cell__", org))
            | (scope.org_filter("to_cell") & _under("to_cell__", org)),
            state__in=OPEN_TRANSFER_STATES,
        ),
    }
    overdue, soon = {}, {}
    for key, qs in open_rows.items():
        counts = qs.filter(due_on__lte=soon_until).aggregate(**agg)
        overdue[key], soon[key] = counts["late"], counts["soon"]

    return Timeliness(
        org=org,
        start=start,
        end=end,
        shares=list(shares.values()),
        children=[_child_row(c, child_counts[c.pk]) for c in children],
        overdue=overdue,
        soon=soon,
        soon_until=soon_until,
    )


def _child_row(org: Organization, tallies: dict[str, list[int]]) -> ChildRow:
    counts = {k: (v[0], v[1]) for k, v in tallies.items()}
    cells: list[tuple[int | None, int | None, bool]] = [
        (c[0], c[1], c[0] < c[1]) if c is not None else (None, None, False)
        for c in (counts.get(kind) for kind in KINDS)
    ]
    return ChildRow(org, counts, cells)


def overdue_everything(
    scope: Scope, *, org: Organization, as_of: dt.date, cal: Calendar | None = None
) -> list[DueItem]:
    """Every open deadline past due under `org` — admission steps, recognition steps,
    transfers not received (on either side) — oldest first: `report overdue`."""

    cal = cal or calendar_from_db()
    items = overdue_items(scope, org=org, as_of=as_of, cal=cal)
    labels = {s.code: f"Công nhận chính thức — {s.label}" for s in R.STEPS}
    recs = (
        Recognition.objects.filter(scope.org_filter("membership__cell"), _under("membership__cell__", org))
        .filter(state=RecognitionState.OPEN, due_on__lt=as_of)
        .values_list(
            "pk",
            "membership__person__full_name",
            "membership__cell__code",
            "membership__cell__name",
            "step",
            "due_on",
            "due_rule",
        )
    )
    for pk, person, code, cell, step, due, rule in recs:
        assert due is not None
        items.append(
            DueItem(
                pk,
                person,
                code,
                cell,
                step,
                labels[step],
                due,
                rule,
                cal.working_days_between(due, as_of),
                "recognition",
            )
        )
    transfers = Transfer.objects.filter(
        (scope.org_filter("from_cell") & _under("from_cell__", org))
        | (scope.org_filter("to_cell") & _under("to_cell__", org)),
        state__in=OPEN_TRANSFER_STATES,
        due_on__lt=as_of,
    ).values_list(
        "pk",
        "membership__person__full_name",
        "from_cell__code",
        "from_cell__name",
        "state",
        "due_on",
        "present_by",
        "complete_by",
    )
    for pk, person, code, cell, state, due, present_by, complete_by in transfers:
        assert due is not None
        present = present_by is not None and present_by <= complete_by
        rule = (
            "deadline.transfer_present_working_days" if present else "deadline.transfer_complete_working_days"
        )
        what = "chưa được nơi đến tiếp nhận" if state == "in_transit" else "chưa cấp giấy giới thiệu"
        items.append(
            DueItem(
                pk,
                person,
                code,
                cell,
                state,
                f"Chuyển sinh hoạt — {what}",
                due,
                rule,
                cal.working_days_between(due, as_of),
                "transfer",
            )
        )
    items.sort(key=lambda i: (i.due_on, i.kind, i.case_id))
    return items
