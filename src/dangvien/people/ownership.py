"""Which organizations a person row belongs to, and who may change it.

One row per human is shared by every scope that human touches: a candidate in commune B,
a member in commune A, a member being transferred. Scope is checked on the membership or
the candidacy; the person row must be checked too, or staff of A rewrite B's candidate
by typing their CCCD (issue 18). The rule: a person's identity is changed only by a user
who may write every cell the person belongs to now — their active memberships, open
candidacies and open admission dossiers; a person with none of these belongs to the
cells of their past ones. A person with no row anywhere (made and left) belongs to nobody.

The refusal does not say whose the record is, nor any of its facts: only that this CCCD
cannot be used and who can help (the committee above both, whose staff may write both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from dangvien.orgs.scope import Scope
from dangvien.people.models import Person

# An import row's refusal (a service's is people.errors' "other_scope").
OTHER_SCOPE = _("Số CCCD này không dùng được; liên hệ cấp ủy cấp trên")

# The open states, as written in candidates.models.OPEN_STATES and cases.models.OPEN_CASE_STATES
# (people sits below both packages; a test keeps these equal to them).
OPEN_CANDIDACY = ("sourcing", "in_class", "ready", "in_admission")
OPEN_CASE = ("open", "suspended")


def owner_cells(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each person, the cells that own the row (see the module's rule). Three queries
    whatever the number of persons, through Person's reverse relations."""
    ids = sorted(set(person_ids))
    current: dict[int, set[int]] = defaultdict(set)
    past: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return {}
    people = Person.objects.filter(pk__in=ids)
    for pk, cell, active in people.filter(memberships__isnull=False).values_list(
        "pk", "memberships__cell_id", "memberships__is_active"
    ):
        (current if active else past)[pk].add(cell)
    for pk, cell, state in people.filter(candidacies__isnull=False).values_list(
        "pk", "candidacies__cell_id", "candidacies__state"
    ):
        (current if state in OPEN_CANDIDACY else past)[pk].add(cell)
    for pk, cell, state in people.filter(cases__isnull=False).values_list(
        "pk", "cases__cell_id", "cases__state"
    ):
        (current if state in OPEN_CASE else past)[pk].add(cell)
    return {pk: current.get(pk) or past.get(pk) or set() for pk in ids}


def persons_out_of_reach(scope: Scope, person_ids: Iterable[int]) -> set[int]:
    """The persons among these that `scope` may not change: some cell they belong to is not
    writable by it. The machine's operator and administrators reach everyone."""
    if scope.is_admin:
        return set()
    owners = owner_cells(person_ids)
    cells = set().union(*owners.values()) if owners else set()
    writable = (
        set(scope.orgs(write=True).filter(pk__in=cells).values_list("pk", flat=True)) if cells else set()
    )
    return {pk for pk, mine in owners.items() if not mine <= writable}
