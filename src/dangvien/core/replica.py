"""Reads on a streaming replica (issue 22): reports, statistics, dashboards, exports and the
API's reads go to the `replica` database when one is configured
(DANGVIEN_DATABASE_REPLICA_URL); everything else, every write, and every read inside a
transaction stays on the primary.

Read-your-writes: a user who has just written (any unsafe request, or a job of theirs that
wrote) is pinned to the primary for DANGVIEN_REPLICA_PIN_SECONDS. The pin is kept in the
shared jobs cache, so every web process and the API see it whichever served the write.

Why a context (not a router that sends every read away): a page that reads and then writes
(a form, a service) must read what it will write against; only the pages named here are
pure readers. Nothing in them writes but the kept report figures, which the router sends
to the primary, stamped with what the replica showed (reports/figures.py: figures stored
under an older stamp are only recounted, never used stale)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections

REPLICA = "replica"


class _Reading:
    """Whether this request's plain reads may go to the replica. Decided at the first read
    once the user is known (an API request's user is set by its token, after the
    operation has started): a pinned user reads the primary."""

    __slots__ = ("decided", "user_id")

    def __init__(self, user_id: Callable[[], object]) -> None:
        self.user_id = user_id
        self.decided: bool | None = None

    def use(self) -> bool:
        if self.decided is None:
            uid = self.user_id()
            if uid is None:
                return True  # nobody yet (the token's own lookup goes to the primary)
            self.decided = not pinned(uid)
        return self.decided


_reading: ContextVar[_Reading | None] = ContextVar("dangvien_replica_reads", default=None)

F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _pin_key(user_id: object) -> str:
    return f"replica-pin:{user_id}"


def pin_to_primary(user_id: object) -> None:
    """This user has just written: their next reads, for a while, are the primary's."""
    if user_id is not None and replica_configured():
        seconds = settings.REPLICA_PIN_SECONDS
        caches["jobs"].set(_pin_key(user_id), time.time() + seconds, seconds + 5)


def pinned(user_id: object) -> bool:
    if user_id is None:
        return False
    until = caches["jobs"].get(_pin_key(user_id))
    return until is not None and float(until) > time.time()


@contextmanager
def replica_reads(user_id: object = None, *, user_of: Callable[[], object] | None = None) -> Iterator[bool]:
    """Within: plain reads outside a transaction go to the replica, unless the user (given,
    or found later by `user_of`) is pinned to the primary. Yields whether a replica is
    configured and the given user is not pinned."""
    if not replica_configured():
        yield False
        return
    reading = _Reading(user_of or (lambda: user_id))
    if user_of is None and user_id is not None:
        reading.decided = not pinned(user_id)
    token = _reading.set(reading)
    try:
        yield reading.decided is not False
    finally:
        _reading.reset(token)


def _user_id(request: Any) -> object:
    user = getattr(request, "user", None)
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def reads_replica(view: F) -> F:
    """A view that only reads (its GET and HEAD): served from the replica."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads(user_of=lambda: _user_id(request)):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Reads to the replica inside replica_reads(), never inside a transaction on the
    primary (what a transaction reads it may write against); writes, migrations and
    select_for_update always to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        reading = _reading.get()
        if reading is None or not reading.use():
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
