"""Recording ratings. A member is rated by their cell (its secretary, or the committee's
staff above it); an organization by the committee above it. Each write is audited; a
second entry for the same year corrects the first (the audit log keeps the old value)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.audit import audit_log, audit_log_many
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.services import recorded_by
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.ratings.models import Level, MemberRating, OrgRating
from dangvien.rules.selectors import RuleBook


@dataclass(frozen=True)
class Entry:
    level: str
    score: int | None = None
    note: str = ""


def check_level(
    level: str, score: int | None, *, year: int, org: Organization, book: RuleBook | None = None
) -> None:
    """The level must agree with the score, when one is given (366-QĐ/TW: ≥ 90 excellent
    — or good, the excellent level needing further conditions —, 70 good, 50 complete)."""
    if level not in Level.values:
        raise ServiceError("ratings.grade_missing", field="level")
    if score is None:
        return
    if not 0 <= score <= 100:
        raise ServiceError("ratings.score_out_of_range", field="score")
    book = book or RuleBook.load()
    on = dt.date(year, 12, 31)
    top = int(book.value("rating.excellent_min_score", on=on, org=org))
    good = int(book.value("rating.good_min_score", on=on, org=org))
    complete = int(book.value("rating.complete_min_score", on=on, org=org))
    allowed = (
        {Level.EXCELLENT, Level.GOOD}
        if score >= top
        else {Level.GOOD}
        if score >= good
        else {Level.COMPLETE}
        if score >= complete
        else {Level.INCOMPLETE}
    )
    if level not in allowed:
        names = " hoặc ".join(f"“{Level(x).label}”" for x in sorted(allowed, key=Level.values.index))
        raise ServiceError("ratings.score_grade_mismatch", score=score, names=names, field="level")


def _check_year(year: int) -> None:
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ServiceError("ratings.year_out_of_range", today=today, field="year")


@transaction.atomic
def ratings_record_members(
    *, actor: User | None, cell: Organization, year: int, entries: dict[int, Entry]
) -> int:
    """Rate the members of one cell for a year (the cell's yearly review), all or nothing.
    Returns how many ratings changed."""
    if not scope_for(actor).can_write(cell):
        raise ScopeDenied
    _check_year(year)
    members = {
        m.pk: m for m in Membership.objects.filter(pk__in=list(entries), cell=cell).select_related("person")
    }
    book = RuleBook.load()
    problems: list[str] = []
    for pk, e in entries.items():
        m = members.get(pk)
        if m is None:
            raise ServiceError("ratings.member_other_cell", field="entries")
        if m.admission_date > dt.date(year, 12, 31):
            problems.append(ServiceError("ratings.admitted_after_year", m=m, year=year).message)
            continue
        try:
            check_level(e.level, e.score, year=year, org=cell, book=book)
        except ServiceError as exc:
            problems.append(ServiceError("ratings.member_problem", m=m, problem=exc.message).message)
    if problems:
        raise ServiceError("core.reason", field="entries", reason="; ".join(problems))
    existing = {
        r.membership_id: r for r in MemberRating.objects.filter(membership_id__in=list(entries), year=year)
    }
    # Written as one batch (an import gives a cell's whole year at once): the changed rows in
    # one statement, their audit entries in another.
    rows, audited = [], []
    for pk, e in entries.items():
        old = existing.get(pk)
        if old is not None and (old.level, old.score, old.note) == (e.level, e.score, e.note[:300]):
            continue
        rows.append(
            MemberRating(
                membership_id=pk,
                year=year,
                cell=cell,
                level=e.level,
                score=e.score,
                note=e.note[:300],
                recorded_by=recorded_by(actor),
            )
        )
        changes = {"year": year, "level": [old.level if old else None, e.level], "score": e.score}
        audited.append((members[pk], changes))
    MemberRating.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["membership", "year"],
        update_fields=["cell", "level", "score", "note", "recorded_by", "recorded_at"],
    )
    audit_log_many(actor=actor, action="ratings.member", entries=audited)
    changed = len(rows)
    return changed


@transaction.atomic
def rating_record_org(*, actor: User | None, org: Organization, year: int, entry: Entry) -> OrgRating | None:
    """The committee above rates an organization for a year. None when it already has this
    rating (a second click, a file imported again): nothing written, nothing audited."""
    scope = scope_for(actor)
    judge = org.parent
    if not (scope.is_admin or (judge is not None and scope.can_manage(judge))):
        raise ScopeDenied
    _check_year(year)
    check_level(entry.level, entry.score, year=year, org=org)
    old = OrgRating.objects.filter(organization=org, year=year).first()
    if old is not None and (old.level, old.score, old.note) == (entry.level, entry.score, entry.note[:300]):
        return None
    rating, _ = OrgRating.objects.update_or_create(
        organization=org,
        year=year,
        defaults={
            "level": entry.level,
            "score": entry.score,
            "note": entry.note[:300],
            "recorded_by": recorded_by(actor),
        },
    )
    audit_log(
        actor=actor,
        action="ratings.org",
        obj=org,
        changes={"year": year, "level": [old.level if old else None, entry.level], "score": entry.score},
    )
    return rating


@transaction.atomic
def ratings_record_orgs(*, actor: User | None, year: int, entries: dict[Organization, Entry]) -> int:
    """Rate several organizations at once (a committee's yearly review of its units): all or
    none. Returns how many ratings changed."""
    return sum(
        1
        for org, entry in entries.items()
        if rating_record_org(actor=actor, org=org, year=year, entry=entry) is not None
    )
