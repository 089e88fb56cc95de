"""A cell's day for its secretary (and, read-only, for whoever views the cell): this month's
meeting, the dossiers the cell is working on, the candidates the cell has not discussed
for three months, the probations ending, and the user's unread notifications (issue 23).
A dozen queries at most, whatever the cell's size; the cell's part is kept until the data
change (reports/kept.py), the user's notifications read live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from dangvien.accounts.models import User
from dangvien.candidates.models import Candidate
from dangvien.candidates.selectors import ASSESSMENT_MONTHS, candidate_list, unheard_since
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.selectors import case_queryset, due_soon_limit
from dangvien.cases.models import Case, CaseState
from dangvien.cases.recognition.selectors import ProbationRow, probation_list
from dangvien.committees.models import Meeting, MeetingKind
from dangvien.core.dates import add_months
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.reports.kept import kept_report
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook
from dangvien.watch.models import Notification
from dangvien.watch.selectors import notifications

SHOWN = 6  # lines per section; the section's link leads to the whole list
PROBATION_AHEAD_DAYS = 60


@dataclass
class DossierLine:
    case: Case
    step: str
    flag: str  # "overdue", "soon" or ""


@dataclass
class CellToday:
    cell: Organization
    meeting_this_month: Meeting | None
    last_meeting: Meeting | None
    dossiers: list[DossierLine] = field(default_factory=list)
    dossiers_total: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    candidates_total: int = 0
    probation: list[ProbationRow] = field(default_factory=list)
    probation_total: int = 0
    unread: list[Notification] = field(default_factory=list)
    unread_total: int = 0

    @property
    def things_to_do(self) -> int:
        """What the secretary has to act on, as the page's first figure."""
        return (
            (0 if self.meeting_this_month else 1)
            + sum(1 for d in self.dossiers if d.flag)
            + self.candidates_total
            + self.probation_total
        )


def cell_today(scope: Scope, cell: Organization, user: User, today: dt.date) -> CellToday:
    """The cell's part kept until the data change (a dozen queries at every visit
    otherwise: the home page a secretary opens first), the user's notifications live."""
    kept = kept_report("cell-today", scope, cell, (today,), lambda: _cell_part(scope, cell, today))
    unread_qs = notifications(user, unread_only=True)
    return replace(kept, unread=list(unread_qs[:SHOWN]), unread_total=unread_qs.count())


def _cell_part(scope: Scope, cell: Organization, today: dt.date) -> CellToday:
    month_start = today.replace(day=1)
    meetings = Meeting.objects.filter(cell=cell, held_on__lte=today).order_by("-held_on")
    this_month = meetings.filter(kind=MeetingKind.REGULAR, held_on__gte=month_start).first()
    last = meetings.first()

    open_cases = case_queryset(scope, org=cell).filter(state=CaseState.OPEN)
    labels = {s.code: str(s.label) for s in P.STEPS}
    # "Due soon" as the board and the daily watch say it (a rule, in working days).
    soon = due_soon_limit(today, org=cell, book=RuleBook.load(), cal=calendar_from_db())
    dossiers = []
    for c in open_cases.select_related("person").order_by("due_on", "pk")[:SHOWN]:
        due = c.due_on
        flag = "" if due is None else "overdue" if due < today else "soon" if due <= soon else ""
        dossiers.append(DossierLine(c, labels.get(c.step, c.step), flag))

    unheard = candidate_list(scope, org=cell, today=today).filter(
        unheard_since(add_months(today, -ASSESSMENT_MONTHS))
    )
    rows, _total = probation_list(scope, org=cell, today=today, limit=200)
    ending = [
        r
        for r in rows
        if r.flag or (r.ends_on is not None and (r.ends_on - today).days <= PROBATION_AHEAD_DAYS)
    ]
    return CellToday(
        cell=cell,
        meeting_this_month=this_month,
        last_meeting=last,
        dossiers=dossiers,
        dossiers_total=open_cases.count(),
        candidates=list(unheard[:SHOWN]),
        candidates_total=unheard.count(),
        probation=ending[:SHOWN],
        probation_total=len(ending),
    )
