"""Who may see and change what. Every selector and service asks here; nothing else
decides scope. Out of scope is answered as "not found" (404), never "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from dangvien.accounts.models import Role, User
from dangvien.core.errors import NotFound
from dangvien.orgs.models import Organization


@dataclass(frozen=True)
class Grant:
    org_id: int
    path: str
    write: bool
    subtree: bool  # a cell secretary's grant covers the cell only


class Scope:
    def __init__(self, user: User | None, *, system: bool = False) -> None:
        self.user = user
        self.system = system

    @cached_property
    def _assignments(self) -> list[tuple[str, Organization | None]]:
        """The user's role assignments, read once per request in one query."""
        user = self.user
        if user is None or not user.is_authenticated or not user.is_active:
            return []
        return [(a.role, a.organization) for a in user.assignments.select_related("organization")]

    @cached_property
    def is_admin(self) -> bool:
        if self.system:
            return True
        user = self.user
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return bool(user.is_superuser) or any(role == Role.ADMIN for role, _ in self._assignments)

    @cached_property
    def grants(self) -> list[Grant]:
        return [
            Grant(
                org_id=org.pk,
                path=org.path,
                write=role in (Role.STAFF, Role.SECRETARY),
                subtree=role != Role.SECRETARY,
            )
            for role, org in self._assignments
            if role != Role.ADMIN and org is not None
        ]

    def sees_all_of(self, org: Organization) -> bool:
        """Whether every organization under `org` is readable: then what is computed for
        `org` is the same for this user as for any other who sees it whole (kept results)."""
        return self.is_admin or any(g.subtree and org.path.startswith(g.path) for g in self.grants)

    @cached_property
    def key(self) -> tuple[object, ...]:
        """What this scope lets one read, as a value: equal for users with the same grants."""
        if self.is_admin:
            return ("all",)
        return tuple(sorted((g.org_id, g.write, g.subtree) for g in self.grants))

    def _org_q(self, prefix: str, *, write: bool) -> Q:
        if self.is_admin:
            return Q()
        q = Q(pk__in=[])
        for g in self.grants:
            if write and not g.write:
                continue
            if g.subtree:
                q |= Q(**{f"{prefix}path__startswith": g.path})
            else:
                q |= Q(**{f"{prefix}pk": g.org_id})
        return q

    def orgs(self, *, write: bool = False) -> QuerySet[Organization]:
        return Organization.objects.filter(self._org_q("", write=write))

    def org_filter(self, field: str, *, write: bool = False) -> Q:
        """A Q for a model pointing to Organization through `field` (e.g. "cell")."""
        return self._org_q(f"{field}__", write=write)

    def can_read(self, org: Organization) -> bool:
        return self.is_admin or any(
            org.path.startswith(g.path) if g.subtree else org.pk == g.org_id for g in self.grants
        )

    def can_read_path(self, path: str) -> bool:
        """can_read() for an organization known only by its materialized path."""
        return self.is_admin or any(
            path.startswith(g.path) if g.subtree else path == g.path for g in self.grants
        )

    def can_write(self, org: Organization) -> bool:
        return self.is_admin or any(
            g.write and (org.path.startswith(g.path) if g.subtree else org.pk == g.org_id)
            for g in self.grants
        )

    def can_manage(self, org: Organization) -> bool:
        """Committee work over org: staff of org or of a committee above it (not a cell's
        secretary, who writes only the cell's own records), or an administrator."""
        return self.is_admin or any(
            g.write and g.subtree and org.path.startswith(g.path) for g in self.grants
        )

    @cached_property
    def roots(self) -> list[Organization]:
        """The top organizations this user sees: where the home page and the tree start."""
        if self.is_admin:
            return list(Organization.objects.filter(parent__isnull=True, dissolved_on__isnull=True))
        ids = [g.org_id for g in self.grants]
        orgs = sorted(Organization.objects.filter(pk__in=ids), key=lambda o: o.path)
        roots: list[Organization] = []
        for org in orgs:  # drop grants nested inside another grant
            if not any(org.path.startswith(r.path) and org.pk != r.pk for r in roots):
                roots.append(org)
        return roots

    @cached_property
    def cache_key(self) -> str:
        """Identifies what this scope can see (two users with the same grants share it)."""
        if self.is_admin:
            return "admin"
        return "|".join(sorted(f"{g.path}:{int(g.subtree)}" for g in self.grants)) or "none"

    @property
    def can_write_anything(self) -> bool:
        return self.is_admin or any(g.write for g in self.grants)


def scope_for(user: object) -> Scope:
    """None is the machine's operator at the command line (everything); an anonymous or
    inactive web user gets an empty scope."""
    if user is None:
        return Scope(None, system=True)
    return Scope(user if isinstance(user, User) else None)


def require_read(scope: Scope, org: Organization) -> None:
    if not scope.can_read(org):
        raise NotFound


class ScopeDenied(PermissionError):
    """Raised by services when the actor may not write there. Shown as 'not found'."""


def require_write(scope: Scope, org: Organization) -> None:
    if not scope.can_write(org):
        raise ScopeDenied


def require_manage(scope: Scope, org: Organization) -> None:
    """Committee work (the tree itself: rename, move, merge, split, dissolve): staff of the
    organization or above, never a cell's secretary on their own cell."""
    if not scope.can_manage(org):
        raise ScopeDenied
