"""Reads of a user's notifications (their own only)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from dangvien.accounts.models import User
from dangvien.watch.models import Notification

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


def notifications(user: User, *, unread_only: bool) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("read_at", "-created_on", "due_on", "pk")
