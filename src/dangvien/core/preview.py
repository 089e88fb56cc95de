"""Preview a write by running the real service and rolling it back: what the user is
shown is exactly what confirming will do."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


class _Rollback(Exception):
    pass


def preview(fn: Callable[[], T]) -> T:
    result: list[T] = []
    try:
        with transaction.atomic():
            result.append(fn())
            raise _Rollback
    except _Rollback:
        pass
    return result[0]
