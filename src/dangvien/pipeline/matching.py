"""Finding what a batch of rows refers to, one query per kind of key and per batch."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import TypeVar

from django.db import models
from django.db.models import F

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

CHUNK = 500  # keys per IN list


def find_by(queryset: models.QuerySet[M], field: str, keys: Iterable[K]) -> dict[K, list[M]]:
    """The rows whose `field` (a lookup path, e.g. "person__cccd") is one of `keys`,
    grouped by that value: one query per 500 distinct keys."""
    wanted = sorted({k for k in keys if k not in (None, "")}, key=str)
    found: dict[K, list[M]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in queryset.filter(**{f"{field}__in": chunk}).annotate(_match_key=F(field)):
            found[row._match_key].append(row)
    return found


def find_by_name_and_birth(
    queryset: models.QuerySet[M],
    pairs: Iterable[tuple[str, dt.date]],
    *,
    name_field: str = "person__name_search",
    birth_field: str = "person__birth_date",
) -> dict[tuple[str, dt.date], list[M]]:
    """The rows matching (folded full name, birth date) pairs, the way a clerk recognizes a
    person without a CCCD: one query per 500 pairs (names IN and dates IN, then the exact
    pairs kept)."""
    wanted = sorted(set(pairs))
    found: dict[tuple[str, dt.date], list[M]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        exact = set(chunk)
        rows = queryset.filter(
            **{f"{name_field}__in": {n for n, _ in chunk}, f"{birth_field}__in": {b for _, b in chunk}}
        ).annotate(_match_name=F(name_field), _match_birth=F(birth_field))
        for row in rows:
            key = (row._match_name, row._match_birth)
            if key in exact:
                found[key].append(row)
    return found
