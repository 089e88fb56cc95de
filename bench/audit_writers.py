"""Audited writes side by side (issue 20, item 7), on PostgreSQL: run by bench/run.py in its
own process against a fresh database (DANGVIEN_DATABASE_URL). Prints one JSON object.

- *Writers*: 8 threads, each registering members in its own commune's cell, one audited
  transaction per member. Measured twice: as the code is (entries appended pending, sealed
  after commit) and as it was before issue 20, emulated by taking the chain head's row lock
  at the end of each transaction and holding it to the commit, as audit_log used to.
- *Long and short*: a transaction writes its audited entry and stays open 3 s (a long
  import); meanwhile a one-member write in another commune. Its time, both ways."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from dangvien.accounts.audit import audit_seal, audit_verify  # noqa: E402
from dangvien.accounts.models import AuditHead  # noqa: E402
from dangvien.members.services import member_register  # noqa: E402
from dangvien.orgs.models import Organization, OrgKind, Sector  # noqa: E402
from dangvien.orgs.services import org_create  # noqa: E402
from dangvien.people.services import PersonData  # noqa: E402

WRITERS = 8
PER_WRITER = int(os.environ.get("DANGVIEN_BENCH_AUDIT_WRITES", "150"))
LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"
_counter = iter(range(1, 10**9))
_lock = threading.Lock()


def cells() -> list[Organization]:
    founded = __import__("datetime").date(2000, 1, 1)
    province = org_create(
        actor=None, code="P", name="Tỉnh", kind=OrgKind.PROVINCE, parent=None, founded_on=founded
    )
    out = []
    for i in range(WRITERS + 1):
        commune = org_create(
            actor=None,
            code=f"X{i}",
            name=f"Xã {i}",
            kind=OrgKind.UPPER_BASE,
            parent=province,
            founded_on=founded,
        )
        out.append(
            org_create(
                actor=None,
                code=f"X{i}-C1",
                name="Chi bộ 1",
                kind=OrgKind.CELL,
                parent=commune,
                sector=Sector.RESIDENTIAL,
                founded_on=founded,
            )
        )
    return out


def one(
    cell: Organization, *, old_lock: bool, hold: float = 0.0, done: threading.Event | None = None
) -> None:
    with _lock:
        n = next(_counter)
    d = __import__("datetime").date
    with transaction.atomic():
        member_register(
            actor=None,
            person=PersonData(
                full_name=f"Nguyễn Văn {LETTERS[n % 22]} {LETTERS[(n // 22) % 22]}",
                birth_date=d(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                sex="male",
            ),
            cell=cell,
            admission_date=d(2015, 3, 2),
            card_number=f"{n:08d}",
            official_date=d(2016, 3, 10),
            status=None,
        )
        if old_lock:  # the head's row, held to the commit, as every audited write did before
            AuditHead.objects.select_for_update().get(pk=1)
        if done is not None:
            done.set()
        if hold:
            time.sleep(hold)


def writers(cs: list[Organization], *, old_lock: bool) -> float:
    def work(cell: Organization) -> None:
        try:
            for _ in range(PER_WRITER):
                one(cell, old_lock=old_lock)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in cs[:WRITERS]]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return WRITERS * PER_WRITER / (time.perf_counter() - start)


def long_and_short(cs: list[Organization], *, old_lock: bool) -> float:
    written = threading.Event()

    def long() -> None:
        try:
            one(cs[0], old_lock=old_lock, hold=3.0, done=written)
        finally:
            connections.close_all()

    t = threading.Thread(target=long)
    t.start()
    written.wait(10)
    start = time.perf_counter()
    one(cs[-1], old_lock=old_lock)
    elapsed = time.perf_counter() - start
    t.join()
    return elapsed * 1000


def main() -> None:
    if connection.vendor != "postgresql":
        print(json.dumps({"skipped": "PostgreSQL only"}))
        return
    call_command("migrate", verbosity=0)
    cs = cells()
    AuditHead.objects.get_or_create(pk=1)
    result = {
        "writers": WRITERS,
        "per_writer": PER_WRITER,
        "before_writes_per_s": round(writers(cs, old_lock=True)),
        "after_writes_per_s": round(writers(cs, old_lock=False)),
        "before_short_ms": round(long_and_short(cs, old_lock=True)),
        "after_short_ms": round(long_and_short(cs, old_lock=False)),
    }
    audit_seal()
    result["chain_ok"] = audit_verify().ok
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
