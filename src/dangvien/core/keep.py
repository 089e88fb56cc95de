"""Results kept across requests and processes until the data change: a province's home
page (sixty queries, a second of work) is computed once per data version and day, not
once per visit. The version is the caller's (reports.figures.data_version: the audit
chain's last entry, which every write adds to, and the stamps bulk tools bump), so a kept
result is never older than the last write. Shared through the jobs cache (files in the
data folder, or Redis), so one process's work serves every other's.

A kept result is a pickled object of this code's classes: the key holds a digest of the
code too (code_token), so a new release never reads a result an older one kept, with its
older fields (a template reading a field the old object lacks prints nothing, silently).

Each process also remembers the last KEEP_IN_PROCESS results it read or computed: reading
one back from the shared cache means unpickling it, and a province's dashboard of model
instances took 9 ms to unpickle at every visit (issue 22's 25 ms a page). The key holds the
data version, so a remembered result is exactly as fresh as the shared one. Kept results
are shared between requests: callers read them and never change them."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from django.core.cache import caches

T = TypeVar("T")
_MISSING = object()
KEEP_SECONDS = 26 * 3600  # a day's versions, then gone
KEEP_IN_PROCESS = 64  # results: a few MB at most per process (a province's largest is ~1 MB)

_local: OrderedDict[str, tuple[object, object]] = OrderedDict()
_local_lock = threading.Lock()  # a job worker runs threads


def _remember(full: str, marker: object, value: object) -> None:
    with _local_lock:
        _local[full] = (marker, value)
        _local.move_to_end(full)
        while len(_local) > KEEP_IN_PROCESS:
            _local.popitem(last=False)


def forget_in_process() -> None:
    """Drop this process's remembered results (tests that empty the shared cache)."""
    with _local_lock:
        _local.clear()


@functools.cache
def code_token() -> str:
    """A digest of the package's Python source, templates and compiled translations (a kept
    part of a page holds translated text), the same in every process of one release: read
    once per process (about 400 files, 13 ms)."""
    return source_digest(Path(__file__).resolve().parent.parent)


def source_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.html"), *root.rglob("*.mo")]):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def kept(
    name: str, key: tuple[Hashable, ...], version: Hashable, compute: Callable[[], T], *, shared: bool = True
) -> T:
    """`shared=False`: kept in this process's own cache (the default, an LRU of 300) and not
    in the shared one nor its memory of 64: a record's page (a dossier, a member), cheap to
    read again, must not push a province's reports out of either."""
    if not shared:
        local = caches["default"]
        full = "kept:" + name + ":" + hashlib.sha256(repr((key, version)).encode()).hexdigest()[:32]
        found = local.get(full, _MISSING)
        if found is not _MISSING and isinstance(found, tuple) and found[0] == (key, version):
            return found[1]
        value = compute()
        local.set(full, ((key, version), value), KEEP_SECONDS)
        return value
    cache = caches["jobs"]
    # The same in every process of one release.
    digest = hashlib.sha256(repr((key, version, code_token())).encode()).hexdigest()[:32]
    full = f"kept:{name}:{digest}"
    marker = (key, version)
    with _local_lock:
        here = _local.get(full)
        if here is not None and here[0] == marker:
            _local.move_to_end(full)
            return here[1]  # type: ignore[return-value]
    found = cache.get(full, _MISSING)
    if found is not _MISSING and isinstance(found, tuple) and found[0] == marker:
        _remember(full, marker, found[1])
        return found[1]
    value = compute()
    cache.set(full, (marker, value), KEEP_SECONDS)
    _remember(full, marker, value)
    return value
