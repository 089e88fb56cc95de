"""Reads of a user's notifications (their own only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from dangvien.accounts.models import User
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.selectors import case_queryset
from dangvien.cases.models import OPEN_TRANSFER_STATES, CaseState, RecognitionState, Transfer
from dangvien.cases.recognition import rules as R
from dangvien.cases.recognition.selectors import recognition_queryset
from dangvien.cases.transfer.selectors import transfers_in, transfers_out
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook
from dangvien.watch.models import Kind, Notification

BELL_SECONDS = 60  # the bell may lag a tick by a minute; it costs no query on most pages


def unread_count(user: User) -> int:
    count = cache.get_or_set(
        f"bell:{user.pk}",
        lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
        BELL_SECONDS,
    )
    return int(count or 0)


def forget_count(user: User) -> None:
    cache.delete(f"bell:{user.pk}")


# What needs doing first comes first: late, then due soon, then the reminders.
PRIORITY = [Kind.OVERDUE, Kind.DUE_SOON, Kind.PROBATION, Kind.CERTIFICATE, Kind.UNASSESSED, Kind.NO_ADMISSION]


def notifications(user: User, *, unread_only: bool) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    rank = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(PRIORITY)], output_field=IntegerField())
    return qs.annotate(rank=rank).order_by(
        F("read_at").asc(nulls_first=True), "-created_on", "rank", F("due_on").asc(nulls_last=True), "pk"
    )


@dataclass(slots=True)
class WatchLine:
    flag: str  # "overdue" or "soon"
    what: str
    person: str
    place: str
    due_on: dt.date
    url: str


def watch_list(
    scope: Scope, *, org: Organization, today: dt.date, limit: int = 12
) -> tuple[list[WatchLine], int]:
    """What is overdue or due soon in the scope, live (not the notifications of the last
    tick): admission steps, recognitions, transfers on either side. The most urgent
    `limit`, and how many there are in all. Six queries whatever the size."""
    from django.urls import reverse

    book = RuleBook.load()
    until = calendar_from_db().add_working_days(
        today, int(book.value("watch.due_soon_working_days", on=today, org=org))
    )
    cases = case_queryset(scope, org=org).filter(state=CaseState.OPEN, due_on__lte=until)
    recs = recognition_queryset(scope, org=org).filter(state=RecognitionState.OPEN, due_on__lte=until)
    out = transfers_out(scope, org=org).filter(state__in=OPEN_TRANSFER_STATES, due_on__lte=until)
    inn = transfers_in(scope, org=org).filter(state__in=OPEN_TRANSFER_STATES, due_on__lte=until)
    either = Transfer.objects.filter(pk__in=out.values("pk")) | Transfer.objects.filter(
        pk__in=inn.values("pk")
    )
    total = cases.count() + recs.count() + either.count()
    lines: list[WatchLine] = []

    def add(what: str, name: str, place: str, due: dt.date | None, url: str) -> None:
        assert due is not None  # filtered on due_on
        lines.append(WatchLine("overdue" if due < today else "soon", what, name, place, due, url))

    steps = {s.code: str(s.label) for s in P.STEPS}
    for pk, name, cell, step, due in cases.order_by("due_on").values_list(
        "pk", "person__full_name", "cell__name", "step", "due_on"
    )[:limit]:
        add(steps[step], name, cell, due, reverse("web:case_detail", args=[pk]))
    for pk, name, cell, step, due in recs.order_by("due_on").values_list(
        "pk", "membership__person__full_name", "membership__cell__name", "step", "due_on"
    )[:limit]:
        add(
            f"Công nhận chính thức — {R.BY_CODE[step].short}",
            name,
            cell,
            due,
            reverse("web:recognition_detail", args=[pk]),
        )
    seen: set[int] = set()
    for qs, what in ((out, "Chuyển sinh hoạt đi"), (inn, "Chuyển sinh hoạt đến")):
        for pk, name, cell, due in qs.order_by("due_on").values_list(
            "pk", "membership__person__full_name", "from_cell__name", "due_on"
        )[:limit]:
            if pk not in seen:  # a transfer between two cells of one's own scope: listed once
                seen.add(pk)
                add(what, name, cell, due, reverse("web:transfer_detail", args=[pk]))
    lines.sort(key=lambda x: (x.due_on, x.person))
    return lines[:limit], total
