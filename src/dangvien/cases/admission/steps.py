"""What every step of an admission dossier shares: the lock and the version, the order of
the steps and their dates, each step's deadline by the rule pack and the calendar, and the
record a done step leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from dangvien.accounts.models import User
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import (
    Case,
    CaseState,
    StepRecord,
)
from dangvien.core.dates import add_months
from dangvien.core.errors import ServiceError
from dangvien.core.services import recorded_by
from dangvien.core.versioned import lock_for_write
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_write, scope_for
from dangvien.rules.calendar import Calendar
from dangvien.rules.selectors import RuleBook


def today() -> dt.date:
    return timezone.localdate()


def lock_case(actor: User | None, case: Case, expected_version: int) -> Case:
    c = lock_for_write(Case.objects.select_related("cell", "person", "candidate"), case.pk, expected_version)
    require_write(scope_for(actor), c.cell)
    return c


def require_open(c: Case) -> None:
    if c.state == CaseState.SUSPENDED:
        raise ServiceError("cases.suspended")
    if c.state != CaseState.OPEN:
        raise ServiceError("cases.closed_no_more", v1=c.get_state_display())


def require_step(c: Case, step: str) -> None:
    require_open(c)
    if c.step == step:
        return
    done = c.records.filter(step=step).first()
    if done is not None:
        raise ServiceError("cases.step_already_done", v1=P.BY_CODE[step].label, done=done)
    if step not in c.steps:
        raise ServiceError("cases.no_such_step", v1=P.BY_CODE[step].label)
    raise ServiceError("cases.step_not_yet", v1=P.BY_CODE[step].label, v2=P.BY_CODE[c.step].label)


def last_done(c: Case) -> dt.date | None:
    return c.records.order_by("-done_on").values_list("done_on", flat=True).first()


def check_order(c: Case, on: dt.date, field: str) -> None:
    last = last_done(c)
    if last is not None and on < last:
        raise ServiceError(
            "cases.step_out_of_order",
            on=on,
            last=last,
            field=field,
        )


def clean_papers(step: str, papers: Iterable[str]) -> list[str]:
    allowed = [p.code for p in P.BY_CODE[step].papers]
    given = set(papers)
    unknown = given - set(allowed)
    if unknown:
        raise ServiceError("cases.papers_not_of_step", field="papers", papers=", ".join(sorted(unknown)))
    return [code for code in allowed if code in given]


def paused_days(c: Case, since: dt.date) -> int:
    return sum(s.working_days or 0 for s in c.suspensions.all() if s.since >= since)


def due_date(
    *,
    step: str,
    org: Organization,
    cell_resolution_on: dt.date | None,
    decision_received_on: dt.date | None,
    applied_on: dt.date | None,
    extension_days: int,
    paused_working_days: int,
    book: RuleBook,
    cal: Calendar,
) -> tuple[dt.date | None, str]:
    """The deadline of a step and the rule behind it.

    Before the cell's vote, the dossier's papers must not pass their validity (12 months
    from the application); after it, the competent committee's 60 working days (plus an
    extension); after the decision, the ceremony's 30 working days from its receipt.
    Suspensions within the running period push it by their working days."""
    if step in P.DECISION_PHASE and cell_resolution_on is not None:
        key = "deadline.admission_decision_working_days"
        n = int(book.value(key, on=cell_resolution_on, org=org)) + extension_days
        return cal.add_working_days(cell_resolution_on, n + paused_working_days), key
    if step == P.CEREMONY and decision_received_on is not None:
        key = "deadline.ceremony_working_days"
        n = int(book.value(key, on=decision_received_on, org=org))
        return cal.add_working_days(decision_received_on, n + paused_working_days), key
    if applied_on is not None:
        key = "papers.validity_months"
        months = int(book.value(key, on=applied_on, org=org))
        return add_months(applied_on, months) - dt.timedelta(days=1), key
    return None, ""


def compute_due(c: Case, *, book: RuleBook, cal: Calendar) -> tuple[dt.date | None, str]:
    """due_date() for a saved case, from its history rows."""
    since = c.decision_received_on if c.step == P.CEREMONY else c.cell_resolution_on
    return due_date(
        step=c.step,
        org=c.cell,
        cell_resolution_on=c.cell_resolution_on,
        decision_received_on=c.decision_received_on,
        applied_on=c.records.filter(step=P.APPLICATION).values_list("done_on", flat=True).first(),
        extension_days=c.extension_days,
        paused_working_days=paused_days(c, since) if since is not None else 0,
        book=book,
        cal=cal,
    )


def advance(c: Case, *, done_on: dt.date, book: RuleBook, cal: Calendar) -> None:
    nxt = P.next_step(c.steps, c.step)
    assert nxt is not None, "the ceremony closes the case"
    c.step, c.step_since = nxt, done_on
    c.due_on, c.due_rule = compute_due(c, book=book, cal=cal)


def record_step(
    c: Case, *, actor: User | None, step: str, done_on: dt.date, doc_ref: str, papers: list[str], note: str
) -> StepRecord:
    return StepRecord.objects.create(
        case=c,
        step=step,
        done_on=done_on,
        due_on=c.due_on,
        doc_ref=doc_ref.strip()[:100],
        papers=papers,
        note=note.strip()[:1000],
        recorded_by=recorded_by(actor),
    )
