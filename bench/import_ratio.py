"""The members import against the database floor, taken in turn (issue 22, item 5), on a
PostgreSQL database that holds a province (the committees' benchmark leaves one; use a copy,
the runs add members):

    createdb -T dangvien_bench_committees dangvien_ratio
    DANGVIEN_DATABASE_URL=postgres://…/dangvien_ratio DANGVIEN_DATA_DIR=var/bench-c \\
        .venv/bin/python bench/import_ratio.py [runs, default 5]

Each run imports 20,000 new members from a CSV (bench/measure.py's rows), then measures the
floor (the same rows by SQL alone, committed). Prints each run and the ratio of the medians:
the machine's speed moves from one minute to the next, so only runs taken in turn compare."""

from __future__ import annotations

import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from measure import db_floor, import_rows  # noqa: E402

from dangvien.members.importing import HEADERS, import_members  # noqa: E402
from dangvien.orgs.models import Organization  # noqa: E402

ROWS = 20_000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cells = list(Organization.objects.filter(kind="cell").values_list("code", flat=True)[:500])
    imports, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(runs):
            path = Path(tmp) / f"members-{k}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(HEADERS)
                w.writerows([*r, *[""] * (len(HEADERS) - len(r))] for r in import_rows(ROWS, cells, 100 + k))
            start = time.perf_counter()
            result = import_members(path=path, actor=None)
            imports.append(time.perf_counter() - start)
            assert result.ok and result.created == ROWS, result.errors[:3]
            floors.append(db_floor(ROWS))
            print(
                f"import {imports[-1]:.2f} s, floor {floors[-1]:.2f} s, ratio {floors[-1] / imports[-1]:.2f}"
            )
    ratio = statistics.median(floors) / statistics.median(imports)
    print(
        f"medians: import {statistics.median(imports):.2f} s, floor {statistics.median(floors):.2f} s, ratio {ratio:.2f}"
    )


main()
