"""The nation's first load measured (issue 22, item 5), on PostgreSQL only, into an empty
database (DANGVIEN_DATABASE_URL, migrated):

    DANGVIEN_DATABASE_URL=postgres://…/dangvien_nation_load DANGVIEN_DATA_DIR=var/bench-n \\
        .venv/bin/python bench/nation_load.py

The path of docs/operations.md, through the importers a clerk or an operator uses: the
tree (34 provinces, every commune and ward, 30 cells each: about 100,000 organizations) as
one organizations file, then one members CSV per province (5.6 million members in all,
shared by the provinces' numbers of communes). Each file is timed as `dangvien import`
runs it (parse, check, write, commit, ANALYZE when the load calls for it).

DANGVIEN_NATION_LOAD_SECONDS bounds the members' part: the provinces not loaded by then
are left out, and the summary says how many were. Not in `make bench` (about half an hour).
Prints a line per file on stderr and one JSON object on stdout."""

from __future__ import annotations

import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402
from measure import import_rows  # noqa: E402
from vietnam_provinces import Province, Ward  # noqa: E402

from dangvien.members.importing import HEADERS as MEMBER_HEADERS  # noqa: E402
from dangvien.members.importing import import_members  # noqa: E402
from dangvien.orgs.importing import COLUMNS as ORG_COLUMNS  # noqa: E402
from dangvien.orgs.importing import import_orgs  # noqa: E402
from dangvien.orgs.models import OrgKind, Sector  # noqa: E402

MEMBERS = int(os.environ.get("DANGVIEN_NATION_MEMBERS", "5600000"))
CELLS_PER_COMMUNE = 30
ORG_HEADERS = [c.header for c in ORG_COLUMNS]
BUDGET = float(os.environ.get("DANGVIEN_NATION_LOAD_SECONDS", "0")) or float("inf")
PROVINCES = int(os.environ.get("DANGVIEN_NATION_PROVINCES", "34"))  # fewer: a trial of the script


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def tree_rows() -> tuple[list[list[str]], dict[str, list[str]]]:
    """The organizations file's rows, and each province's cell codes."""
    rng = random.Random(1)
    rows: list[list[str]] = []
    cells: dict[str, list[str]] = {}
    kinds = {k: str(k.label) for k in OrgKind}
    sectors = [str(Sector.RESIDENTIAL.label)] * 20 + [str(s.label) for s in Sector]
    for prov in sorted(Province.iter_all(), key=lambda p: int(p.code))[:PROVINCES]:
        code = f"T{int(prov.code):02d}"
        rows.append([code, f"Đảng bộ {prov.name}", "", kinds[OrgKind.PROVINCE], "", "01/01/1976"])
        cells[code] = []
        for w in sorted(Ward.iter_by_province(prov.code), key=lambda w: int(w.code)):
            commune = f"{code}-X{int(w.code):05d}"
            rows.append([commune, f"Đảng bộ {w.name}", code, kinds[OrgKind.UPPER_BASE], "", "01/01/1976"])
            for i in range(1, CELLS_PER_COMMUNE + 1):
                cell = f"{commune}-C{i:02d}"
                cells[code].append(cell)
                rows.append([cell, f"Chi bộ số {i}", commune, kinds[OrgKind.CELL], rng.choice(sectors), ""])
    return rows, cells


def write_csv(path: Path, headers: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench/nation_load.py measures PostgreSQL only")
    call_command("migrate", verbosity=0)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, translation.override("vi"):
        rows, cells = tree_rows()
        orgs = Path(tmp) / "cay-to-chuc.csv"
        write_csv(orgs, ORG_HEADERS, rows)  # type: ignore[arg-type]
        start = time.perf_counter()
        result = import_orgs(path=orgs, actor=None)
        seconds = time.perf_counter() - start
        assert result.ok, result.errors[:3]
        out["organizations"] = {"rows": len(rows), "seconds": round(seconds, 1)}
        say(f"tree: {len(rows):,} organizations in {seconds:.1f} s")

        total_cells = sum(len(c) for c in cells.values())
        files: list[dict[str, object]] = []
        loaded, began = 0, time.perf_counter()
        for index, (province, codes) in enumerate(cells.items(), start=1):
            if time.perf_counter() - began > BUDGET:
                break
            n = round(MEMBERS * len(codes) / total_cells)
            member_rows = [
                [*r, *[""] * (len(MEMBER_HEADERS) - len(r))] for r in import_rows(n, codes, seed=index)
            ]
            path = Path(tmp) / f"{province}.csv"
            write_csv(path, MEMBER_HEADERS, member_rows)
            del member_rows
            start = time.perf_counter()
            result = import_members(path=path, actor=None)
            seconds = time.perf_counter() - start
            path.unlink()
            assert result.ok and result.created == n, result.errors[:3]
            loaded += n
            files.append(
                {
                    "province": province,
                    "rows": n,
                    "seconds": round(seconds, 1),
                    "rows_per_s": round(n / seconds),
                }
            )
            say(f"{province}: {n:,} members in {seconds:.1f} s ({n / seconds:,.0f}/s); {loaded:,} in all")
        import_seconds = sum(float(f["seconds"]) for f in files)  # type: ignore[arg-type]
        with connection.cursor() as cur:
            start = time.perf_counter()
            cur.execute("ANALYZE")
            analyze = time.perf_counter() - start
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
        out["members"] = {
            "files": len(files),
            "provinces": len(cells),
            "rows": loaded,
            "import_seconds": round(import_seconds, 1),
            "rows_per_s": round(loaded / import_seconds) if import_seconds else 0,
            "first_file": files[0] if files else None,
            "last_file": files[-1] if files else None,
            "per_file": files,
        }
        out["analyze_seconds"] = round(analyze, 1)
        out["database_gb"] = round(size / 1e9, 2)
    print(json.dumps(out))


main()
