"""Reads of targets: the value in effect on a date, the history, the split among children."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.targets.models import Target, TargetRevision


def targets_in_effect(
    org_ids: Iterable[int] | QuerySet[Any, Any] | None, period: str, on: dt.date
) -> dict[tuple[int, str], int]:
    """(organization id, group) → the value in effect on `on`, in one query. `org_ids` may
    be a subquery (a whole province's organizations are not sent as 3,000 parameters), or
    None for every organization (the whole tree).

    The latest revision taking effect on or before `on` wins (a later row the same day
    corrects an earlier one)."""
    result: dict[tuple[int, str], int] = {}
    revisions = TargetRevision.objects.filter(target__period=period, effective_on__lte=on)
    if org_ids is not None:
        ids = org_ids if isinstance(org_ids, QuerySet) else list(org_ids)
        if not isinstance(ids, QuerySet) and not ids:
            return result
        revisions = revisions.filter(target__organization_id__in=ids)
    rows = revisions.order_by("effective_on", "id").values_list(
        "target__organization_id", "target__group", "value"
    )
    for org_id, group, value in rows:
        result[(org_id, group)] = value
    return result


def target_groups(org_ids: QuerySet[Any, Any] | None, period: str, on: dt.date) -> list[str]:
    """The groups (not the total) with a target in effect on `on` for any of `org_ids`
    (None: any organization)."""
    revisions = TargetRevision.objects.filter(target__period=period, effective_on__lte=on)
    if org_ids is not None:
        revisions = revisions.filter(target__organization_id__in=org_ids)
    return sorted(
        revisions.exclude(target__group="").values_list("target__group", flat=True).distinct().order_by()
    )


@dataclass
class TargetLine:
    target: Target
    revisions: list[TargetRevision] = field(default_factory=list)

    @property
    def current(self) -> TargetRevision | None:
        return self.revisions[-1] if self.revisions else None


def target_history(scope: Scope, org: Organization, period: str) -> list[TargetLine]:
    """Every target of org for the period with all its revisions, in two queries."""
    if not scope.can_read(org):
        return []
    targets = list(Target.objects.filter(organization=org, period=period).order_by("group"))
    lines = {t.pk: TargetLine(t) for t in targets}
    for r in (
        TargetRevision.objects.filter(target__in=targets)
        .select_related("recorded_by")
        .order_by("effective_on", "id")
    ):
        lines[r.target_id].revisions.append(r)
    return list(lines.values())
