"""Issue 18, item 3: a damaged backup cannot wipe the database. Before: `dangvien restore` of
a PostgreSQL dump cut at 60 % exited with a traceback and left 13 tables empty. Each case
runs the real commands in a child process on a database of its own (a SQLite file; on the
PostgreSQL run, a PostgreSQL database made for the test), as an operator runs them."""

from __future__ import annotations

import secrets

import pytest
from django.db import connection

from ..cli.test_cli import run_cli
from ..files import ORG_HEADERS, member_row, write_csv

COUNT = (
    "from dangvien.people.models import Person; from dangvien.members.models import Membership; "
    "from dangvien.orgs.models import Organization; from dangvien.accounts.models import AuditEntry; "
    "print([M.objects.count() for M in (Person, Membership, Organization, AuditEntry)])"
)
MEMBER_HEADERS = [
    "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số thẻ đảng viên", "Mã chi bộ", "Ngày vào Đảng",
    "Ngày chính thức", "Trạng thái", "Dân tộc", "Tôn giáo", "Trình độ học vấn", "Nghề nghiệp", "Nơi cư trú",
]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def install(request, tmp_path):
    """A data folder, the environment the commands run with, and cleanup of the PostgreSQL
    databases the test made (its own and the one a restore keeps aside)."""
    env = {"DANGVIEN_AUDIT_KEY": "khoa-nhat-ky-thu-nghiem-" + "x" * 20}
    made: list[str] = []
    if request.param == "postgresql":
        if connection.vendor != "postgresql":
            pytest.skip("the PostgreSQL restore runs in the suite's PostgreSQL run")
        import psycopg

        db = connection.settings_dict
        name = f"dv_restore_{secrets.token_hex(4)}"
        admin = psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db["PASSWORD"] or None, dbname="postgres", autocommit=True,
        )  # fmt: skip
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        env["DANGVIEN_DATABASE_URL"] = (
            f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        )
    data = tmp_path / "data"
    assert run_cli(data, "migrate", "--verbosity", "0", env_extra=env).returncode == 0
    yield request.param, data, env
    if made:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [made[0][:30] + "%"]
        ).fetchall()
        for (name,) in rows:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def counts(data, env):
    out = run_cli(data, "shell", "-c", COUNT, env_extra=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def tree_token(data, env):
    code = (
        "from dangvien.reports.figures import TREE; from dangvien.reports.models import FigureStamp; "
        "print(FigureStamp.objects.get(unit=TREE).version)"
    )
    out = run_cli(data, "shell", "-c", code, env_extra=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def load(data, env, tmp_path, rows, name):
    path = write_csv(tmp_path / f"{name}.csv", MEMBER_HEADERS, rows)
    done = run_cli(data, "import", "members", str(path), env_extra=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_cut_or_junk_backup_changes_nothing_and_a_good_one_restores_exactly(install, tmp_path):
    vendor, data, env = install
    orgs = write_csv(
        tmp_path / "orgs.csv",
        ORG_HEADERS,
        [
            ["T", "Đảng bộ tỉnh Thử", "", "Đảng bộ tỉnh", "", ""],
            ["X", "Đảng bộ xã An", "T", "dang bo cap tren co so", "", ""],
            ["XA-C1", "Chi bộ Thôn 1", "X", "chi bộ", "khu dân cư", "01/01/2000"],
        ],
    )
    assert run_cli(data, "import", "orgs", str(orgs), env_extra=env).returncode == 0
    load(
        data, env, tmp_path, [member_row(f"Nguyễn Văn {n}", card=str(i)) for i, n in enumerate("ABCDE")], "a"
    )
    dump = tmp_path / "good.dump"
    made = run_cli(data, "backup", str(dump), env_extra=env)
    assert made.returncode == 0 and "kiểm tra" in made.stdout, made.stderr
    assert dump.stat().st_mode & 0o777 == 0o600
    at_backup = counts(data, env)
    assert at_backup.startswith("[5, 5, 3, ")
    token_at_backup = tree_token(data, env)

    load(data, env, tmp_path, [member_row("Trần Thị Sau", sex="Nữ", card="99")], "b")
    before = counts(data, env)
    assert before != at_backup
    whole = dump.read_bytes()
    bad = {f"cut at {int(f * 100)} %": whole[: int(len(whole) * f)] for f in (0.1, 0.6, 0.99)}
    bad["junk"] = secrets.token_bytes(4096)
    bad["a text file"] = b"hello\n" * 100
    for what, content in bad.items():
        path = tmp_path / "bad.dump"
        path.write_bytes(content)
        refused = run_cli(data, "restore", str(path), env_extra=env)
        assert refused.returncode == 1, (what, refused.stdout, refused.stderr)
        assert "Traceback" not in refused.stderr and refused.stderr.strip(), what
        assert counts(data, env) == before, what  # the old data, untouched
    assert run_cli(data, "audit", "verify", env_extra=env).returncode == 0

    # A backup made under another audit key is refused too: its chain cannot be verified here.
    other = run_cli(
        data, "restore", str(dump), env_extra={**env, "DANGVIEN_AUDIT_KEY": "khoa-khac-" + "y" * 30}
    )
    assert other.returncode == 1 and "khóa nhật ký" in other.stderr
    assert counts(data, env) == before

    restored = run_cli(data, "restore", str(dump), env_extra=env)
    assert restored.returncode == 0, restored.stderr
    assert counts(data, env) == at_backup
    # The restored data's versions are apart from those results were kept under before the
    # restore (core/keep.py): a new tree token, not the one the backup held.
    assert tree_token(data, env) != token_at_backup
    assert run_cli(data, "audit", "verify", env_extra=env).returncode == 0
    if vendor == "postgresql":
        assert "dropdb" in restored.stdout  # the old database is kept aside, and named
