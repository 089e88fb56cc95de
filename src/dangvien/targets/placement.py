"""Where every organization of a subtree stood on a day, for the progress report: its
rows (the organizations under the root that day), and for every organization that was
ever under it by then, where it stands that day (or last stood, when it is dissolved or
merged away) and its sector, so that each cell's admissions can be placed.

Reading it is most of a report that reads its admissions kept ahead of time: a province's
3,100 versions with their codes (7 of its 20 ms), the country's 103,000 (about 0,35 s).
The tree changes a few times a month, so a placement is kept in this process under the
tree's token (reports/figures.py: a random number every change of the tree writes anew,
read before the versions), and used again while the token is the same: a write that
commits while a placement is read leaves it under the older token, never trusted again.
Kept per process, not in the database: it is a Python structure read far more often than
it changes, and unpickling it from a shared cache would cost about what reading it does.
The test suite checks, after every test, that every placement kept under the current
token equals one read afresh (`kept_placement_differences`)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import Q

from dangvien.orgs.models import Organization, OrgVersion
from dangvien.orgs.scope import Scope
from dangvien.reports.figures import TREE, UNIT_LEN
from dangvien.reports.models import FigureStamp

# A version as read: (organization, name, kind, parent, path, sector, from, to, id).
_COLUMNS = ("organization_id", "name", "kind", "parent_id", "path", "sector", "valid_from", "valid_to", "id")
_ORG, _NAME, _KIND, _PARENT, _PATH, _SECTOR, _FROM, _TO, _ID = range(9)

# A row of the report: (organization id, code, name, kind, parent's code, parent id, path, depth).
Row = tuple[int, str, str, str, str | None, int | None, str, int]
Spans = list[tuple[dt.date, dt.date | None, str]]


@dataclass(frozen=True)
class Placement:
    rows: list[Row]  # the organizations under the root on the day, within max_depth, in path order
    path_of: dict[int, str]  # every organization ever under the root: its path that day, or its last
    sector_of: dict[int, str]  # its sector that day (or last)
    # The organizations with more than one version: each version's (from, to, sector),
    # in date order, to judge a cell's sector on an admission's day.
    spans: dict[int, Spans]
    units: list[str]  # every unit (two-level path) under the root by the day, moved or merged away since too

    def sector_changed(self) -> set[int]:
        """The organizations whose sector changed at some point up to the day."""
        return {o for o, spans in self.spans.items() if len({s for _a, _b, s in spans}) > 1}


def _versions(scope: Scope, root_path: str, as_of: dt.date) -> list[tuple[Any, ...]]:
    """Every version up to as_of of every organization that was ever under the root by
    then: the versions under it, and the versions elsewhere of the few organizations that
    crossed its edge (moved in or out), so that one that has since moved out stands
    where it is on as_of, outside, and one that moved in keeps its earlier sectors.

    Read as two plain range scans in one query, not as "every version of every
    organization having a version under the root" (a semi-join that cost a province's
    report 6 of its 30 ms): an organization with versions on both sides of the edge has
    a closed version, and closed versions are few (reorganizations)."""
    versions = (
        OrgVersion.objects.filter(valid_from__lte=as_of).filter(scope.org_filter("organization")).order_by()
    )
    if not root_path:  # the whole tree: every organization
        return list(versions.values_list(*_COLUMNS))
    under = versions.filter(path__startswith=root_path).values_list(*_COLUMNS)
    # (Closed at any time: a superset, read from its own small index.)
    reorganized = OrgVersion.objects.filter(valid_to__isnull=False).values("organization_id")
    elsewhere = (
        versions.filter(organization_id__in=reorganized)
        .exclude(path__startswith=root_path)
        .values_list(*_COLUMNS)
    )
    rows = list(under.union(elsewhere, all=True))
    inside = {v[_ORG] for v in rows if v[_PATH].startswith(root_path)}
    return [v for v in rows if v[_ORG] in inside]


def _codes(root_path: str, ids: set[int], above: int | None) -> dict[int, str]:
    """The codes of the organizations `ids`: read by the subtree's current paths (an index
    range; joined to 5,000 versions, PostgreSQL hashed the 103,000 organizations of the
    country instead) with the root's parent `above`, then by id for the few that have
    left the subtree since."""
    under = Q(path__startswith=root_path) | Q(pk=above) if above else Q(path__startswith=root_path)
    codes = dict(Organization.objects.filter(under).values_list("id", "code"))
    missing = ids - codes.keys()
    if missing:
        codes.update(Organization.objects.filter(pk__in=sorted(missing)).values_list("id", "code"))
    return codes


def _read(scope: Scope, root_path: str, as_of: dt.date, max_depth: int | None) -> Placement:
    # (organization id) → its version on as_of, or its latest before (dissolved, merged away).
    current: dict[int, tuple[Any, ...]] = {}
    latest: dict[int, tuple[Any, ...]] = {}
    several: dict[int, list[tuple[Any, ...]]] = {}  # organizations with more than one version (rare)
    units: set[str] = set()
    for v in _versions(scope, root_path, as_of):
        org_id, end = v[_ORG], v[_TO]
        if len(v[_PATH]) == UNIT_LEN:
            units.add(v[_PATH])
        if end is None or end > as_of:
            current[org_id] = v
        seen = latest.get(org_id)
        if seen is None:
            latest[org_id] = v
        elif org_id in several:
            several[org_id].append(v)
        else:
            several[org_id] = [seen, v]
    spans: dict[int, Spans] = {}
    for org_id, history in several.items():
        history.sort(key=itemgetter(_FROM, _ID))
        latest[org_id] = history[-1]
        spans[org_id] = [(v[_FROM], v[_TO], v[_SECTOR]) for v in history]
    latest.update(current)
    # Only the rows asked for are made (the country's page: 35 of 103,000).
    root_depth = root_path.count(".")
    shown = []
    for v in current.values():
        path = v[_PATH]
        if path.startswith(root_path):  # not moved out by as_of
            depth = path.count(".") - root_depth
            if max_depth is None or depth <= max_depth:
                shown.append((v, depth))
    above = next((v[_PARENT] for v, depth in shown if depth == 0), None) if root_path else None
    codes = _codes(
        root_path, {v[_ORG] for v, _d in shown} | {v[_PARENT] for v, _d in shown if v[_PARENT]}, above
    )
    rows: list[Row] = [
        (v[_ORG], codes[v[_ORG]], v[_NAME], v[_KIND], codes.get(v[_PARENT]), v[_PARENT], v[_PATH], depth)
        for v, depth in shown
    ]
    rows.sort(key=itemgetter(6))  # the root's path is a prefix of every other: it comes first
    return Placement(
        rows=rows,
        path_of={org_id: v[_PATH] for org_id, v in latest.items()},
        sector_of={org_id: v[_SECTOR] for org_id, v in latest.items()},
        spans=spans,
        units=sorted(u for u in units if u.startswith(root_path)),
    )


# --- kept in this process under the tree's token -----------------------------------------

_Key = tuple[int, str, dt.date, int | None, object]
_kept: OrderedDict[_Key, tuple[Placement, Scope]] = OrderedDict()
_lock = threading.Lock()
# At most this many organizations' places kept in all, the least recently used dropped
# first: the country's whole tree (103,000) holds 65 MB (measured), so about 100 MB at most
# per process, a province's a few MB.
KEEP_AT_MOST = 150_000


def _scope_key(scope: Scope) -> object:
    if scope.is_admin:
        return "*"
    return tuple(sorted((g.org_id, g.path, g.subtree) for g in scope.grants))


def placement(
    scope: Scope, root_path: str, as_of: dt.date, max_depth: int | None = None, *, token: int | None = None
) -> Placement:
    """The placement of root_path's subtree on as_of, as `scope` may read it. `token`: the
    tree's token read before (reports.figures.TREE); with it, a placement kept under the
    same token is used, and the one read is kept. None: read, not kept."""
    if token is None:
        return _read(scope, root_path, as_of, max_depth)
    key: _Key = (token, root_path, as_of, max_depth, _scope_key(scope))
    with _lock:
        entry = _kept.get(key)
        if entry is not None:
            _kept.move_to_end(key)
            return entry[0]
    found = _read(scope, root_path, as_of, max_depth)
    with _lock:
        _kept[key] = (found, scope)
        size = sum(len(p.path_of) for p, _s in _kept.values())
        while size > KEEP_AT_MOST and len(_kept) > 1:
            _old, (dropped, _s) = _kept.popitem(last=False)
            size -= len(dropped.path_of)
    return found


def placements_forget() -> None:
    """Drop every kept placement (the test suite, between tests)."""
    with _lock:
        _kept.clear()


def kept_placement_differences() -> list[tuple[str, dt.date, int | None]]:
    """The placements kept under the tree's current token that differ from the tree read
    afresh (empty when every change of the tree writes a new token). The test suite checks
    it after every test."""

    token = FigureStamp.objects.filter(unit=TREE).values_list("version", flat=True).first() or 0
    with _lock:
        entries = [(k, p) for k, p in _kept.items() if k[0] == token]
    return [
        (root_path, as_of, max_depth)
        for (_t, root_path, as_of, max_depth, _s), (kept, scope) in entries
        if _read(scope, root_path, as_of, max_depth) != kept
    ]
