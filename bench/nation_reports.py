"""Issue 5's reports at nation scale, on PostgreSQL: `python bench/nation_reports.py` with
DANGVIEN_DATABASE_URL pointing at a database the nation demo filled (bench/nation.py or
`dangvien demo --scale nation`). Appends the figures to docs/benchmarks.md.

The tree has no organization above the 34 provinces, so "the nation" is every province's
report one after the other (what a national report would read), beside the largest
province alone; each beside the hand-written SQL of bench/reports.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangvien.members.models import ACTIVE_STATUSES, CellTally, Membership  # noqa: E402
from dangvien.orgs.models import Organization, OrgKind  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import timed  # noqa: E402
from report_lines import lines  # noqa: E402
from reports import measure, raw_members, raw_progress  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    assert connection.vendor == "postgresql", "nation scale is measured on PostgreSQL"
    today = timezone.localdate()
    members = Membership.objects.count()
    provinces = list(Organization.objects.filter(kind=OrgKind.PROVINCE).order_by("code"))
    sizes = dict(  # the per-cell tallies, not 5.6 million rows
        CellTally.objects.filter(status__in=ACTIVE_STATUSES)
        .values_list("cell__path")
        .annotate(n=Sum("count"))
        .order_by()
    )
    largest = max(provinces, key=lambda p: sum(n for path, n in sizes.items() if path.startswith(p.path)))
    result = measure(largest, today, timed, 5)
    result["vendor"] = "PostgreSQL"
    result["report_scope"] = f"largest province ({largest.code})"

    from dangvien.accounts.scope import scope_for
    from dangvien.reports.selectors import member_counts
    from dangvien.targets.periods import periods_around
    from dangvien.targets.progress import progress_report

    scope = scope_for(None)
    term, year = periods_around(today)

    def every_province(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        for p in provinces:
            fn(p)
        return round((time.perf_counter() - start) * 1000, 1)

    nation = {
        "provinces": len(provinces),
        "members": members,
        "progress_year_ms": every_province(lambda p: progress_report(scope, org=p, period=year, as_of=today)),
        "progress_year_raw_ms": every_province(lambda p: raw_progress(p, year, today, groups=True)()),
        "progress_term_ms": every_province(lambda p: progress_report(scope, org=p, period=term, as_of=today)),
        "progress_term_raw_ms": every_province(lambda p: raw_progress(p, term, today, groups=False)()),
        "members_ms": every_province(lambda p: member_counts(scope, p, today)),
        "members_raw_ms": every_province(lambda p: raw_members(p, today)()),
    }
    print(json.dumps({"largest": result, "nation": nation}, default=str))
    out = [
        f"\n## {dt.date.today():%d/%m/%Y} — nation scale, reports (issue 5), PostgreSQL, "
        f"{os.cpu_count()} cores, {members:,} members".replace(",", "."),
        *lines([result]),
        "\nThe whole country, every province's report one after the other (milliseconds, one run):\n",
        "| report | dangvien | raw SQL | ratio |",
        "|---|---|---|---|",
    ]
    for label, key in (
        ("progress, year (groups)", "progress_year"),
        ("progress, term", "progress_term"),
        ("members", "members"),
    ):
        ratio = nation[f"{key}_ms"] / max(nation[f"{key}_raw_ms"], 0.01)
        out.append(
            f"| {label} | {nation[f'{key}_ms']:,} | {nation[f'{key}_raw_ms']:,} | {ratio:.2f}× |".replace(
                ",", "."
            )
        )
    path = ROOT / "docs" / "benchmarks.md"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"appended to {path}")


if __name__ == "__main__":
    main()
