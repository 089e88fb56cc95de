"""Synthetic targets, ratings and local anniversaries, in bulk, shaped like a committee's
real ones: term and yearly targets set from each unit's own pace (some a little out of
reach), a third of them raised on 1 July, the commune's target split among its cells with
a shortfall here and there, group targets for women and the under-30s; last year's
quality ratings of members and cells; each province's founding day."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db.models import Count

from dangvien.cases.models import CeremonyDay
from dangvien.members.models import ACTIVE_STATUSES, EventKind, MemberEvent, Membership
from dangvien.orgs.models import CELL_KINDS, PATH_STEP, Organization, OrgKind
from dangvien.ratings.models import Level, MemberRating, OrgRating
from dangvien.targets.models import Target, TargetRevision
from dangvien.targets.periods import default_bounds, periods_around

MAX_RATED_MEMBERS = 300_000  # the nation's 5.6 million ratings would add minutes for no new picture
LEVELS = [(Level.EXCELLENT, 0.15), (Level.GOOD, 0.70), (Level.COMPLETE, 0.13), (Level.INCOMPLETE, 0.02)]
SCORE = {
    Level.EXCELLENT: (90, 98),
    Level.GOOD: (70, 89),
    Level.COMPLETE: (50, 69),
    Level.INCOMPLETE: (35, 49),
}


def fill_targets(rng: random.Random, *, today: dt.date) -> int:
    """Targets for every committee and cell; returns how many revisions were written."""
    term, year = periods_around(today)
    year_start = default_bounds(year).start
    since = today - dt.timedelta(days=365)
    pace = Counter(
        dict(
            MemberEvent.objects.filter(kind=EventKind.ADMITTED, on__gt=since, on__lte=today)
            .values_list("cell_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    orgs = list(Organization.objects.filter(dissolved_on__isnull=True).order_by("path"))
    by_path = {o.path: o for o in orgs}
    per_org: Counter[int] = Counter()
    for o in orgs:
        if o.kind in CELL_KINDS and pace[o.pk]:
            for depth in range(1, o.path.count(".") + 1):
                parent = by_path.get(o.path[: PATH_STEP * depth])
                if parent is not None:
                    per_org[parent.pk] += pace[o.pk]
    targets: list[Target] = []
    values: list[tuple[int, int, dt.date, str, str]] = []  # (target index, value, from, reason, ref)

    def add(org: Organization, period: str, group: str, value: int, on: dt.date, ref: str) -> int:
        targets.append(Target(organization=org, period=period, group=group))
        values.append((len(targets) - 1, value, on, "", ref))
        return len(targets) - 1

    year_of: dict[int, int] = {}
    for o in orgs:
        yearly = per_org[o.pk]
        if o.kind in CELL_KINDS or not yearly:
            continue
        ref = "Nghị quyết Đại hội" if o.kind in (OrgKind.PROVINCE, OrgKind.UPPER_BASE) else "Nghị quyết"
        term_value = max(1, round(yearly * 5 * rng.uniform(0.85, 1.25)))
        i = add(o, term, "", term_value, default_bounds(term).start, ref)
        if rng.random() < 0.3:  # raised mid-term
            raised = round(term_value * 1.12)
            values.append(
                (i, raised, dt.date(year_start.year, 7, 1), "Điều chỉnh giữa nhiệm kỳ", "NQ điều chỉnh")
            )
        year_value = max(1, round(yearly * rng.uniform(0.9, 1.3)))
        year_of[o.pk] = year_value
        i = add(o, year, "", year_value, year_start, "Kế hoạch năm")
        if rng.random() < 0.3 and today >= dt.date(today.year, 7, 1):
            raised = round(year_value * 1.1)
            values.append(
                (i, raised, dt.date(today.year, 7, 1), "Nghị quyết điều chỉnh giữa năm", "NQ 6 tháng")
            )
        if o.kind == OrgKind.UPPER_BASE:
            add(o, year, "nữ", max(1, round(year_value * 0.4)), year_start, "Kế hoạch năm")
            add(o, year, "dưới 30 tuổi", max(1, round(year_value * 0.5)), year_start, "Kế hoạch năm")
    # The commune splits its yearly target among its cells by their pace, not always fully.
    cells_of: dict[int, list[Organization]] = {}
    for o in orgs:
        if o.kind in CELL_KINDS and o.parent_id in year_of:
            cells_of.setdefault(o.parent_id, []).append(o)
    for parent_id, cells in cells_of.items():
        weights = [pace[c.pk] + 0.5 for c in cells]
        share = year_of[parent_id] * rng.uniform(0.9, 1.0) / sum(weights)
        for c, w in zip(cells, weights, strict=True):
            add(c, year, "", round(w * share), year_start, "Kế hoạch của đảng ủy")
    Target.objects.bulk_create(targets, batch_size=2000)
    TargetRevision.objects.bulk_create(
        [
            TargetRevision(target=targets[i], value=v, effective_on=on, reason=reason, decision_ref=ref)
            for i, v, on, reason, ref in values
        ],
        batch_size=5000,
    )
    return len(values)


def fill_ratings(rng: random.Random, *, today: dt.date) -> int:
    """Last year's ratings of members (when there are not too many) and of organizations."""
    year = today.year - 1
    end = dt.date(year, 12, 31)
    rows = 0
    members = Membership.objects.filter(status__in=ACTIVE_STATUSES, admission_date__lte=end)
    if members.count() <= MAX_RATED_MEMBERS:
        batch: list[MemberRating] = []
        for pk, cell_id in members.values_list("pk", "cell_id").iterator(chunk_size=5000):
            level = rng.choices([lv for lv, _ in LEVELS], weights=[w for _, w in LEVELS])[0]
            score = rng.randint(*SCORE[level]) if rng.random() < 0.6 else None
            batch.append(MemberRating(membership_id=pk, cell_id=cell_id, year=year, level=level, score=score))
            if len(batch) >= 5000:
                MemberRating.objects.bulk_create(batch)
                rows += len(batch)
                batch = []
        MemberRating.objects.bulk_create(batch)
        rows += len(batch)
    org_rows = [
        OrgRating(
            organization_id=pk,
            year=year,
            level=rng.choices([lv for lv, _ in LEVELS], weights=[0.2, 0.65, 0.13, 0.02])[0],
        )
        for pk in Organization.objects.filter(parent__isnull=False, dissolved_on__isnull=True).values_list(
            "pk", flat=True
        )
    ]
    OrgRating.objects.bulk_create(org_rows, batch_size=5000)
    return rows + len(org_rows)


def fill_ceremony_days(rng: random.Random) -> int:
    days = [
        CeremonyDay(
            organization=p,
            name=f"Ngày thành lập {p.name}",
            day=rng.randint(1, 28),
            month=rng.choice([1, 3, 4, 6, 8, 10, 11, 12]),
        )
        for p in Organization.objects.filter(kind=OrgKind.PROVINCE)
    ]
    CeremonyDay.objects.bulk_create(days)
    return len(days)
