"""Issue 5's reports at nation scale, on PostgreSQL: `python bench/nation_reports.py` with
DANGVIEN_DATABASE_URL pointing at a database the nation demo filled (bench/nation.py or
`dangvien demo --scale nation`). Appends the figures to docs/benchmarks.md.

"The nation" is the whole tree (`report progress --all`, `report members --all`: every
province under one row), beside the largest province alone; each beside the hand-written
SQL of bench/reports.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
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
from reports import measure  # noqa: E402

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

    # The nation: the whole tree (every province under one row), one report.
    whole = measure(None, today, timed, 5)
    whole["vendor"] = "PostgreSQL"
    whole["report_scope"] = "whole tree (the nation)"
    print(json.dumps({"largest": result, "nation": whole}, default=str))
    out = [
        f"\n## {dt.date.today():%d/%m/%Y} — nation scale, reports (issue 5), PostgreSQL, "
        f"{os.cpu_count()} cores, {f'{members:,}'.replace(',', '.')} members, {len(provinces)} provinces",
        *lines([result, whole]),
    ]
    path = ROOT / "docs" / "benchmarks.md"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"appended to {path}")


if __name__ == "__main__":
    main()
