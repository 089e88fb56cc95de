import json
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.cli.main import main
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization

from ..conftest import register

pytestmark = pytest.mark.django_db


def test_report_members_json_at_a_date(tree, capsys):
    register(tree.xa_c1, card="1")
    register(tree.xb_c1, "Lê Thị Bích", card="2", sex="female")
    call_command("report", "members", "--org", "PROV", "--as-of", "2020-01-01", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["org"] == "PROV" and data["as_of"] == "2020-01-01" and data["total"] == 2
    assert data["by_sex"] == {"Nam": 1, "Nữ": 1}
    call_command("report", "members", "--org", "XA", "--as-of", "2014-01-01", "--format", "json")
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_report_refuses_a_bad_date_and_an_unknown_org_with_exit_1(tree):
    with pytest.raises(CommandError) as exc:
        call_command("report", "members", "--org", "PROV", "--as-of", "2021-02-31")
    assert exc.value.returncode == 1 and "2024-03-12" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("report", "members", "--org", "NOPE")
    assert exc.value.returncode == 1


def test_misuse_exits_2():
    assert main(["import", "nothing-like-this"]) == 2


def test_the_command_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "dangvien", "help", "import"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "--dry-run" in out.stdout


def test_demo_builds_a_believable_commune(db, capsys):
    call_command("demo", scale="commune", seed=7)
    assert Organization.objects.filter(kind="cell").count() == 30
    assert Membership.objects.count() == 1500
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert {"probationary", "official", "exempt"} <= statuses
    names = list(Membership.objects.values_list("person__full_name", flat=True))
    nguyen = sum(1 for n in names if n.startswith("Nguyễn"))
    assert 0.30 < nguyen / len(names) < 0.47  # the real share is about 38%
    from dangvien.members.services import membership_replay

    sample = Membership.objects.order_by("?")[:200]
    assert all(membership_replay(m) == [] for m in sample)  # bulk rows agree with the event history
    with pytest.raises(CommandError, match="chỉ nạp vào cơ sở dữ liệu trống"):
        call_command("demo", scale="commune")


def test_demo_is_deterministic(db):
    from dangvien.demo.generate import generate

    generate("commune", seed=3)
    first = list(Membership.objects.order_by("pk").values_list("person__full_name", "admission_date")[:50])
    from dangvien.candidates.models import Candidate, Certificate, TrainingClass
    from dangvien.cases.models import Case, Recognition, Transfer
    from dangvien.committees.models import Assignment, Headcount, Meeting, NoSource
    from dangvien.people.models import Person
    from dangvien.targets.models import Target

    Transfer.objects.all().delete()  # the dossiers first: they point at people and members
    Recognition.objects.all().delete()
    Case.objects.all().delete()
    Meeting.objects.all().delete()  # meetings and assignments point at members and cells
    Assignment.objects.all().delete()
    Headcount.objects.all().delete()
    NoSource.objects.all().delete()
    Candidate.objects.all().delete()
    Certificate.objects.all().delete()
    TrainingClass.objects.all().delete()
    Target.objects.all().delete()  # targets and commendations protect their organizations
    from dangvien.targets.models import Commendation

    Commendation.objects.all().delete()
    from dangvien.members.models import OfficeHolder

    OfficeHolder.objects.all().delete()  # office holders protect their memberships
    Membership.objects.all().delete()  # events, periods and ratings go with them
    Person.objects.all().delete()
    for kind in ("cell", "upper_base", "province"):  # leaves first: parents are protected
        Organization.objects.filter(kind=kind).delete()
    generate("commune", seed=3)
    assert (
        list(Membership.objects.order_by("pk").values_list("person__full_name", "admission_date")[:50])
        == first
    )


def run_cli(data_dir, *args, env_extra=None):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    env.update({"DANGVIEN_DATA_DIR": str(data_dir), **(env_extra or {})})
    return subprocess.run(
        [sys.executable, "-m", "dangvien", *args], capture_output=True, text=True, env=env, check=False
    )


def test_a_fresh_sqlite_install_migrates_backs_up_and_restores(tmp_path):
    """The real commands on a real database file, as an operator runs them."""
    data = tmp_path / "data"
    assert run_cli(data, "migrate", "--verbosity", "0").returncode == 0
    made = run_cli(
        data,
        "createadmin",
        "--username",
        "quantri",
        env_extra={"DANGVIEN_ADMIN_PASSWORD": "mot-mat-khau-dai-2026"},
    )
    assert made.returncode == 0, made.stderr
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert run_cli(data, "backup", str(tmp_path / "b.sqlite3")).returncode == 0
    second = run_cli(
        data,
        "createadmin",
        "--username",
        "thu_hai",
        env_extra={"DANGVIEN_ADMIN_PASSWORD": "mot-mat-khau-dai-2026"},
    )
    assert second.returncode == 0
    assert run_cli(data, "restore", str(tmp_path / "b.sqlite3")).returncode == 0
    check = run_cli(
        data,
        "shell",
        "-c",
        "from dangvien.accounts.models import User; "
        "print(sorted(User.objects.values_list('username', flat=True)))",
    )
    assert check.stdout.strip().endswith("['quantri']"), check.stdout + check.stderr
    not_a_backup = tmp_path / "x.txt"
    not_a_backup.write_text("hello")
    refused = run_cli(data, "restore", str(not_a_backup))
    assert refused.returncode == 1 and "không phải bản sao lưu" in refused.stderr
    assert run_cli(data, "audit", "verify").returncode == 0


def test_production_refuses_unsafe_settings(tmp_path):
    out = run_cli(tmp_path, "check", env_extra={"DANGVIEN_PRODUCTION": "1", "DANGVIEN_DEBUG": "1"})
    assert out.returncode != 0
    assert "DANGVIEN_DEBUG is on" in out.stderr and "DANGVIEN_SECRET_KEY is not set" in out.stderr


def test_token_create_prints_a_token_that_works_once_stored_hashed(users, client, capsys):
    from dangvien.accounts.models import ApiToken

    call_command("token", "create", "--user", "an")
    token = capsys.readouterr().out.strip()
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert client.get("/api/orgs/XA", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody-here")


def test_report_members_of_the_whole_tree_adds_every_province(tree, capsys):
    from dangvien.orgs.models import OrgKind
    from dangvien.orgs.services import org_create

    other = org_create(actor=None, code="PROV2", name="Đảng bộ tỉnh Hai", kind=OrgKind.PROVINCE, parent=None)
    xc = org_create(actor=None, code="XC", name="Đảng bộ xã Cát", kind=OrgKind.UPPER_BASE, parent=other)
    register(tree.xa_c1, card="1")
    register(
        org_create(actor=None, code="XC-C1", name="Chi bộ Ấp 1", kind=OrgKind.CELL, parent=xc),
        "Lê Thị Bích",
        card="2",
        sex="female",
    )
    call_command("report", "members", "--all", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["org"] is None and data["total"] == 2 and data["by_sex"] == {"Nam": 1, "Nữ": 1}
    call_command("report", "members", "--all")
    assert "Toàn hệ thống — đảng viên" in capsys.readouterr().out
    with pytest.raises(CommandError):  # one or the other, not both
        call_command("report", "members", "--all", "--org", "PROV")


def test_report_of_the_whole_tree_as_excel(tree, tmp_path):
    from openpyxl import load_workbook

    register(tree.xa_c1, card="1")
    call_command("report", "members", "--all", "--format", "xlsx", "-o", str(tmp_path / "m.xlsx"))
    sheet = load_workbook(tmp_path / "m.xlsx").active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert sheet.title.startswith("toan-he-thong") and 1 in cells  # the sheet is named after it
    call_command(
        "report", "progress", "--all", "--period", "2026", "--format", "xlsx", "-o", str(tmp_path / "p.xlsx")
    )
    texts = [
        str(c) for row in load_workbook(tmp_path / "p.xlsx").active.iter_rows(values_only=True) for c in row
    ]
    assert any("Toàn hệ thống" in t for t in texts)


def test_the_command_line_speaks_the_configured_language(tmp_path):
    """DANGVIEN_LANGUAGE=en: the commands' refusals and an import file's row errors in
    English; unset: Vietnamese; anything else: refused at start with what to write."""
    data = tmp_path / "data"
    assert run_cli(data, "migrate", "--verbosity", "0").returncode == 0
    missing = str(tmp_path / "none.xlsx")
    english = run_cli(data, "import", "members", missing, env_extra={"DANGVIEN_LANGUAGE": "en"})
    assert english.returncode != 0 and f"There is no file {missing}" in english.stderr
    vietnamese = run_cli(data, "import", "members", missing)
    assert vietnamese.returncode != 0 and f"Không có tệp {missing}" in vietnamese.stderr
    wrong = run_cli(data, "import", "members", missing, env_extra={"DANGVIEN_LANGUAGE": "fr"})
    assert wrong.returncode != 0 and "DANGVIEN_LANGUAGE must be vi or en" in wrong.stderr


def test_a_folder_without_a_database_is_refused_in_one_sentence_and_left_untouched(tmp_path):
    data = tmp_path / "var"
    out = run_cli(data, "report", "members")
    assert out.returncode == 2
    assert f"Thư mục dữ liệu {data} chưa có cơ sở dữ liệu" in out.stderr and "dangvien migrate" in out.stderr
    assert "Traceback" not in out.stderr and not data.exists()  # no empty ./var made
    english = run_cli(data, "import", "members", "x.csv", env_extra={"DANGVIEN_LANGUAGE": "en"})
    assert english.returncode == 2 and f"The data folder {data} has no database" in english.stderr


def test_an_unmigrated_database_names_itself_and_the_command_to_run(tmp_path):
    import sqlite3

    data = tmp_path / "var"
    data.mkdir()
    sqlite3.connect(data / "dangvien.sqlite3").close()  # a file, but no tables
    out = run_cli(data, "worker", "--batch")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert str(data / "dangvien.sqlite3") in out.stderr and "chưa được cập nhật" in out.stderr
    assert "dangvien migrate" in out.stderr
    assert run_cli(data, "migrate", "--verbosity", "0").returncode == 0
    assert run_cli(data, "worker", "--batch").returncode == 0  # now it runs


def test_firstrun_writes_the_address_served_and_counts_what_the_bells_show(tmp_path):
    data = tmp_path / "var"
    assert run_cli(data, "migrate", "--verbosity", "0").returncode == 0
    first = run_cli(data, "firstrun", env_extra={"DANGVIEN_PORT": "8123"})
    assert first.returncode == 0, first.stderr
    logins = (data / "logins.txt").read_text()
    assert logins.startswith("Đăng nhập tại http://127.0.0.1:8123/")
    told = int(re.search(r"Thông báo hôm nay cho các tài khoản mẫu: (\d+)", first.stdout).group(1))
    counted = run_cli(
        data,
        "shell",
        "-c",
        "from dangvien.watch.models import Notification; print(Notification.objects.count())",
    )
    assert told == int(counted.stdout.strip().splitlines()[-1]) > 0
    assert " 0 thông báo" not in first.stdout


def test_serving_on_another_port_rewrites_the_address_in_logins_txt(tmp_path, settings):
    from dangvien.cli.address import address, logins_follow

    settings.DATA_DIR = tmp_path
    assert logins_follow("http://127.0.0.1:9000/") is None  # no file, nothing made
    (tmp_path / "logins.txt").write_text("Đăng nhập tại http://127.0.0.1:8000/\nadmin / x\n")
    bind_all = "0.0.0.0"  # noqa: S104 - shown as 127.0.0.1
    assert logins_follow(address(bind_all, 9000)) == tmp_path / "logins.txt"
    assert (tmp_path / "logins.txt").read_text() == "Đăng nhập tại http://127.0.0.1:9000/\nadmin / x\n"
