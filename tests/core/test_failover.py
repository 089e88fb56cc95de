"""Issue 22: the app through a failover. A real primary and a synchronous hot standby
(tests/pgcluster.py), the real server (`dangvien serve`, gunicorn) on a multi-host URL with
target_session_attrs=read-write, a staff member creating organizations one after another
through the web form; the primary crashes (immediate stop) and the standby is promoted,
as an HA engine (pg_auto_failover) does. Every write the server acknowledged before the
crash is on the new primary; requests during the switch get the "try again" page (503,
never a traceback); the app writes again within a few seconds, measured."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import InterfaceError, InternalError, OperationalError

from .. import pgcluster

PASSWORD = "mot-mat-khau-dai-2026"
HERE = Path(__file__).resolve().parent
# The app serves again this soon after the standby is promoted (measured ~1 s; the aim
# is the operations guide's, docs/operations.md).
SERVES_AGAIN_WITHIN = 15.0
# Seconds between the crash and the promotion: requests sent meanwhile find no server that
# accepts writes (the standby still replays) and must get the "try again" page.
DETECTION = 2.0


def test_a_multi_host_url_names_every_server_and_asks_for_the_writable_one():
    from dangvien.settings import database

    db = database(
        "postgres://dangvien:p%40ss@db1.tinhuy.vn:5432,db2.tinhuy.vn:6432/dangvien?target_session_attrs=read-write",
        conn_max_age=60,
    )
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "db1.tinhuy.vn,db2.tinhuy.vn", "5432,6432", "dangvien", "dangvien", "p@ss",
    )  # fmt: skip
    assert db["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": 3}
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] == 60
    single = database("postgres://dangvien@127.0.0.1:5432/dangvien?connect_timeout=10", conn_max_age=0)
    assert single["HOST"] == "127.0.0.1" and single["OPTIONS"]["connect_timeout"] == 10
    assert database("sqlite:///x.sqlite3", conn_max_age=0).get("CONN_HEALTH_CHECKS") is False


SWITCH_ERRORS = [
    lambda: OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    lambda: InternalError("cannot execute INSERT in a read-only transaction"),
    lambda: InterfaceError("connection already closed"),
]


@pytest.mark.parametrize("make", SWITCH_ERRORS, ids=["server-gone", "demoted", "closed"])
def test_a_database_switch_in_a_view_or_a_middleware_is_the_try_again_page(rf, make):
    from dangvien.web.unavailable import DatabaseUnavailableMiddleware, server_error

    caught = DatabaseUnavailableMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    page = caught.process_exception(rf.post("/to-chuc/XA/them/"), make())
    assert page is not None and page.status_code == 503 and page["Retry-After"] == "5"
    text = page.content.decode()
    assert "Thử lại sau ít giây" in text and "đợi vài giây rồi thử lại" in text and "Traceback" not in text
    api = caught.process_exception(rf.get("/api/reports/members"), make())
    assert api is not None and api.status_code == 503 and "thử lại" in json.loads(api.content)["detail"]
    try:  # raised outside a view (a middleware loading the session): Django calls handler500
        raise make()
    except Exception:
        outside = server_error(rf.get("/"))
    assert outside.status_code == 503


def test_any_other_error_is_still_the_servers_500(rf):
    from dangvien.web.unavailable import server_error

    try:
        raise ValueError("không phải lỗi cơ sở dữ liệu")
    except ValueError:
        page = server_error(rf.get("/"))
    assert page.status_code == 500


def _csrf(session, url: str) -> str:  # type: ignore[no-untyped-def]
    page = session.get(url, timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return found.group(1) if found else session.cookies.get("csrftoken", "")


@pytest.mark.skipif(
    not pgcluster.available(), reason="needs PostgreSQL's server programs (initdb, pg_basebackup)"
)
def test_writes_acknowledged_before_a_failover_survive_it_and_the_app_serves_again(tmp_path):
    import requests

    with pgcluster.Pair(synchronous=True) as pair:
        pair.primary.sql("CREATE DATABASE dangvien")
        pair.caught_up()
        p, s = pair.primary.port, pair.standby.port
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
        env.update(
            DANGVIEN_DATA_DIR=str(tmp_path / "data"),
            DANGVIEN_DATABASE_URL=f"postgres://postgres@127.0.0.1:{p},127.0.0.1:{s}/dangvien"
            "?target_session_attrs=read-write&connect_timeout=2",
            PASSWORD=PASSWORD,
        )
        setup = subprocess.run(
            [sys.executable, str(HERE / "failover_setup.py")],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert setup.returncode == 0, setup.stderr[-3000:]
        port = pgcluster.free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "dangvien", "serve", "--no-worker", "--port", str(port), "--workers", "2"],
            env=env, stdout=(tmp_path / "server.log").open("w"), stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            web = requests.Session()
            for _ in range(100):
                try:
                    web.get(f"{base}/healthz", timeout=2)
                    break
                # Not listening yet, or a worker still starting (its first request imports
                # the app: over 2 s on a busy machine).
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.2)
            token = _csrf(web, f"{base}/dang-nhap/")
            login = {"username": "canbo", "password": PASSWORD, "csrfmiddlewaretoken": token}
            signed = web.post(f"{base}/dang-nhap/", login, timeout=10, allow_redirects=False)
            assert signed.status_code == 302, signed.text[:500]
            form = f"{base}/to-chuc/XA/them/"
            token = _csrf(web, form)
            acknowledged: list[str] = []
            refused: list[int] = []
            errors: list[str] = []
            crashed_at = promoted_at = again_at = 0.0
            i = 0
            deadline = time.time() + 120
            while time.time() < deadline:
                i += 1
                code = f"CB-{i:04d}"
                try:
                    data = {
                        "code": code,
                        "name": f"Chi bộ thử {i}",
                        "kind": "cell",
                        "csrfmiddlewaretoken": token,
                    }
                    r = web.post(form, data, timeout=10, allow_redirects=False)
                except requests.RequestException as exc:
                    refused.append(-1)
                    errors.append(repr(exc)[:200])
                    continue
                if r.status_code == 302:
                    acknowledged.append(code)
                    if crashed_at and not again_at:
                        again_at = time.time()
                else:
                    assert r.status_code == 503, (r.status_code, r.text[:800])
                    assert "thử lại" in r.text and r.headers.get("Retry-After") == "5"
                    assert "Traceback" not in r.text
                    refused.append(r.status_code)
                if len(acknowledged) == 20 and not crashed_at:
                    pair.primary.stop("immediate")  # the primary's machine dies
                    crashed_at = time.time()
                if crashed_at and not promoted_at and time.time() >= crashed_at + DETECTION:
                    pair.standby.promote()  # the HA engine's decision, after its detection time
                    promoted_at = time.time()
                if again_at and len(acknowledged) >= 40:
                    break
            assert crashed_at and again_at, (
                f"never served again: {len(acknowledged)} acknowledged, {refused[-5:]}, {errors[-2:]}, "
                + (tmp_path / "server.log").read_text()[-3000:]
            )
            on_new_primary = {row[0] for row in pair.standby.sql(
                "SELECT code FROM orgs_organization WHERE code LIKE 'CB-%'", db="dangvien"
            )}  # fmt: skip
            lost = [c for c in acknowledged if c not in on_new_primary]
            assert lost == [], f"acknowledged before the switch, missing after it: {lost}"
            serves_again = again_at - promoted_at
            print(
                f"\nfailover: crash→promoted {promoted_at - crashed_at:.2f} s, promoted→first write "
                f"{serves_again:.2f} s, {len(refused)} requests refused with 503, "
                f"{len(acknowledged)} acknowledged"
            )
            assert serves_again <= SERVES_AGAIN_WITHIN
            # /readyz tells a load balancer the app is writing again.
            assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
        finally:
            server.terminate()
            try:
                server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
