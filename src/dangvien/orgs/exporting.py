from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dangvien.orgs.importing import COLUMNS
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope

HEADERS = [c.header for c in COLUMNS]


def org_rows(scope: Scope, root: Organization | None) -> Iterator[list[Any]]:
    """The active tree in the import's columns, parents before children."""
    qs = scope.orgs().filter(dissolved_on__isnull=True).select_related("parent").order_by("path")
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    for o in qs.iterator(chunk_size=2000):
        # The exported root is written as a root, so the file also loads into an empty system.
        parent = o.parent.code if o.parent and (root is None or o.pk != root.pk) else ""
        yield [
            o.code,
            o.name,
            parent,
            o.get_kind_display(),
            o.get_sector_display() if o.sector else "",
            o.founded_on,
        ]
