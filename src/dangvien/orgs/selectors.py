"""Reads of the tree, always through the acting user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from dangvien.core.errors import NotFound
from dangvien.core.search import name_filter
from dangvien.core.text import fold
from dangvien.orgs.models import CELL_KINDS, Organization, OrgVersion
from dangvien.orgs.scope import Scope


def org_get(scope: Scope, *, code: str | None = None, pk: int | None = None) -> Organization:
    """The organization if the user may see it; otherwise 404, as if it did not exist."""
    qs = scope.orgs().select_related("parent")
    try:
        if code is not None:
            return qs.get(code=code)
        if pk is None:
            raise NotFound
        return qs.get(pk=pk)
    except Organization.DoesNotExist:
        raise NotFound from None


def org_search(scope: Scope, query: str, *, limit: int = 20, cells_only: bool = False) -> list[Organization]:
    q = fold(query)
    qs = scope.orgs().filter(dissolved_on__isnull=True)
    if cells_only:
        qs = qs.filter(kind__in=CELL_KINDS)
    if q:
        # Words in any order, each the beginning of a word of the name (core.search's rule).
        qs = qs.filter(name_filter(query, "name_search") | Q(code__iexact=query.strip()))
    return list(qs.select_related("parent").order_by("depth", "name")[:limit])


def cells_in_scope(scope: Scope, *, write: bool = False) -> QuerySet[Organization]:
    return scope.orgs(write=write).filter(kind__in=CELL_KINDS, dissolved_on__isnull=True).order_by("path")


def org_ancestors(org: Organization) -> list[Organization]:
    ids = org.ancestor_ids()
    by_id = Organization.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class TreeNode:
    org_id: int
    name: str
    kind: str
    path: str
    children: list[TreeNode] = field(default_factory=list)


def tree_as_of(root: Organization, on: dt.date) -> TreeNode | None:
    """The subtree under root as it stood on `on`, from the version rows, in two queries."""
    root_version = _version_on(root.pk, on)
    if root_version is None:
        return None
    versions = list(
        OrgVersion.objects.filter(path__startswith=root_version.path, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("path")
    )
    nodes = {v.organization_id: TreeNode(v.organization_id, v.name, v.kind, v.path) for v in versions}
    top = nodes[root.pk]
    for v in versions:
        if v.organization_id != root.pk and v.parent_id in nodes:
            nodes[v.parent_id].children.append(nodes[v.organization_id])
    return top


def _version_on(org_id: int, on: dt.date) -> OrgVersion | None:
    return (
        OrgVersion.objects.filter(organization_id=org_id, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .first()
    )


def org_path_on(org: Organization, on: dt.date) -> str | None:
    v = _version_on(org.pk, on)
    return v.path if v else None


def org_history(org: Organization) -> list[OrgVersion]:
    return list(org.versions.select_related("reorganization", "parent").order_by("-valid_from", "-id"))
