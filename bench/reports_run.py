"""Issue 5's reports alone, on the province databases `make bench` left behind
(var/bench/bench.sqlite3 and the dangvien_bench PostgreSQL database): quicker than the
whole `make bench` after a change to the reports. Appends its table to docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PG = os.environ.get("DANGVIEN_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]

CHILD = """
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings"); django.setup()
from django.db import connection
from django.utils import timezone
sys.path.insert(0, sys.argv[1])
from measure import timed
from reports import measure
from dangvien.orgs.models import Organization
root = Organization.objects.filter(parent__isnull=True).order_by("code").first()
r = measure(root, timezone.localdate(), timed, 10)
r["vendor"] = connection.vendor
print(json.dumps(r))
"""


def main() -> None:
    sys.path.insert(0, str(HERE))
    from report_lines import lines

    results = []
    for url in (f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}", f"{PG}/dangvien_bench"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
        env.update({"DANGVIEN_DATABASE_URL": url, "DANGVIEN_DATA_DIR": str(ROOT / "var" / "bench")})
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(HERE)], env=env, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            print(out.stderr[-3000:])
            continue
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    text = [
        f"\n## {dt.date.today():%d/%m/%Y} — reports of issue 5 again, province scale, {os.cpu_count()} cores",
        *lines(results),
    ]
    print("\n".join(text))
    with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
