"""`make bench`: measure on synthetic province-scale data on SQLite and on PostgreSQL
(when reachable), then write the figures with the date and machine to docs/benchmarks.md.

Not part of `make test`: it builds 150,000 members per backend and takes minutes."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_lines import lines as report_lines

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("DANGVIEN_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
SCALE = os.environ.get("DANGVIEN_BENCH_SCALE", "province")
IMPORT_ROWS = os.environ.get("DANGVIEN_BENCH_IMPORT_ROWS", "20000")


def run_one(label: str, database_url: str, data_dir: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    env.update({"DANGVIEN_DATABASE_URL": database_url, "DANGVIEN_DATA_DIR": str(data_dir)})
    print(f"== {label}: building {SCALE} data and measuring…", flush=True)
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "measure.py"), SCALE, IMPORT_ROWS],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(out.stderr[-4000:])
        raise SystemExit(f"{label} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_available() -> bool:
    return (
        shutil.which("psql") is not None
        and subprocess.run(
            ["psql", PG_ADMIN, "-qtAc", "select 1"], capture_output=True, check=False
        ).returncode
        == 0
    )


def main() -> None:
    results = []
    bench_dir = ROOT / "var" / "bench"
    shutil.rmtree(bench_dir, ignore_errors=True)
    bench_dir.mkdir(parents=True)
    results.append(run_one("SQLite", f"sqlite:///{bench_dir / 'bench.sqlite3'}", bench_dir))
    if pg_available():
        subprocess.run(["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS dangvien_bench"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE dangvien_bench"], check=True)
        results.append(run_one("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/dangvien_bench", bench_dir))
        subprocess.run(["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS dangvien_bench_audit"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE dangvien_bench_audit"], check=True)
        audit = run_script(
            "audit_writers.py", PG_ADMIN.rsplit("/", 1)[0] + "/dangvien_bench_audit", bench_dir
        )
        results[-1]["audit"] = audit
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS dangvien_bench_committees"], check=True
        )
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE dangvien_bench_committees"], check=True)
        results[-1]["committees"] = run_script(
            "committees.py", PG_ADMIN.rsplit("/", 1)[0] + "/dangvien_bench_committees", bench_dir
        )
        # The mornings under load, on the same province (bench/load.py: ~6 minutes).
        results[-1]["load"] = run_script(
            "load.py", PG_ADMIN.rsplit("/", 1)[0] + "/dangvien_bench_committees", bench_dir
        )
    write(results)


def run_script(script: str, database_url: str, data_dir: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    env.update({"DANGVIEN_DATABASE_URL": database_url, "DANGVIEN_DATA_DIR": str(data_dir)})
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script)], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        print(out.stderr[-4000:])
        raise SystemExit(f"{script} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_lines(load: dict) -> list[str]:  # type: ignore[type-arg]
    """Issue 22 (bench/load.py): the mornings under load, the province's home after the tick."""
    home = load["province_home_ms"]
    out = [
        "\nLoad profile (issue 22, bench/load.py, PostgreSQL, the province above): `dangvien serve` "
        "(gunicorn, 3 sync workers) and locust on the same two cores; users arrive two a second, think "
        "1–3 s between clicks; figures after all have signed in. *server* and *cpu*: the page's median "
        "wall and CPU time inside the app (Server-Timing). The province's home page after the nightly "
        f"tick ({load['tick_seconds']} s): first visit {home['first_after_tick']} ms, then "
        f"{', '.join(str(v) for v in home['then'])} ms.\n",
        "| users | think (s) | requests/s | p50 | p95 | p99 | errors | server CPU per request (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in load["runs"]:
        t = run["total"]
        out.append(
            f"| {run['users']} | {run['wait'].replace(',', '–')} | {t['rps']} | {t['p50']:.0f} | {t['p95']:.0f} | "
            f"{t['p99']:.0f} | {t['failures']} | {run['server_cpu_ms_per_request']} |".replace(".", ",")
        )
    by_page: dict[str, dict[int, dict]] = {}  # type: ignore[type-arg]
    for run in load["runs"]:
        if run["wait"] != "0,0":
            for name, p in run["pages"].items():
                by_page.setdefault(name, {})[run["users"]] = p
    counts = [run["users"] for run in load["runs"] if run["wait"] != "0,0"]
    single = load.get("one_user", {})
    out += [
        "\nPer page: p95 (ms) at each number of users; and one user alone opening it ten times in a row "
        "(after a first visit): the median time in the app, its CPU and its SQL (ms). Aim: ≤ 25 ms.\n",
        "| page | " + " | ".join(f"p95 at {n}" for n in counts) + " | one user: server | cpu | SQL |",
        "|---|" + "---|" * len(counts) + "---|---|---|",
    ]
    for name in sorted(set(by_page) | set(single)):
        cells = [f"{by_page[name][n]['p95']:.0f}" if n in by_page.get(name, {}) else "—" for n in counts]
        one = single.get(name, {})
        tail = f" | {one.get('server_ms', '—')} | {one.get('cpu_ms', '—')} | {one.get('db_ms', '—')} |"
        out.append(f"| {name} | " + " | ".join(cells) + tail.replace(".", ","))
    return out


def committee_lines(c: dict) -> list[str]:  # type: ignore[type-arg]
    """Issue 21 (bench/committees.py, PostgreSQL): the province's duties and survey."""

    def n(v: int) -> str:
        return f"{v:,}".replace(",", ".")

    def ms(t: dict[str, float]) -> str:
        return f"{t['median_ms']:.1f} / {t['p95_ms']:.1f}".replace(".", ",")

    d = c["duties"]["median_ms"] / max(c["duties_raw"]["median_ms"], 0.01)
    s = c["sourcing"]["median_ms"] / max(c["sourcing_raw"]["median_ms"], 0.01)
    return [
        f"\nCommittees at work (issue 21, bench/committees.py, PostgreSQL): the province of {n(c['cells'])} "
        f"cells, {n(c['committee_members'])} committee members answering for cells, {n(c['meetings'])} "
        f"meetings with {n(c['attendance'])} attendance rows. Milliseconds, median / p95; *raw*: the same "
        "SQL on the cursor.\n",
        "| | rows | selector | raw | selector ÷ raw (median) | aim |",
        "|---|---|---|---|---|---|",
        f"| report duties | {n(c['duties_rows'])} | {ms(c['duties'])} | {ms(c['duties_raw'])} | "
        f"{d:.2f}× | ≤ 200 ms, ≤ 1,5× |".replace(f"{d:.2f}", f"{d:.2f}".replace(".", ",")),
        f"| report sourcing | {n(c['sourcing_rows'])} | {ms(c['sourcing'])} | {ms(c['sourcing_raw'])} | "
        f"{s:.2f}× | ≤ 200 ms, ≤ 1,5× |".replace(f"{s:.2f}", f"{s:.2f}".replace(".", ",")),
        f"| a meeting of a {c['meeting_members']}-member cell, recorded | 1 | {ms(c['meeting_record'])} | — | — "
        "| ≤ 100 ms |",
    ]


def _vn(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def fmt(t: dict[str, float]) -> str:
    return f"{t['median_ms']:.1f} / {t['p95_ms']:.1f}"


def write(results: list[dict]) -> None:  # type: ignore[type-arg]
    cpu = platform.processor() or platform.machine()
    lines = [
        f"\n## {dt.date.today():%d/%m/%Y} — {SCALE} scale, {platform.system()} {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n",
        "Times in milliseconds, median / p95. *Raw* is the same SQL the ORM sends, run straight on the "
        "cursor, so the ratio is what Django, scoping and rendering add. Pages: *first* is a visit after "
        "a write, *again* the same page once more (a search's count is remembered until the next write; "
        "the unfiltered list is counted from the per-cell tallies). *List (raw)* counts the rows and "
        "fetches the page straight on the cursor. *Database floor*: the same rows an import writes "
        "(person, membership, events, periods) made by SQL alone and committed, indexes and foreign keys "
        "included, no Python: the ceiling for an import on this machine (until 06/12/2026 the floor "
        "was rolled back, not committed: its WAL was never flushed).\n",
        "| backend | members | demo build (s) | search (ORM) | search (raw) | search page (first / again) "
        "| list page (first / again) | list (raw) "
        "| import CSV (rows/s) | import XLSX (rows/s) | PostgreSQL COPY (rows/s) | database floor (rows/s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['vendor']} | {r['members']:,} | {r['demo_seconds']} | {fmt(r['search_orm'])} | "
            f"{fmt(r['search_raw'])} | {fmt(r['search_page_cold'])} / {fmt(r['search_page'])} | "
            f"{fmt(r['list_page_cold'])} / {fmt(r['list_page'])} | {fmt(r['list_raw'])} | "
            f"{r['import_csv_rows_per_s']:,} | {r['import_xlsx_rows_per_s']:,} | {r.get('copy_rows_per_s', '—')} | {r.get('db_floor_rows_per_s', '—')} |".replace(
                ",", "."
            )
        )
    for r in results:
        ratio = r["search_orm"]["p95_ms"] / max(r["search_raw"]["p95_ms"], 0.01)
        lines.append(f"\n- {r['vendor']}: search p95 is {ratio:.2f}× the raw query's p95.")
    for r in results:
        floor = r.get("db_floor_rows_per_s")
        if isinstance(floor, int | float) and floor:
            share = r["import_csv_rows_per_s"] / floor
            verdict = "met" if share >= 0.6 else "**not met**"
            runs = ""
            if r.get("import_csv_runs_s"):
                imports, floors = r["import_csv_runs_s"], r["db_floor_runs_s"]
                runs = (
                    f" Medians of {len(imports)} runs taken in turn: import {' / '.join(map(_vn, imports))} s, "
                    f"floor {' / '.join(map(_vn, floors))} s; each run's ratio "
                    f"{', '.join(_vn(f / i) for i, f in zip(imports, floors, strict=True))}."
                )
            lines.append(
                f"\n- {r['vendor']}: the members import (CSV) runs at {_vn(share)} of the database floor "
                f"(aim ≥ 0,60: {verdict}).{runs}"
            )
    lines += [
        "\nAdmission pipeline (issue 3): the board of the whole province (counts per step, the 30 most "
        "urgent cards of each step) and its overdue list, as a staff user of the province; *raw* is the "
        "same SQL replayed on the cursor; *page* is the whole page through Django.\n",
        "| backend | candidates | open cases | overdue | board | board (raw) | board page "
        "| overdue list | overdue (raw) | overdue page |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['vendor']} | {r['candidates']:,} | {r['open_cases']:,} | {r['overdue_count']:,} | "
            f"{fmt(r['board_orm'])} | {fmt(r['board_raw'])} | {fmt(r['board_page'])} | "
            f"{fmt(r['overdue_orm'])} | {fmt(r['overdue_raw'])} | {fmt(r['overdue_page'])} |".replace(
                ",", "."
            )
        )
    lines += [
        "\nThe daily watch (`tick`, issue 4) over the whole province, one staff user of the province "
        "as recipient; *peak* is the Python heap's peak during the run (tracemalloc); *again* is a "
        "second run the same day (it adds nothing).\n",
        "| backend | items found | notifications | tick (s) | peak (MB) | again (s) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['vendor']} | {r['tick_items']:,} | {r['tick_created']:,} | {r['tick_seconds']} | "
            f"{r['tick_peak_mb']} | {r['tick_again_seconds']} |".replace(",", ".")
        )
    lines += [
        "\nTimeliness (issue 4): the province's report for the current year — shares on time of "
        "recognitions, admission decisions, ceremonies and transfers with the late ones listed, "
        "per child organization, and the open items overdue and due soon — beside the same SQL "
        "replayed on the cursor, and the whole page.\n",
        "| backend | recognitions | transfers | completed this year | late | report | report (raw) | page |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['vendor']} | {r['recognitions']:,} | {r['transfers']:,} | {r['timeliness_done']:,} | "
            f"{r['timeliness_late']:,} | {fmt(r['timeliness_orm'])} | {fmt(r['timeliness_raw'])} | "
            f"{fmt(r['timeliness_page'])} |".replace(",", ".")
        )
    lines += [
        "\nOfficial forms (issue 6): form 6-KNĐ of an admitted demo case as DOCX (docxtpl) and as PDF "
        "(LibreOffice headless, one start per conversion), and the whole dossier (14–17 papers) as one "
        "merged PDF (one LibreOffice run for all papers). Aims: DOCX ≤ 100 ms, dossier PDF ≤ 10 s.\n",
        "| backend | form DOCX | form PDF | dossier PDF |",
        "|---|---|---|---|",
    ]
    for r in results:
        pdf = fmt(r["form_pdf"]) if "form_pdf" in r else "no LibreOffice"
        dossier = fmt(r["dossier_pdf"]) if "dossier_pdf" in r else "—"
        lines.append(f"| {r['vendor']} | {fmt(r['form_docx'])} | {pdf} | {dossier} |")
    for r in results:
        ratio = r["timeliness_orm"]["p95_ms"] / max(r["timeliness_raw"]["p95_ms"], 0.01)
        lines.append(f"\n- {r['vendor']}: timeliness report p95 {ratio:.2f}× raw.")
    for r in results:
        b = r["board_orm"]["p95_ms"] / max(r["board_raw"]["p95_ms"], 0.01)
        o = r["overdue_orm"]["p95_ms"] / max(r["overdue_raw"]["p95_ms"], 0.01)
        lines.append(f"\n- {r['vendor']}: board p95 {b:.2f}× raw; overdue list p95 {o:.2f}× raw.")
    lines += report_lines(results)
    for r in results:
        a = r.get("audit")
        if isinstance(a, dict) and "before_writes_per_s" in a:
            lines += [
                "\nAudited writes side by side (issue 20, bench/audit_writers.py, PostgreSQL): "
                f"{a['writers']} threads × {a['per_writer']} member registrations, each its own audited "
                "transaction; *before* emulates the old append (the chain head's row locked to each "
                "commit). *Short write*: one registration in another commune while a transaction that "
                "has written its entry stays open 3 s.\n",
                "| | audited writes/s | short write beside a long one (ms) | chain verifies |",
                "|---|---|---|---|",
                f"| before (head locked per transaction) | {a['before_writes_per_s']} | {a['before_short_ms']} | — |",
                f"| after (sealed after commit) | {a['after_writes_per_s']} | {a['after_short_ms']} | "
                f"{'yes' if a['chain_ok'] else 'NO'} |",
            ]
    for r in results:
        c = r.get("committees")
        if isinstance(c, dict):
            lines += committee_lines(c)
    for r in results:
        load = r.get("load")
        if isinstance(load, dict):
            lines += load_lines(load)
    path = ROOT / "docs" / "benchmarks.md"
    if not path.exists():
        path.write_text("# Benchmarks\n\nWritten by `make bench` (bench/run.py); newest run last.\n")
    with path.open("a") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
