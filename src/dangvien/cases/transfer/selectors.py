"""Reads of transfers. The sending side sees a transfer through its from_cell, the
receiving side through its to_cell: each sees its own side, never the other's tree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from dangvien.cases.models import OPEN_TRANSFER_STATES, Transfer, TransferKind, TransferState
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope


def _base() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("membership__person", "from_cell", "to_cell")


def transfers_out(scope: Scope, *, org: Organization) -> QuerySet[Transfer]:
    return _base().filter(scope.org_filter("from_cell"), from_cell__path__startswith=org.path)


def transfers_in(scope: Scope, *, org: Organization) -> QuerySet[Transfer]:
    return _base().filter(scope.org_filter("to_cell"), to_cell__path__startswith=org.path)


def transfer_get(scope: Scope, pk: int) -> Transfer:
    """The transfer if the user is on either side; Transfer.DoesNotExist (a 404) otherwise."""
    return _base().filter(scope.org_filter("from_cell") | scope.org_filter("to_cell")).get(pk=pk)


def transfer_sides(scope: Scope, t: Transfer) -> tuple[bool, bool]:
    """(may act as the sending side, may act as the receiving side)."""
    return scope.can_write(t.from_cell), t.to_cell is not None and scope.can_write(t.to_cell)


def transfers_overdue(scope: Scope, *, org: Organization, as_of: dt.date) -> QuerySet[Transfer]:
    """Open transfers past their deadline, on both sides' lists."""
    side = Q(from_cell__path__startswith=org.path) | Q(to_cell__path__startswith=org.path)
    mine = scope.org_filter("from_cell") | scope.org_filter("to_cell")
    return (
        _base().filter(mine, side, state__in=OPEN_TRANSFER_STATES, due_on__lt=as_of).order_by("due_on", "pk")
    )


def temporary_members_here(scope: Scope, *, org: Organization) -> QuerySet[Transfer]:
    """Members active here temporarily (shown, not counted: they count where their membership is)."""
    return (
        transfers_in(scope, org=org)
        .filter(kind=TransferKind.TEMPORARY, state=TransferState.RECEIVED)
        .order_by("membership__person__sort_key", "pk")
    )


def on_time(t: Transfer) -> bool | None:
    """Received within both deadlines (None while open or when not received)."""
    if t.received_on is None:
        return None
    limit = min(t.present_by, t.complete_by) if t.present_by else t.complete_by
    return t.received_on <= limit
