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
from dangvien.accounts.scope import scope_for  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402
from dangvien.demo import names  # noqa: E402
from dangvien.demo.generate import generate  # noqa: E402
from dangvien.members.importing import HEADERS, import_members  # noqa: E402
from dangvien.members.selectors import MemberFilter, member_queryset  # noqa: E402
from dangvien.orgs.models import Organization  # noqa: E402


def timed(fn, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "n": repeat,
    }


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

    # Search by name without diacritics: the ORM selector's page vs the same SQL run raw.
    f = MemberFilter(q="nguyen thi hang")
    page_qs = (
        member_queryset(scope, f).select_related("person", "cell").order_by("person__sort_key", "pk")[:50]
    )
    count_qs = member_queryset(scope, f)
    # .all() clones, so the page is fetched every time rather than served from the cache
    out["search_orm"] = timed(lambda: (count_qs.all().count(), list(page_qs.all())), 40)
    count_sql = raw(count_qs.values("pk"), count=True)
    page_sql = raw(page_qs)
    out["search_raw"] = timed(lambda: (count_sql(), page_sql()), 40)

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

    # Import throughput from CSV and XLSX into this database (new members each time).
    cells = list(Organization.objects.filter(kind="cell").values_list("code", flat=True)[:500])
    tmp = Path(tempfile.mkdtemp())
    for fmt, seed in (("csv", 1), ("xlsx", 2)):
        rows = import_rows(import_n, cells, seed)
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
    User.objects.filter(username="bench").delete()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
