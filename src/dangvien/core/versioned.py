"""Optimistic versions: how a form opened before someone else's save (a second tab, a
double click, a colleague) is refused instead of silently undoing that save.

Every row a user edits carries `version`. The form posts back the version it showed; the
service locks the row for its transaction (`lock_for_write`), refuses a different version
with StaleError ("reload the page"), and saves with the next version (`save_versioned`)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from dangvien.core.choices import ChoiceLabels
from dangvien.core.errors import StaleError


class Versioned(ChoiceLabels, models.Model):
    """A row edited through forms: its version grows with every save through a service."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


M = TypeVar("M", bound=models.Model)


def lock_for_write(queryset: models.QuerySet[M], pk: Any, expected_version: int | None) -> M:
    """The row, locked until the transaction ends (its own row only, not those joined by
    select_related), after checking that nobody saved it since `expected_version` was read
    (None: a write that did not come from a form, e.g. an import or the tick)."""
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
        raise StaleError
    return row


def save_versioned(row: models.Model, *fields: str) -> None:
    """Save the named fields with the next version."""
    row.version += 1  # type: ignore[attr-defined]
    row.save(update_fields=[*fields, "version"])
