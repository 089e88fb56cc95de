"""Results kept across requests and processes until the data change: a province's home
page (sixty queries, a second of work) is computed once per data version and day, not
once per visit. The version is the caller's (reports.figures.data_version: the audit
chain's last entry, which every write adds to, and the stamps bulk tools bump), so a kept
result is never older than the last write. Shared through the jobs cache (files in the
data folder, or Redis), so one process's work serves every other's."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import caches

T = TypeVar("T")
_MISSING = object()
KEEP_SECONDS = 26 * 3600  # a day's versions, then gone


def kept(name: str, key: tuple[Hashable, ...], version: Hashable, compute: Callable[[], T]) -> T:
    cache = caches["jobs"]
    digest = hashlib.sha256(repr((key, version)).encode()).hexdigest()[:32]  # the same in every process
    full = f"kept:{name}:{digest}"
    found = cache.get(full, _MISSING)
    if found is not _MISSING and isinstance(found, tuple) and found[0] == (key, version):
        return found[1]
    value = compute()
    cache.set(full, ((key, version), value), KEEP_SECONDS)
    return value
