"""`dangvien worker` as an operator runs it: a real process on a real database file, killed
in the middle of an import (SIGKILL: no goodbye). Nothing is half-written, the job is
marked failed when a worker next starts, and the same file imports whole afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from dangvien.members.importing import HEADERS

from ..files import member_row, write_csv

ROWS = 20_000

SETUP = """
import datetime as dt, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()
from dangvien.orgs.models import OrgKind
from dangvien.orgs.models import Organization
from dangvien.orgs.services import org_create
from dangvien.jobs.services import job_start
if not Organization.objects.exists():
    p = org_create(actor=None, code="PROV", name="Đảng bộ tỉnh Thử", kind=OrgKind.PROVINCE, parent=None,
                   founded_on=dt.date(2000, 1, 1))
    xa = org_create(actor=None, code="XA", name="Đảng bộ xã An Phú", kind=OrgKind.UPPER_BASE, parent=p,
                    founded_on=dt.date(2000, 1, 1))
    org_create(actor=None, code="XA-C1", name="Chi bộ Thôn 1", kind=OrgKind.CELL, parent=xa,
               founded_on=dt.date(2000, 1, 1))
params = {"kind": "members", "file": "m.csv", "name": "m.csv"}
job = job_start(actor=None, kind="import_apply", title="Nhập", params=params)
print(job.pk)
"""


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    return {**env, "DANGVIEN_DATA_DIR": str(data), "DANGVIEN_JOB_LOST_AFTER_SECONDS": "3", **extra}


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dangvien", *args],
        capture_output=True,
        text=True,
        env=_env(data),
        check=False,
        timeout=300,
    )


def _start_job(data: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", SETUP],
        capture_output=True,
        text=True,
        env=_env(data),
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def _row(data: Path, sql: str, *args: object) -> tuple:  # type: ignore[type-arg]
    with sqlite3.connect(data / "dangvien.sqlite3") as db:
        return db.execute(sql, args).fetchone()


def _names() -> list[str]:
    given = [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hà",
        "Hải",
        "Hằng",
        "Hùng",
        "Lan",
        "Linh",
        "Mai",
        "Minh",
        "Nam",
        "Nga",
    ]
    middle = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Thanh", "Minh", "Quang", "Thu", "Xuân"]
    family = [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Phan",
        "Võ",
    ]
    return [f"{f} {m} {g}" for f in family for m in middle for g in given]


def test_a_worker_killed_mid_import_writes_nothing_and_the_job_says_so(tmp_path):
    data = tmp_path / "data"
    assert _cli(data, "migrate", "--verbosity", "0").returncode == 0
    names = _names()
    rows = [
        member_row(
            names[i % len(names)],
            birth=f"{1 + i % 28:02d}/{1 + i // 28 % 12:02d}/{1960 + i // 336 % 40}",
            card=str(300000 + i),
        )
        for i in range(ROWS)
    ]
    (data / "uploads").mkdir(exist_ok=True)
    write_csv(data / "uploads" / "m.csv", HEADERS, rows)
    job = _start_job(data).replace("-", "")
    cache = FileBasedCache(str(data / "cache-jobs"), {})
    worker = subprocess.Popen(
        [sys.executable, "-m", "dangvien", "worker", "--tick-at", "off"], env=_env(data),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.time() + 120
        done = 0
        while time.time() < deadline:
            snap = cache.get(f"job:{_uuid(job)}:progress")
            done = snap["done"] if snap else 0
            if done >= 2000:
                break
            time.sleep(0.2)
        if done < 2000:
            worker.kill()
            raise AssertionError(f"the worker never reported rows: {worker.communicate(timeout=10)}")
        assert done < ROWS  # killed in the middle, not after
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    # Nothing of the file is in the database; the job still says running: nobody told it.
    assert _row(data, "select count(*) from members_membership") == (0,)
    assert _row(data, "select status from jobs_job where id = ?", job) == ("running",)
    time.sleep(3.5)  # the heartbeat limit set for this test
    batch = _cli(data, "worker", "--batch", "--tick-at", "off")
    assert batch.returncode == 0, batch.stderr
    assert "1 việc dở dang" in batch.stdout
    status, error = _row(data, "select status, error from jobs_job where id = ?", job)
    assert status == "failed" and "dừng giữa chừng" in error and "không có gì được ghi dở" in error
    assert _row(data, "select count(*) from django_tasks_database_dbtaskresult where status = 'RUNNING'") == (
        0,
    )
    # Started again, it imports the whole file, and says how many.
    again = _start_job(data).replace("-", "")
    assert _cli(data, "worker", "--batch", "--tick-at", "off").returncode == 0
    status, result = _row(data, "select status, result from jobs_job where id = ?", again)
    assert status == "done" and f'"rows": {ROWS}' in result
    assert _row(data, "select count(*) from members_membership") == (ROWS,)


def _uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the worker")
def test_serve_starts_a_worker_that_stops_with_it(tmp_path):
    import socket

    data = tmp_path / "data"
    assert _cli(data, "migrate", "--verbosity", "0").returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dangvien", "serve", "--port", str(port), "--workers", "1"],
        env=_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        workers: list[int] = []
        while time.time() < deadline and not workers:
            workers = [
                pid for pid in _children(server.pid)
                if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]  # fmt: skip
            time.sleep(0.3)
        assert workers, "serve started no worker"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    deadline = time.time() + 20
    while time.time() < deadline and Path(f"/proc/{workers[0]}").exists():
        with contextlib.suppress(ChildProcessError):
            os.waitpid(workers[0], os.WNOHANG)
        time.sleep(0.3)
    state = (
        Path(f"/proc/{workers[0]}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if Path(f"/proc/{workers[0]}").exists()
        else "gone"
    )
    assert state in ("gone", "Z"), "the worker outlived its server"
