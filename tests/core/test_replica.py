"""Issue 22: reads on a streaming replica. The router's rules in-process, then the whole
thing against a real primary and a real hot standby started here (tests/pgcluster.py),
with the standby's replay paused to make the lag certain: a report read right after a
write is the writer's own on the primary, another user's on the replica shows the state
before, and both agree once the standby catches up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from dangvien.core import replica
from dangvien.core.replica import ReplicaRouter, pin_to_primary, pinned, replica_reads

from .. import pgcluster


@pytest.fixture
def configured(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_reads_go_to_the_replica_only_inside_a_reading_page_and_outside_a_transaction(
    configured, transactional_db
):
    router = ReplicaRouter()
    assert router.db_for_read(None) is None  # a form, a service: the primary
    with replica_reads(user_id=None) as used:
        assert used and router.db_for_read(None) == "replica"
        with transaction.atomic():  # what a transaction reads it may write against
            assert router.db_for_read(None) is None
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) is None
    assert router.allow_migrate("replica", "members") is False and router.allow_migrate("default", "members")


def test_a_user_who_just_wrote_is_pinned_to_the_primary_for_a_while(configured, settings, transactional_db):
    router = ReplicaRouter()
    settings.REPLICA_PIN_SECONDS = 15
    pin_to_primary(4242)
    assert pinned(4242) and not pinned(4243)
    with replica_reads(user_id=4242) as used:
        assert not used and router.db_for_read(None) is None
    with replica_reads(user_id=4243) as used:
        assert used and router.db_for_read(None) == "replica"


def test_a_form_sent_pins_its_user_and_a_page_read_does_not(configured, users, login, tree):
    c = login(users.an)
    c.get(reverse("web:home"))
    assert not pinned(users.an.pk)
    c.post(reverse("web:org_add_child", args=["XA"]), {"code": "MOI", "name": "Chi bộ Mới", "kind": "cell"})
    assert pinned(users.an.pk) and not pinned(users.binh.pk)


def test_without_a_replica_nothing_is_pinned_or_routed(users, db):
    pin_to_primary(users.an.pk)
    assert not pinned(users.an.pk)
    with replica_reads(users.binh.pk) as used:
        assert not used


SCENARIO = Path(__file__).with_name("replica_scenario.py")


@pytest.mark.skipif(
    not pgcluster.available(), reason="needs PostgreSQL's server programs (initdb, pg_basebackup)"
)
def test_a_report_on_a_lagging_replica_right_after_a_write(tmp_path):
    with pgcluster.Pair() as pair:
        pair.primary.sql("CREATE DATABASE dangvien")
        pair.caught_up()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
        env.update(
            DANGVIEN_DATA_DIR=str(tmp_path / "data"),
            DANGVIEN_DATABASE_URL=pair.primary.url("dangvien"),
            DANGVIEN_DATABASE_REPLICA_URL=pair.standby.url("dangvien"),
            DANGVIEN_REPLICA_PIN_SECONDS="2",
            DANGVIEN_ALLOWED_HOSTS="testserver",
            PRIMARY_ADMIN_URL=pair.primary.url(),
            STANDBY_ADMIN_URL=pair.standby.url(),
        )
        root = Path(__file__).resolve().parents[2]
        run = subprocess.run(
            [sys.executable, str(SCENARIO)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=300,
            cwd=root,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["before"] == {"an": 1, "chi": 1}
    assert seen["write_status"] == 302
    # The writer reads the primary (pinned); the other staff member reads the paused replica.
    assert seen["lagging"] == {"an": 2, "chi": 1}
    assert seen["chi_home"] == 200
    assert seen["primary_direct"] == 2  # the primary never reuses what the replica counted
    assert seen["caught_up"] == {"an": 2, "chi": 2}
