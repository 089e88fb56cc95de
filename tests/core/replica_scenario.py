"""Run by test_replica.py in a process of its own, against a real primary and a real hot
standby (DANGVIEN_DATABASE_URL, DANGVIEN_DATABASE_REPLICA_URL): prints one JSON line of
what each user saw before a write, while the standby's replay is paused, and after."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import psycopg  # noqa: E402
from django.test import Client  # noqa: E402

from dangvien.accounts.models import Role  # noqa: E402
from dangvien.accounts.services import token_create, user_create  # noqa: E402
from dangvien.members.services import NewMember, members_bulk_register  # noqa: E402
from dangvien.orgs.scope import scope_for  # noqa: E402
from dangvien.people.services import PersonData  # noqa: E402
from dangvien.reports.selectors import member_counts  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_app import schema_and_commune  # noqa: E402

PRIMARY = os.environ["PRIMARY_ADMIN_URL"]
STANDBY = os.environ["STANDBY_ADMIN_URL"]
PASSWORD = "mot-mat-khau-dai-2026"


def caught_up() -> None:
    with psycopg.connect(PRIMARY, autocommit=True) as p:
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
    for _ in range(300):
        with psycopg.connect(STANDBY, autocommit=True) as s:
            if s.execute("SELECT pg_last_wal_replay_lsn() >= %s", [target]).fetchone()[0]:  # type: ignore[index]
                return
        time.sleep(0.1)
    raise TimeoutError("the standby did not catch up")


def replay(action: str) -> None:
    with psycopg.connect(STANDBY, autocommit=True) as s:
        s.execute(f"SELECT pg_wal_replay_{action}()")


def main() -> None:
    _prov, xa, cell = schema_and_commune()
    an = user_create(actor=None, username="an", password=PASSWORD, role=Role.STAFF, organization=xa)
    chi = user_create(actor=None, username="chi", password=PASSWORD, role=Role.STAFF, organization=xa)
    tokens = {u.username: token_create(actor=None, user=u, name="thu") for u in (an, chi)}
    first = PersonData(full_name="Trần Văn Một", birth_date=dt.date(1980, 1, 1), sex="male")
    members_bulk_register(
        actor=None,
        note="",
        items=[
            NewMember(
                person=first, card_number="1", cell_id=cell.pk, admission_date=dt.date(2010, 1, 1),
                official_date=dt.date(2011, 1, 1), status=None, status_since=None,
            )
        ],
    )  # fmt: skip
    caught_up()

    def api_total(user: str) -> int:
        r = Client().get("/api/reports/members", {"org": "XA"}, HTTP_AUTHORIZATION=f"Bearer {tokens[user]}")
        assert r.status_code == 200, r.content
        return int(r.json()["total"])

    out: dict[str, object] = {"before": {"an": api_total("an"), "chi": api_total("chi")}}
    replay("pause")
    web = Client()
    web.force_login(an)
    form = {
        "full_name": "Nguyễn Thị Hằng", "birth_date": "12/03/1990", "sex": "female", "cccd": "001190012345",
        "cell": str(cell.pk), "admission_date": "02/09/2015", "official_date": "02/09/2016", "status": "",
        "card_number": "5001", "ethnicity": "Kinh", "religion": "Không",
    }  # fmt: skip
    out["write_status"] = web.post("/dang-vien/them/", form).status_code
    out["lagging"] = {"an": api_total("an"), "chi": api_total("chi")}
    other = Client()
    other.force_login(chi)
    out["chi_home"] = other.get("/").status_code
    # What the replica counted was stored on the primary under the replica's stamp: the
    # primary never serves it for its newer state.
    out["primary_direct"] = member_counts(scope_for(None), xa, dt.date.today()).total
    replay("resume")
    caught_up()
    time.sleep(float(os.environ["DANGVIEN_REPLICA_PIN_SECONDS"]) + 0.5)
    out["caught_up"] = {"an": api_total("an"), "chi": api_total("chi")}
    print(json.dumps(out))


main()
