"""A running job's progress and heartbeat, in the shared cache (CACHES["jobs"]: Redis when
DANGVIEN_REDIS_URL is set, else files under the data folder, so that the worker and every
web process read the same values). Nothing here is the record of what happened: the job
row is; a lost cache only loses the bar."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches

BEAT_EVERY = 5.0  # seconds between heartbeats of a running job
KEEP = 24 * 3600  # progress is kept a day after the last report


def _cache() -> Any:
    return caches["jobs"]


def lost_after() -> float:
    """A running job silent this long (seconds) is taken for lost: its worker died.
    Nine heartbeats: a worker busy on the database still beats from its own thread."""
    return float(settings.JOB_LOST_AFTER_SECONDS)


@dataclass(frozen=True, slots=True)
class Snapshot:
    phase: str
    done: int
    total: int
    started: float
    at: float

    @property
    def share(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total else None

    @property
    def seconds_left(self) -> int | None:
        """From the pace so far; none until a little is done (the first rows set up)."""
        share = self.share
        if share is None or share < 0.02 or self.at <= self.started:
            return None
        elapsed = self.at - self.started
        return max(0, round(elapsed / share - elapsed))


def snapshot(job_id: object) -> Snapshot | None:
    data = _cache().get(f"job:{job_id}:progress")
    return Snapshot(**data) if data else None


def last_beat(job_id: object) -> float | None:
    value = _cache().get(f"job:{job_id}:beat")
    return float(value) if value is not None else None


def beat(job_id: object) -> None:
    _cache().set(f"job:{job_id}:beat", time.time(), KEEP)


class Reporter:
    """What a job's work calls as it goes: `reporter(done, total)` for rows or steps,
    `reporter.phase(text)` between phases. Written at most every `every` seconds (and at
    the end of each phase), so a 64,000-row import makes tens of cache writes, not 64,000."""

    def __init__(self, job_id: object, *, every: float = 0.5) -> None:
        self.job_id = job_id
        self.every = every
        self.started = time.time()
        self._phase = ""
        self._done = 0
        self._total = 0
        self._last = 0.0

    def phase(self, text: str, total: int = 0) -> None:
        self._phase, self._done, self._total = text, 0, total
        self._write()

    def __call__(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        now = time.time()
        if now - self._last >= self.every or (total and done >= total):
            self._write(now)

    def _write(self, now: float | None = None) -> None:
        now = now or time.time()
        self._last = now
        data = {"phase": self._phase, "done": self._done, "total": self._total, "started": self.started}
        _cache().set(f"job:{self.job_id}:progress", {**data, "at": now}, KEEP)
        beat(self.job_id)


class Heartbeat:
    """Beats every BEAT_EVERY seconds while a job runs, whatever the job is doing (a PDF
    built by LibreOffice reports no rows). A worker killed stops beating: the job is lost."""

    def __init__(self, job_id: object) -> None:
        self.job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"beat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        beat(self.job_id)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(BEAT_EVERY):
            try:
                beat(self.job_id)
            except Exception:  # noqa: S112 - a missed beat is retried; never kill the job
                continue


WORKER_KEY = "jobs:worker"


def worker_beat() -> None:
    _cache().set(WORKER_KEY, time.time(), KEEP)


def worker_seen() -> float | None:
    value = _cache().get(WORKER_KEY)
    return float(value) if value is not None else None
