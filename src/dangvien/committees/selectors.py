"""Reads of the committees' work, always through the reader's scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangvien.committees.models import Assignment, Headcount, NoSource
from dangvien.orgs.models import CELL_KINDS, Organization
from dangvien.orgs.scope import Scope


def assignments_made(scope: Scope, committee: Organization) -> list[Assignment]:
    """The assignments this committee made, the current ones first."""
    rows = (
        Assignment.objects.filter(scope.org_filter("cell"), committee=committee)
        .select_related("membership__person", "cell")
        .order_by("membership__person__sort_key", "cell__code", "-valid_from")
    )
    return sorted(rows, key=lambda a: a.valid_to is not None)


def answering_for(cell: Organization, on: dt.date) -> list[Assignment]:
    """Who answers for the cell on the day (any committee above it)."""
    return list(
        Assignment.objects.filter(cell=cell, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("membership__person", "committee")
        .order_by("committee__path")
    )


def cells_under(scope: Scope, org: Organization) -> list[tuple[str, str]]:
    """(code, "code — name") of the standing cells under org the reader sees."""
    rows = (
        scope.orgs()
        .filter(path__startswith=org.path, kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .order_by("path")
        .values_list("code", "name")
    )
    return [(code, f"{code} — {name}") for code, name in rows]


def survey_history(scope: Scope, org: Organization) -> tuple[list[Headcount], list[NoSource]]:
    """The latest 50 headcounts and every no-source mark under org."""
    counts = list(
        Headcount.objects.filter(scope.org_filter("organization"), organization__path__startswith=org.path)
        .select_related("organization")
        .order_by("-on", "-pk")[:50]
    )
    marks = list(
        NoSource.objects.filter(scope.org_filter("organization"), organization__path__startswith=org.path)
        .select_related("organization")
        .order_by("until", "-since")
    )
    return counts, marks
