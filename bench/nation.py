"""The daily watch and the timeliness report at nation scale, on PostgreSQL only:
`python bench/nation.py` (with DANGVIEN_DATABASE_URL pointing at an empty PostgreSQL
database, or at one already filled by a previous run: the demo is built only when the
database has no organization). Appends the figures to docs/benchmarks.md.

Not in `make bench`: the nation's demo (5.6 million members) takes about twenty minutes."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangvien.accounts.models import Role, RoleAssignment, User  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402
from dangvien.demo.generate import generate  # noqa: E402
from dangvien.members.models import Membership  # noqa: E402
from dangvien.orgs.models import Organization, OrgKind  # noqa: E402
from dangvien.orgs.scope import scope_for  # noqa: E402
from dangvien.reports.timeliness import timeliness  # noqa: E402
from dangvien.watch.models import Notification  # noqa: E402
from dangvien.watch.services import tick  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import replay, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    assert connection.vendor == "postgresql", "nation scale is measured on PostgreSQL"
    call_command("migrate", verbosity=0)
    out: dict[str, object] = {}
    if not Organization.objects.exists():
        start = time.perf_counter()
        generate("nation", seed=1)
        out["demo_minutes"] = round((time.perf_counter() - start) / 60, 1)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    out["members"] = Membership.objects.count()
    today = timezone.localdate()
    # Recipients as in life: the staff of every commune and of every province.
    User.objects.filter(username__startswith="nb-").delete()
    for org in Organization.objects.filter(kind__in=[OrgKind.PROVINCE, OrgKind.UPPER_BASE]).only(
        "pk", "code"
    ):
        user_create(
            actor=None,
            username=f"nb-{org.code}",
            password="bench-password-2026",
            role=Role.STAFF,
            organization=org,
        )
    out["recipients"] = RoleAssignment.objects.filter(user__username__startswith="nb-").count()
    Notification.objects.all().delete()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    first = tick(as_of=today, send_mail=False)
    out["tick_seconds"] = round(time.perf_counter() - start, 1)
    out["tick_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    tracemalloc.stop()
    out["rss_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1)
    out["tick_items"], out["tick_created"] = first.items, first.created
    start = time.perf_counter()
    again = tick(as_of=today, send_mail=False)
    out["tick_again_seconds"] = round(time.perf_counter() - start, 1)
    assert again.created == 0
    # The timeliness report of the largest province, as its staff.
    province = max(
        Organization.objects.filter(kind=OrgKind.PROVINCE),
        key=lambda p: Organization.objects.filter(parent=p).count(),
    )
    scope = scope_for(User.objects.get(username=f"nb-{province.code}"))
    start_y, end_y = today.replace(month=1, day=1), today.replace(month=12, day=31)

    def report() -> object:
        return timeliness(scope, org=province, start=start_y, end=end_y, today=today)

    out["province"] = province.code
    out["timeliness_orm"] = timed(report, 10)
    out["timeliness_raw"] = timed(replay(report), 10)
    Notification.objects.all().delete()
    User.objects.filter(username__startswith="nb-").delete()
    write(out, today)
    print(json.dumps(out))


def write(r: dict[str, object], today: dt.date) -> None:
    t, raw = r["timeliness_orm"], r["timeliness_raw"]
    lines = [
        f"\n## {today:%d/%m/%Y} — nation scale: the daily watch and the timeliness report (PostgreSQL 15)\n",
        f"`python bench/nation.py` on the nation's demo ({r['members']:,} members"
        + (f", built in {r['demo_minutes']} min" if "demo_minutes" in r else "")
        + f"), {r['recipients']:,} staff users (one per province and per commune).\n".replace(",", "."),
        "| tick: items found | notifications | tick (s) | Python heap peak (MB) | process RSS growth (MB) "
        "| again (s) | timeliness of the largest province | (raw) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r['tick_items']:,} | {r['tick_created']:,} | {r['tick_seconds']} | {r['tick_peak_mb']} | "
        f"{r['rss_growth_mb']} | {r['tick_again_seconds']} | {t['median_ms']:.0f} / {t['p95_ms']:.0f} ms "  # type: ignore[index]
        f"| {raw['median_ms']:.0f} / {raw['p95_ms']:.0f} ms |".replace(",", "."),  # type: ignore[index]
    ]
    with (ROOT / "docs" / "benchmarks.md").open("a") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
