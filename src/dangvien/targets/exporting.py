"""Export of targets with the import's columns: every revision, oldest first, so that
importing the file into an empty database rebuilds the same history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.targets.models import TargetRevision

HEADERS = ["Mã tổ chức", "Kỳ", "Chỉ tiêu", "Nhóm", "Ngày hiệu lực", "Ghi chú"]


def target_rows(scope: Scope, root: Organization | None) -> Iterator[list[Any]]:
    qs = TargetRevision.objects.filter(scope.org_filter("target__organization"))
    if root is not None:
        qs = qs.filter(target__organization__path__startswith=root.path)
    for code, period, group, value, on, reason in (
        qs.order_by("target__organization__path", "target__period", "target__group", "effective_on", "id")
        .values_list(
            "target__organization__code", "target__period", "target__group", "value", "effective_on", "reason"
        )
        .iterator(chunk_size=2000)
    ):
        yield [code, period, value, group, on, reason]
