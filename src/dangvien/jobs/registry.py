"""Which function does each kind of job. The work lives in the packages that know it (the
importers, the papers); `dangvien.ops.work` registers them. The worker imports the modules
named in settings.JOB_MODULES before its first job, so that a kind is never unknown there."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.conf import settings

from dangvien.jobs.progress import Reporter

Handler = Callable[[Any, Reporter], dict[str, Any]]  # (job, reporter) → the job's result
_HANDLERS: dict[str, Handler] = {}
_LOADED = False


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Handler:
    global _LOADED
    if not _LOADED:
        for module in settings.JOB_MODULES:
            importlib.import_module(module)
        _LOADED = True
    return _HANDLERS[kind]
