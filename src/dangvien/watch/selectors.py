"""Reads of a user's notifications (their own only)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from dangvien.accounts.models import User
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
