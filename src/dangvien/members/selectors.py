"""Reads of the member registry, always through the acting user's scope."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dangvien.accounts.models import AuditEntry, AuditHead
from dangvien.core.errors import NotFound
from dangvien.core.search import name_filter, ranked
from dangvien.core.text import natural_sort_key
from dangvien.members.models import ACTIVE_STATUSES, CellTally, MemberEvent, Membership, Status
from dangvien.members.tally import tally_sum
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.people.ages import birth_range_for_band
from dangvien.people.models import Person

PER_PAGE = 50


@dataclass
class MemberFilter:
    q: str = ""
    cell: Organization | None = None  # any organization: its whole subtree
    status: str = ""  # "" = active members; "all" = everyone, past members too
    sex: str = ""
    age_band: str = ""


@dataclass
class MemberPage:
    items: list[Membership]
    count: int
    page: int
    pages: int


def _search(qs: QuerySet[Membership], q: str) -> QuerySet[Membership]:
    q = q.strip()
    if not q:
        return qs
    if _is_number(q):
        digits = q.replace(" ", "").replace(".", "")
        # A card number or a CCCD: exact CCCD, or a card number starting with it.
        return qs.filter(Q(person__cccd=digits) | Q(card_number__startswith=digits))
    return qs.filter(name_filter(q, "person__name_search"))


def _is_number(q: str) -> bool:
    digits = q.replace(" ", "").replace(".", "")
    return digits.isdigit() and len(digits) >= 6


def member_queryset(scope: Scope, f: MemberFilter) -> QuerySet[Membership]:
    qs = Membership.objects.filter(scope.org_filter("cell"))
    if f.status == "all":
        pass
    elif f.status:
        qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if f.cell is not None:
        qs = qs.filter(cell_id=f.cell.pk) if f.cell.is_cell else qs.filter(cell__path__startswith=f.cell.path)
    if f.sex:
        qs = qs.filter(person__sex=f.sex)
    if f.age_band:
        try:
            earliest, latest = birth_range_for_band(f.age_band, timezone.localdate())
        except KeyError:
            return qs.none()
        qs = qs.filter(person__birth_date__range=(earliest, latest))
    return _search(qs, f.q)


def _registry_version() -> tuple[int, int]:
    """Changes with every write made through a service (each appends to the audit log), in
    one query: the last entry's id (a write seen in this transaction, or by this reader)
    and the sealed chain's length (grows after each commit is sealed, so a write that
    commits after a later-numbered one still changes the key)."""
    head = Subquery(AuditHead.objects.filter(pk=1).values("seq")[:1])
    row = AuditEntry.objects.order_by("-id").values_list("id", head).first()
    return (row[0], row[1] or 0) if row is not None else (0, 0)


def _count(scope: Scope, f: MemberFilter, qs: QuerySet[Membership], key: str | None = None) -> int:
    """The exact count: from the per-cell tallies when only cell and status filter,
    otherwise counted and remembered until the next write anywhere.

    Counting a province's 190,000 members is most of the list page's time; paging
    through the same list asks the same question again. Keying on the audit chain's
    length makes the cached answer exact: any write changes the key."""
    if not (f.q.strip() or f.sex or f.age_band):
        # Only cell and status: the per-cell tallies answer without counting rows.
        where = scope.org_filter("cell")
        if f.cell is not None:
            where &= Q(cell_id=f.cell.pk) if f.cell.is_cell else Q(cell__path__startswith=f.cell.path)
        statuses = Status.values if f.status == "all" else [f.status] if f.status else ACTIVE_STATUSES
        return tally_sum(where, statuses)
    key = key or _count_key(scope, f)
    count = cache.get(key)
    if count is None:
        count = qs.count()
        cache.set(key, count, 600)
    return int(count)


def _count_key(scope: Scope, f: MemberFilter) -> str:
    key_parts = (
        scope.cache_key,
        f.q.strip(),
        f.cell.pk if f.cell else None,
        f.status,
        f.sex,
        f.age_band,
        timezone.localdate().isoformat() if f.age_band else "",
        _registry_version(),
    )
    return "members:count:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()


SEARCH_IDS_LIMIT = 5000

# What a list's row shows (the page and the API's list): reading only these keeps a
# person's CCCD, phone and address out of a page that does not show them, and builds 150
# model instances from a third of the columns.
LIST_FIELDS = (
    "card_number",
    "status",
    "admission_date",
    "official_date",
    "person__full_name",
    "person__birth_date",
    "person__sex",
    "cell__code",
    "cell__name",
)


def member_list(scope: Scope, f: MemberFilter, *, page: int = 1, per_page: int = PER_PAGE) -> MemberPage:
    """One page, in the Vietnamese order of names (given name first).

    Without a search: the count (tallies, or remembered) and the page query. With a
    search: one pass over the matches fetching only their ids in order — the count and
    every page at once, one trigram scan instead of two, ranked best match first — then
    the page's rows by id. Past SEARCH_IDS_LIMIT matches (a word as common as "nguyen")
    it falls back to count + page, in the Vietnamese order only."""
    qs = member_queryset(scope, f)
    ordered = qs.order_by("person__sort_key", "pk")
    ids: list[int] | None = None
    # A search already counted past the limit (the next pages of "nguyen") goes straight to
    # count + page: fetching 5,001 ids only to drop them was 70 ms at a province.
    count_key = _count_key(scope, f) if f.q.strip() else None
    if count_key is not None and (cache.get(count_key) or 0) <= SEARCH_IDS_LIMIT:
        rows = list(ordered.values_list("pk", "person__full_name")[: SEARCH_IDS_LIMIT + 1])
        if len(rows) <= SEARCH_IDS_LIMIT:
            # Best matches first (core.search), in the Vietnamese order within each rank.
            ids = [pk for pk, _name in rows] if _is_number(f.q) else ranked(f.q, rows)
    count = len(ids) if ids is not None else _count(scope, f, qs, count_key)
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    window = slice((page - 1) * per_page, page * per_page)
    related = Membership.objects.select_related("person", "cell").only(*LIST_FIELDS)
    if ids is not None:
        page_ids = ids[window]
        by_id = {m.pk: m for m in related.filter(pk__in=page_ids)}
        items = [by_id[pk] for pk in page_ids if pk in by_id]
    else:
        items = list(ordered.select_related("person", "cell").only(*LIST_FIELDS)[window])
    return MemberPage(items, count, page, pages)


def member_get(scope: Scope, pk: int) -> Membership:
    try:
        return (
            Membership.objects.filter(scope.org_filter("cell"))
            .select_related("person", "cell", "cell__parent")
            .get(pk=pk)
        )
    except Membership.DoesNotExist:
        raise NotFound from None


def member_timeline(m: Membership) -> list[MemberEvent]:
    return list(m.events.select_related("cell", "recorded_by").order_by("on", "id"))


def person_other_memberships(m: Membership) -> list[Membership]:
    return list(Membership.objects.filter(person_id=m.person_id).exclude(pk=m.pk).order_by("admission_date"))


@dataclass
class DuplicateGroup:
    reason: str
    people: list[Person]


def possible_duplicates(scope: Scope, *, limit: int = 100) -> list[DuplicateGroup]:
    """People who may be the same human: same normalized name and birth date (the CCCD is
    unique in the table, so a repeated CCCD can only arrive as an import error)."""
    in_scope = Person.objects.filter(memberships__in=Membership.objects.filter(scope.org_filter("cell")))
    keys = list(
        in_scope.values("name_search", "birth_date")
        .annotate(n=Count("id", distinct=True))
        .filter(n__gt=1)
        .order_by("name_search")[:limit]
    )
    if not keys:
        return []
    q = Q()
    for k in keys:
        q |= Q(name_search=k["name_search"], birth_date=k["birth_date"])
    people = list(
        in_scope.filter(q).distinct().prefetch_related("memberships__cell").order_by("name_search", "pk")
    )
    groups: dict[tuple[str, dt.date], list[Person]] = {}
    for p in people:
        groups.setdefault((p.name_search, p.birth_date), []).append(p)
    return [DuplicateGroup("Trùng họ tên và ngày sinh", ps) for ps in groups.values() if len(ps) > 1]


def officials_of_cell(
    cell_id: int, *, q: str = "", exclude_person_id: int | None = None
) -> QuerySet[Membership]:
    """The cell's official members (a mentor, an introducer) in Vietnamese order; with `q`,
    those whose name has words beginning as typed or whose card begins with it. The caller
    has already checked the cell is in the user's scope."""
    qs = Membership.objects.filter(cell_id=cell_id, status=Status.OFFICIAL)
    if exclude_person_id is not None:
        qs = qs.exclude(person_id=exclude_person_id)
    q = q.strip()
    if q:
        qs = qs.filter(name_filter(q, "person__name_search") | Q(card_number__startswith=q))
    return qs.select_related("person").order_by("person__sort_key", "pk")


def official_choice(m: Membership) -> tuple[str, str]:
    return str(m.pk), f"{m.person.full_name} ({m.person.birth_date:%Y})" + (
        f" — {m.card_number}" if m.card_number else ""
    )


def cell_official_choices(cell_id: int, *, exclude_person_id: int | None = None) -> list[tuple[str, str]]:
    """The cell's official members as choices for a form (a mentor, an introducer)."""
    return [official_choice(m) for m in officials_of_cell(cell_id, exclude_person_id=exclude_person_id)[:500]]


def org_children(scope: Scope, org: Organization, *, include_dissolved: bool = False) -> list[Organization]:
    """Children with their active member counts (whole subtree), in two queries."""
    qs = scope.orgs().filter(parent=org)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return with_counts(sorted(qs, key=lambda o: natural_sort_key(o.name)))


def with_counts(orgs: list[Organization]) -> list[Organization]:
    """Annotate each organization with its active members (whole subtree) and its active
    children, in two queries whatever the number of organizations."""
    counts = subtree_member_counts(orgs)
    child_counts = dict(
        Organization.objects.filter(parent__in=orgs, dissolved_on__isnull=True)
        .values_list("parent_id")
        .annotate(n=Count("id"))
    )
    for org in orgs:
        org.member_count = counts.get(org.pk, 0)  # type: ignore[attr-defined]
        org.child_count = child_counts.get(org.pk, 0)  # type: ignore[attr-defined]
    return orgs


def subtree_member_counts(orgs: list[Organization]) -> dict[int, int]:
    """Active members under each of the given organizations, in one query (over the
    per-cell tallies, not the membership rows)."""
    if not orgs:
        return {}
    per_cell = (
        CellTally.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q.create([("cell__path__startswith", o.path) for o in orgs], connector=Q.OR))
        .values_list("cell__path")
        .annotate(n=Sum("count"))
        .order_by()
    )
    result = {o.pk: 0 for o in orgs}
    for path, n in per_cell:
        for o in orgs:
            if path.startswith(o.path):
                result[o.pk] += n
    return result
