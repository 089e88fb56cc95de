"""Acts that belong to a party committee, in every kind of dossier."""

from __future__ import annotations

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for

COMMITTEE_ONLY = "cases.committee_only"  # a step only the committee's staff record


def require_committee(actor: User | None, cell: Organization) -> None:
    """The base committee's resolution and the competent committee's decision are that
    committee's acts: recorded by its staff (or above), never by the cell's secretary."""
    if not scope_for(actor).can_manage(cell):
        raise ServiceError(COMMITTEE_ONLY)
