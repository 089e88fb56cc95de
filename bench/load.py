"""The load profile (issue 22), run by `make bench` after the committees' benchmark on its
province database, or alone:

    DANGVIEN_DATABASE_URL=postgres://…/dangvien_bench_committees DANGVIEN_DATA_DIR=var/bench-c \\
        .venv/bin/python bench/load.py

The real server (`dangvien serve`, gunicorn, 3 workers, no job worker) on loopback with
DANGVIEN_SERVER_TIMING=1, then locust headless on the same two cores at 1, 5, 20 and 50
users (45 s each, think time 1–3 s), and 20 users with no think time (saturation). Before
that, the nightly tick, and the province's home page timed on its first visit after it.
Prints one JSON object."""

from __future__ import annotations

import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUN_SECONDS = int(os.environ.get("DANGVIEN_LOAD_SECONDS", "45"))
SPAWN_RATE = 2
USERS = [int(n) for n in os.environ.get("DANGVIEN_LOAD_USERS", "1,5,20,50").split(",")]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def _sign_in(base: str, user: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/dang-nhap/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = s.post(
        f"{base}/dang-nhap/",
        {"username": user, "password": password, "csrfmiddlewaretoken": token},
        timeout=30,
    )
    r.raise_for_status()
    return s


def _server_cpu(server: psutil.Process) -> float:
    total = 0.0
    for p in [server, *server.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _run_locust(base: str, users: int, accounts: Path, work: Path, wait: str) -> dict[str, object]:
    prefix = work / f"u{users}-{wait.replace(',', '-')}"
    timings = work / f"timings-{users}-{wait.replace(',', '-')}.json"
    cmd = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
        # Users arrive two a second (a morning's sign-ins are spread, and argon2 is meant to be
        # slow); the figures are reset once all have arrived and cover the next RUN_SECONDS.
        "-r", str(SPAWN_RATE), "--run-time", f"{RUN_SECONDS + users // SPAWN_RATE + 5}s", "--host", base,
        "--csv", str(prefix),
        "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING", "--reset-stats",
    ]  # fmt: skip
    env = _env(
        DANGVIEN_LOAD_ACCOUNTS=str(accounts), DANGVIEN_LOAD_TIMINGS=str(timings), DANGVIEN_LOAD_WAIT=wait
    )
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=RUN_SECONDS + 120)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust failed: {out.stderr[-3000:]}")
    pages: dict[str, dict[str, float]] = {}
    total: dict[str, float] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages[row["Name"]] = figures
    seen = json.loads(timings.read_text()) if timings.exists() else {}
    for name, samples in seen.items():
        if name in pages and samples:
            pages[name]["server_ms"] = round(statistics.median(s[0] for s in samples), 1)
            pages[name]["cpu_ms"] = round(statistics.median(s[1] for s in samples), 1)
            pages[name]["db_ms"] = round(statistics.median(s[2] for s in samples), 1)
    return {"users": users, "wait": wait, "total": total, "pages": pages}


def _one_user(base: str, accounts: dict) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    """Each page of each morning ten times in a row by one user: its median server, CPU and
    SQL time (Server-Timing), the first visit left out (kept reports are computed then)."""
    password = accounts["password"]
    commune, cell, province = accounts["communes"][0], accounts["cells"][0], accounts["province"]
    pages = {
        province["user"]: {
            "trang chủ (tỉnh)": "/",
            "tiến độ (tỉnh)": f"/chi-tieu/?to-chuc={province['org']}",
            "thống kê (tỉnh)": f"/thong-ke/?to-chuc={province['org']}",
            "đúng hạn (tỉnh)": "/dung-han/",
            "tìm đảng viên (tỉnh)": "/dang-vien/?q=nguyen",
            "một đảng viên": f"/dang-vien/{province['members'][0]}/",
        },
        commune["user"]: {
            "trang chủ (xã)": "/",
            "hồ sơ kết nạp": "/ket-nap/",
            "một hồ sơ": f"/ket-nap/{commune['cases'][0]}/" if commune["cases"] else "",
            "quần chúng": "/quan-chung/",
            "một quần chúng": f"/quan-chung/{commune['candidates'][0]}/" if commune["candidates"] else "",
            "tiến độ (xã)": f"/chi-tieu/?to-chuc={commune['org']}",
            "thống kê (xã)": f"/thong-ke/?to-chuc={commune['org']}",
            "thông báo": "/thong-bao/",
        },
        cell["user"]: {
            "trang chủ (chi bộ)": "/",
            "quần chúng (chi bộ)": "/quan-chung/",
            "sinh hoạt chi bộ": f"/to-chuc/{cell['org']}/sinh-hoat/",
            "thông báo (chi bộ)": "/thong-bao/",
        },
    }
    out: dict[str, dict[str, float]] = {}
    for user, urls in pages.items():
        s = _sign_in(base, user, password)
        for name, url in urls.items():
            if not url:
                continue
            samples = []
            for i in range(11):
                r = s.get(f"{base}{url}", timeout=60)
                found = dict(re.findall(r"(\w+);dur=([\d.]+)", r.headers.get("Server-Timing", "")))
                if i and found:
                    samples.append((float(found["app"]), float(found["cpu"]), float(found["db"])))
            if samples:
                out[name] = {
                    "server_ms": round(statistics.median(x[0] for x in samples), 1),
                    "cpu_ms": round(statistics.median(x[1] for x in samples), 1),
                    "db_ms": round(statistics.median(x[2] for x in samples), 1),
                }
    return out


def main() -> None:
    data = Path(os.environ.get("DANGVIEN_DATA_DIR", "var/bench-load")).resolve()
    data.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dangvien-load-"))
    out: dict[str, object] = {}
    check = subprocess.run([str(BIN / "dangvien"), "migrate", "--verbosity", "0"], env=_env(), check=False)
    if check.returncode != 0:
        raise SystemExit("migrate failed")
    has_data = subprocess.run(
        [str(BIN / "dangvien"), "report", "members", "--all", "--format", "json"], env=_env(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if has_data.returncode != 0 or json.loads(has_data.stdout or "{}").get("total", 0) == 0:
        subprocess.run(
            [str(BIN / "dangvien"), "demo", "--scale", "province", "--seed", "1"], env=_env(), check=True
        )
    accounts = work / "accounts.json"
    accounts.write_text(
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "load_setup.py")],
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    password = json.loads(accounts.read_text())["password"]
    start = time.perf_counter()
    subprocess.run([str(BIN / "dangvien"), "tick", "--no-mail"], env=_env(), check=True, capture_output=True)
    out["tick_seconds"] = round(time.perf_counter() - start, 1)
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "dangvien"), "serve", "--no-worker", "--workers", os.environ.get("DANGVIEN_LOAD_WORKERS", "3"),
         "--threads", os.environ.get("DANGVIEN_LOAD_THREADS", "1"), "--port", str(port)],
        env=_env(DANGVIEN_SERVER_TIMING="1", DANGVIEN_LOGIN_MAX_FAILURES="1000"),
        stdout=(work / "server.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        office = _sign_in(base, "bench-tinh", password)
        visits = []
        for _ in range(6):
            t = time.perf_counter()
            office.get(f"{base}/", timeout=60).raise_for_status()
            visits.append(round((time.perf_counter() - t) * 1000, 1))
        out["province_home_ms"] = {"first_after_tick": visits[0], "then": visits[1:]}
        out["one_user"] = _one_user(base, json.loads(accounts.read_text()))
        proc = psutil.Process(server.pid)
        runs = []
        for users in USERS:
            cpu = _server_cpu(proc)
            run = _run_locust(base, users, accounts, work, "1,3")
            spent = _server_cpu(proc) - cpu
            requests_n = int(run["total"].get("requests", 0)) or 1  # type: ignore[union-attr]
            run["server_cpu_ms_per_request"] = round(spent * 1000 / requests_n, 1)
            runs.append(run)
            print(f"{users} users: {run['total']}", file=sys.stderr, flush=True)
        cpu = _server_cpu(proc)
        saturation = _run_locust(base, 20, accounts, work, "0,0")
        saturation["server_cpu_ms_per_request"] = round(
            (_server_cpu(proc) - cpu) * 1000 / (int(saturation["total"].get("requests", 0)) or 1),
            1,  # type: ignore[union-attr]
        )
        runs.append(saturation)
        out["runs"] = runs
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
