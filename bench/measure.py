"""One backend's measurements, run by bench/run.py in its own process (the database is
chosen by DANGVIEN_DATABASE_URL before Django starts). Prints one JSON object."""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from dangvien.accounts.models import Role, User  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402
from dangvien.candidates.models import Candidate  # noqa: E402
from dangvien.cases.admission.selectors import overdue_items, pipeline_board  # noqa: E402
from dangvien.cases.models import Case, CaseState  # noqa: E402
from dangvien.demo import names  # noqa: E402
from dangvien.demo.generate import generate  # noqa: E402
from dangvien.members.importing import HEADERS, import_members  # noqa: E402
from dangvien.members.selectors import MemberFilter, member_list, member_queryset  # noqa: E402
from dangvien.orgs.models import Organization  # noqa: E402
from dangvien.orgs.scope import scope_for  # noqa: E402


def timed(fn, repeat: int, before=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """fn's median and p95 over `repeat` runs after one to warm the caches; with `before`,
    that is called (untimed) before each run, and no warming run."""
    if before is None:
        fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "n": repeat,
    }


def replay(fn):  # type: ignore[no-untyped-def]
    """The SQL `fn` sends (beyond the scope's own lookups), to run again without Django."""
    from django.test.utils import CaptureQueriesContext

    fn()  # once before, so that lookups cached on the scope are not captured
    with CaptureQueriesContext(connection) as captured:
        fn()
    statements = [q["sql"] for q in captured.captured_queries]

    def run() -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)  # no parameters: the captured SQL has them inlined
                cur.fetchall()

    return run


def raw(qs, *, count: bool = False):  # type: ignore[no-untyped-def]
    sql, params = qs.query.sql_with_params()
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) AS sub"

    def run() -> None:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()

    return run


def import_rows(n: int, cells: list[str], seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        female = rng.random() < 0.37
        name = " ".join(
            [
                rng.choice([f for f, _ in names.FAMILY]),
                rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE),
                rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE),
            ]
        )
        rows.append(
            [
                name,
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2000)}",
                "Nữ" if female else "Nam",
                "",
                f"B{seed}{i:08d}",
                rng.choice(cells),
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2010, 2024)}",
                "",
                "",
                "Kinh",
                "Không",
                "12/12",
                "Nông dân",
                "Thôn 1",
            ]
        )
    return rows


FLOOR_RUNS = 3  # imports and floors taken in turn; their medians make the ratio

FLOOR_SQL = [
    # The rows an import writes for each member — person, membership, two events, two
    # periods — made by SQL alone, with the same indexes and foreign keys checked at once.
    "SET CONSTRAINTS ALL IMMEDIATE",
    "CREATE TEMP TABLE floor_ids AS SELECT g, nextval(pg_get_serial_sequence('people_person', 'id')) pid,"
    " nextval(pg_get_serial_sequence('members_membership', 'id')) mid,"
    " (SELECT min(id) FROM orgs_organization WHERE kind = 'cell') + g %% 500 AS cell"
    " FROM generate_series(1, %(n)s) g",
    "INSERT INTO people_person (id, full_name, name_search, sort_key, birth_date, sex, cccd, old_id,"
    " ethnicity, religion, home_town, residence_detail, education, profession, phone, created_at,"
    " updated_at, version) SELECT pid, 'Nguyễn Thị Hằng ' || g, 'nguyen thi hang ' || g,"
    " 'hang nguyen thi ' || g, date '1980-01-01' + g % 7000, 'female', NULL, '', 'Kinh', 'Không', '',"
    " 'Thôn 1', '12/12', 'Nông dân', '', now(), now(), 1 FROM floor_ids",
    "INSERT INTO members_membership (id, card_number, admission_date, status, status_since, is_active,"
    " version, created_at, cell_id, person_id) SELECT mid, 'FLOOR' || g, date '2010-01-01' + g % 5000,"
    " 'official', date '2011-01-01', true, 1, now(), cell, pid FROM floor_ids",
    'INSERT INTO members_memberevent (kind, "on", status, decision_ref, note, recorded_at, cell_id,'
    " membership_id) SELECT k, date '2010-01-01', 'official', '', 'Nhập từ tệp', now(), cell, mid"
    " FROM floor_ids, (VALUES ('admitted'), ('made_official')) v(k)",
    "INSERT INTO members_membershipperiod (status, valid_from, valid_to, cell_id, membership_id)"
    " SELECT s, date '2010-01-01', NULL, cell, mid FROM floor_ids,"
    " (VALUES ('probationary'), ('official')) v(s)",
]


FLOOR_CLEANUP = [
    "DELETE FROM members_membershipperiod WHERE membership_id IN (SELECT mid FROM floor_ids)",
    "DELETE FROM members_memberevent WHERE membership_id IN (SELECT mid FROM floor_ids)",
    "DELETE FROM members_membership WHERE id IN (SELECT mid FROM floor_ids)",
    "DELETE FROM people_person WHERE id IN (SELECT pid FROM floor_ids)",
    "DROP TABLE floor_ids",
]


def db_floor(n: int) -> float:
    """Seconds PostgreSQL itself needs to store what an import of n members stores, with no
    Python at all: the ceiling for any import on this machine. Stored means committed, as
    an import's rows are: the commit writes the transaction's WAL to disk (0,5 s of 20,000
    members here). The rows are deleted afterwards."""
    from django.db import transaction

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS floor_ids")
        cur.execute(FLOOR_SQL[1], {"n": n})
        start = time.perf_counter()
        with transaction.atomic():
            cur.execute(FLOOR_SQL[0])
            for sql in FLOOR_SQL[2:]:
                cur.execute(sql)
        seconds = time.perf_counter() - start
        for sql in FLOOR_CLEANUP:
            cur.execute(sql)
    return seconds


def main() -> None:
    scale = sys.argv[1] if len(sys.argv) > 1 else "province"
    import_n = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    out: dict[str, object] = {"vendor": connection.vendor, "scale": scale}
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    demo = generate(scale, seed=1)
    out["demo_seconds"] = round(time.perf_counter() - start, 1)
    out["members"] = demo.members
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    province = Organization.objects.get(parent__isnull=True)
    staff = user_create(
        actor=None, username="bench", password="bench-password-2026", role=Role.STAFF, organization=province
    )
    scope = scope_for(staff)

    # Search by name without diacritics: the selector (count and first page) vs the very
    # SQL it sends, captured once and replayed straight on the cursor.
    f = MemberFilter(q="nguyen thi hang")
    out["search_orm"] = timed(lambda: member_list(scope, f), 40)
    out["search_raw"] = timed(replay(lambda: member_list(scope, f)), 40)

    # The member list page, whole (session, scope, count, page, template) vs its two raw queries.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)

    def get_list() -> None:
        assert client.get("/dang-vien/").status_code == 200

    def post_search() -> None:
        response = client.post("/dang-vien/", {"q": "nguyen thi hang"})
        assert response.status_code == 200 and "Nguyễn Thị Hằng" in response.content.decode()

    def post_search_cold() -> None:
        cache.clear()
        post_search()

    out["search_page_cold"] = timed(post_search_cold, 40)

    def get_list_cold() -> None:
        cache.clear()  # as on the first visit after a write: the count is computed again
        get_list()

    out["list_page_cold"] = timed(get_list_cold, 40)
    out["list_page"] = timed(get_list, 40)
    out["search_page"] = timed(post_search, 40)
    all_qs = member_queryset(scope, MemberFilter())
    list_page_qs = all_qs.select_related("person", "cell").order_by("person__sort_key", "pk")[:50]
    c_sql, p_sql = raw(all_qs.values("pk"), count=True), raw(list_page_qs)
    out["list_raw"] = timed(lambda: (c_sql(), p_sql()), 40)

    # The admission pipeline: the board (counts per step and the most urgent cards) and the
    # overdue list of the whole province, beside the same SQL replayed on the cursor.
    from django.utils import timezone

    today = timezone.localdate()
    out["open_cases"] = Case.objects.filter(state__in=[CaseState.OPEN, CaseState.SUSPENDED]).count()
    out["candidates"] = Candidate.objects.count()
    out["overdue_count"] = len(overdue_items(scope, org=province, as_of=today))
    out["board_orm"] = timed(lambda: pipeline_board(scope, org=province, today=today), 40)
    out["board_raw"] = timed(replay(lambda: pipeline_board(scope, org=province, today=today)), 40)
    out["overdue_orm"] = timed(lambda: overdue_items(scope, org=province, as_of=today), 40)
    out["overdue_raw"] = timed(replay(lambda: overdue_items(scope, org=province, as_of=today)), 40)

    def get_board() -> None:
        assert client.get("/ket-nap/").status_code == 200

    def get_overdue() -> None:
        assert client.get("/ket-nap/qua-han/").status_code == 200

    out["board_page"] = timed(get_board, 40)
    out["overdue_page"] = timed(get_overdue, 40)

    # The timeliness report of the whole province for this year (issue 4), beside its SQL
    # replayed on the cursor, and the page.
    from dangvien.cases.models import Recognition, Transfer
    from dangvien.reports.timeliness import timeliness

    year_start, year_end = today.replace(month=1, day=1), today.replace(month=12, day=31)

    def report() -> object:
        return timeliness(scope, org=province, start=year_start, end=year_end, today=today)

    t = report()
    out["timeliness_done"] = sum(s.total for s in t.shares)  # type: ignore[attr-defined]
    out["timeliness_late"] = sum(len(s.late) for s in t.shares)  # type: ignore[attr-defined]
    out["recognitions"] = Recognition.objects.count()
    out["transfers"] = Transfer.objects.count()
    out["timeliness_orm"] = timed(report, 20)
    out["timeliness_raw"] = timed(replay(report), 20)

    def get_timeliness() -> None:
        assert client.get("/dung-han/").status_code == 200

    out["timeliness_page"] = timed(get_timeliness, 20)

    # Targets and progress, member counts (issue 5), beside hand-written SQL.
    from reports import measure as measure_reports

    out.update(measure_reports(province, today, timed))

    # The official forms (issue 6): one form as DOCX and as PDF, and a whole dossier as one
    # PDF, for an admitted case of the demo (papers are recorded, as in use).

    from dangvien.documents.pdf import converter
    from dangvien.documents.services import document_generate, document_pdf, dossier_pdf

    admitted = Case.objects.filter(state=CaseState.ADMITTED).select_related("person", "cell").first()
    assert admitted is not None
    out["form_docx"] = timed(lambda: document_generate(actor=None, form_code="6-KNĐ", case=admitted), 20)
    if converter() is not None:
        out["form_pdf"] = timed(lambda: document_pdf(actor=None, form_code="6-KNĐ", case=admitted), 5)
        out["dossier_pdf"] = timed(lambda: dossier_pdf(actor=None, case=admitted), 3)

    # The daily watch over the whole province: notifications for a staff user of the
    # province and for the commune staff the demo does not create (so: one recipient).
    import tracemalloc

    from dangvien.watch.models import Notification
    from dangvien.watch.services import tick

    tracemalloc.start()
    start = time.perf_counter()
    first = tick(as_of=today, send_mail=False)
    out["tick_seconds"] = round(time.perf_counter() - start, 2)
    out["tick_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    tracemalloc.stop()
    out["tick_items"] = first.items
    out["tick_created"] = first.created
    start = time.perf_counter()
    again = tick(as_of=today, send_mail=False)
    out["tick_again_seconds"] = round(time.perf_counter() - start, 2)
    assert again.created == 0
    Notification.objects.all().delete()

    # Import throughput from CSV and XLSX into this database (new members each time).
    cells = list(Organization.objects.filter(kind="cell").values_list("code", flat=True)[:500])
    tmp = Path(tempfile.mkdtemp())
    for fmt, seed in (("csv", 1), ("xlsx", 2)):
        # Every row as wide as the header: the file a clerk saves has every column, and
        # PostgreSQL's COPY below (the comparison) refuses a short line.
        rows = [[*r, *[""] * (len(HEADERS) - len(r))] for r in import_rows(import_n, cells, seed)]
        path = tmp / f"members.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(HEADERS)
                w.writerows(rows)
        else:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet()
            ws.append(HEADERS)
            for r in rows:
                ws.append(r)
            wb.save(path)
        start = time.perf_counter()
        result = import_members(path=path, actor=None)
        seconds = time.perf_counter() - start
        assert result.ok and result.created == import_n, result.errors[:3]
        out[f"import_{fmt}_rows_per_s"] = round(import_n / seconds)
        if fmt == "csv" and connection.vendor == "postgresql":
            # PostgreSQL's own COPY of the same file into a staging table, in the same run.
            with connection.cursor() as cur:
                cur.execute(
                    "CREATE TEMP TABLE staging (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")"
                )
                start = time.perf_counter()
                with (
                    path.open("rb") as fh,
                    cur.copy("COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)") as cp,
                ):
                    while chunk := fh.read(1 << 20):
                        cp.write(chunk)
                out["copy_rows_per_s"] = round(import_n / (time.perf_counter() - start))
        if fmt == "csv" and connection.vendor == "postgresql":
            # The ratio to the floor, from runs taken in turn (import, floor, import, floor…):
            # this machine's speed moves by a quarter from one minute to the next, so one
            # import against one floor measured the machine as much as the import. Each run
            # imports new members (new cards); the runs and their medians are reported.
            imports, floors = [seconds], [db_floor(import_n)]
            for extra in range(1, FLOOR_RUNS):
                again = tmp / f"members-{extra}.csv"
                with again.open("w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(HEADERS)
                    w.writerows(
                        [*r, *[""] * (len(HEADERS) - len(r))]
                        for r in import_rows(import_n, cells, 10 + extra)
                    )
                start = time.perf_counter()
                result = import_members(path=again, actor=None)
                imports.append(time.perf_counter() - start)
                assert result.ok and result.created == import_n, result.errors[:3]
                floors.append(db_floor(import_n))
            out["import_csv_runs_s"] = [round(x, 2) for x in imports]
            out["db_floor_runs_s"] = [round(x, 2) for x in floors]
            out["import_csv_rows_per_s"] = round(import_n / statistics.median(imports))
            out["db_floor_rows_per_s"] = round(import_n / statistics.median(floors))
    User.objects.filter(username="bench").delete()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
