"""Reports kept until the data change (core/keep.py), per organization and scope: a user
who sees the organization's whole subtree shares the result with every such user; anyone
else keeps their own (what they see differs)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.urls import get_script_prefix
from django.utils import translation

from dangvien.core.keep import kept
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.reports.figures import data_version

T = TypeVar("T")


def kept_report(
    name: str,
    scope: Scope,
    org: Organization,
    key: tuple[Hashable, ...],
    compute: Callable[[], T],
    *,
    version: Hashable | None = None,
) -> T:
    who = ("whole",) if scope.sees_all_of(org) else scope.key
    # The reader's language too: a result may hold sentences made in it; and the site's
    # path prefix, for the addresses it holds (one drawn by the nightly tick, outside any
    # request, has the default prefix: not for a site served under a sub-path).
    where = (translation.get_language(), get_script_prefix())
    return kept(name, (who, *where, org.pk, org.path, *key), version or data_version(), compute)


def kept_page(
    name: str, scope: Scope, key: tuple[Hashable, ...], compute: Callable[[], T], *, version: Hashable = None
) -> T:
    """A record's page (a dossier, a candidate, a member) read once per data version by
    everyone who sees what this scope sees, in their language; kept in the process only
    (core.keep.kept, shared=False). Whatever depends on the user must depend on the scope."""
    version = version if version is not None else data_version()  # given: read once for a page's parts
    where = (translation.get_language(), get_script_prefix())
    return kept(name, (scope.key, *where, *key), version, compute, shared=False)
