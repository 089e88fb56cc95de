"""Two connections at once (PostgreSQL): a write left open in another thread while the test
reads, then committed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def write_left_open(write: Callable[[], object], *, hold: float = 10) -> Iterator[None]:
    """`write` runs on its own connection in a transaction left open for the block; the
    transaction commits when the block ends (the thread is joined before going on)."""
    written, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                write()
                written.set()
                release.wait(hold)
        except BaseException as exc:
            failed.append(exc)
            written.set()
        finally:
            connections.close_all()

    t = threading.Thread(target=writer)
    t.start()
    assert written.wait(hold), "the write did not start"
    try:
        if failed:
            raise failed[0]
        yield
    finally:
        release.set()
        t.join(hold)
    if failed:
        raise failed[0]
