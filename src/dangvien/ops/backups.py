"""Whole-database backup and restore that cannot destroy.

A backup is written to a temporary file beside the target, read back whole (SQLite:
``PRAGMA integrity_check``; PostgreSQL: ``pg_restore --list`` and a check that every table's
data is in it), and only then renamed to the name asked for.

A restore never touches the live data until the file has been restored completely
somewhere else and its audit chain verified there:

- SQLite: the file must pass ``integrity_check`` and hold a dangvien database; it is copied
  to a scratch file, the audit chain is verified on the copy, and the copy is written into
  the live database in one step of SQLite's backup API (one write transaction: all or
  nothing).
- PostgreSQL: ``pg_restore --list`` must read the file; it is restored into a new database
  with ``--single-transaction --exit-on-error``; the audit chain is verified there; then
  the live database is renamed aside (kept, and named in the message, until the operator
  drops it) and the new one takes its name. The role needs CREATEDB.

Any failure before the switch drops the scratch copy and leaves the live data as it was;
the message says why and what to do, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from dangvien.accounts.audit import audit_verify
from dangvien.reports.figures import tree_touch

# Tables whose data every dangvien backup holds: a dump missing one of them was cut.
_ESSENTIAL = ("django_migrations", "accounts_auditentry", "orgs_organization", "people_person")
_CHECK_ALIAS = "dangvien_restore_check"


class BackupError(Exception):
    """Refused or failed; `message` is for the operator, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RestoreResult:
    audit_entries: int
    kept_as: str = ""  # PostgreSQL: the name the old database was kept under


def _db() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def pg_conn_args(name: str | None = None) -> tuple[list[str], dict[str, str]]:
    db = _db()
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db["USER"]),
    ]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return [*args, "-d", name or str(db["NAME"])], env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# -- backup ---------------------------------------------------------------------------


def backup_write(target: Path) -> None:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".dangvien-backup-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if connection.vendor == "sqlite":
            source = sqlite3.connect(str(_db()["NAME"]))
            dest = sqlite3.connect(str(tmp))
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
            _sqlite_check(tmp)
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise BackupError(_("Không có pg_dump: cài gói postgresql-client"))
            args, env = pg_conn_args()
            done = subprocess.run(
                ["pg_dump", "-Fc", "-f", str(tmp), *args], env=env, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise BackupError(
                    _("pg_dump không sao lưu được: {detail}").format(detail=_last_line(done.stderr))
                )
            _pg_check(tmp)
        else:
            raise BackupError(_("Chưa hỗ trợ sao lưu {vendor}").format(vendor=connection.vendor))
        tmp.chmod(0o600)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


# -- checks ---------------------------------------------------------------------------


def _sqlite_check(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise BackupError(
                    _("Tệp sao lưu bị hỏng ({detail}): không khôi phục").format(detail=str(result)[:200])
                )
            names = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        raise BackupError(_("Tệp không phải bản sao lưu của dangvien, hoặc đã bị hỏng")) from None
    if not set(_ESSENTIAL) <= names:
        raise BackupError(_("Tệp không phải bản sao lưu của dangvien (thiếu bảng dữ liệu)"))


def _pg_check(path: Path) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError(_("Không có pg_restore: cài gói postgresql-client"))
    done = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            _("Tệp không phải bản sao lưu của dangvien, hoặc đã bị hỏng: pg_restore không đọc được")
        )
    listed = done.stdout
    missing = [t for t in _ESSENTIAL if f"TABLE DATA public {t} " not in listed]
    if missing:
        raise BackupError(
            _("Tệp không phải bản sao lưu đầy đủ của dangvien (thiếu dữ liệu {tables})").format(
                tables=", ".join(missing)
            )
        )


def _verify_audit(db_settings: dict[str, Any]) -> int:
    """Verify the audit chain of a database that is not (yet) the live one."""
    connections.databases[_CHECK_ALIAS] = {**db_settings}
    try:
        try:
            result = audit_verify(using=_CHECK_ALIAS, anchor_file=Path(os.devnull))
        except Exception as exc:  # a database of another program: no such table, etc.
            raise BackupError(
                _("Tệp sao lưu không đọc được như cơ sở dữ liệu dangvien: {detail}").format(
                    detail=_last_line(str(exc))
                )
            ) from None
        if not result.ok:
            raise BackupError(
                _(
                    "Nhật ký trong bản sao lưu không nguyên vẹn ({reason}), hoặc bản sao lưu được tạo với "
                    "khóa nhật ký khác (DANGVIEN_AUDIT_KEY): không khôi phục"
                ).format(reason=result.reason)
            )
        return result.checked
    finally:
        connections[_CHECK_ALIAS].close()
        del connections[_CHECK_ALIAS]
        connections.databases.pop(_CHECK_ALIAS, None)


# -- restore --------------------------------------------------------------------------


def restore_from(source: Path) -> RestoreResult:
    if not source.is_file():
        raise BackupError(_("Không có tệp {source}").format(source=source))
    connections.close_all()
    if connection.vendor == "sqlite":
        result = _restore_sqlite(source)
    elif connection.vendor == "postgresql":
        result = _restore_pg(source)
    else:
        raise BackupError(_("Chưa hỗ trợ khôi phục {vendor}").format(vendor=connection.vendor))
    # The restored rows bring back an older data version (the audit chain's last entry, the
    # stamps); the next writes would count up to versions that results kept before the
    # restore (core/keep.py: the shared cache, a running server's memory) were made under,
    # from other data. A new tree token puts the restored database's versions apart.
    connections.close_all()
    tree_touch()
    return result


def _restore_sqlite(source: Path) -> RestoreResult:
    _sqlite_check(source)
    live = Path(str(_db()["NAME"]))
    fd, tmp_name = tempfile.mkstemp(prefix=".dangvien-restore-", suffix=".sqlite3", dir=live.parent)
    os.close(fd)
    scratch = Path(tmp_name)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(str(scratch))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        checked = _verify_audit({**_db(), "NAME": str(scratch)})
        # One step of the backup API: SQLite writes the live file in one transaction.
        src = sqlite3.connect(str(scratch))
        dst = sqlite3.connect(str(live))
        try:
            with dst:
                src.backup(dst)
        except sqlite3.Error as exc:
            raise BackupError(
                _("Không ghi được vào cơ sở dữ liệu (dữ liệu cũ không đổi): {exc}").format(exc=exc)
            ) from None
        finally:
            src.close()
            dst.close()
        return RestoreResult(checked)
    finally:
        scratch.unlink(missing_ok=True)


def _maintenance() -> psycopg.Connection[Any]:
    db = _db()
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres" if db["NAME"] != "postgres" else "template1",
        autocommit=True,
    )


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _restore_pg(source: Path) -> RestoreResult:
    _pg_check(source)
    live = str(_db()["NAME"])
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    scratch = f"{live[:30]}_khoiphuc_{stamp}"
    kept = f"{live[:30]}_truoc_{stamp}"
    with _maintenance() as admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(_ident(scratch)))
        except Exception as exc:
            raise BackupError(
                _(
                    "Không tạo được cơ sở dữ liệu tạm để kiểm tra ({detail}): tài khoản PostgreSQL của "
                    "dangvien cần quyền CREATEDB. Dữ liệu hiện có không đổi."
                ).format(detail=_last_line(str(exc)))
            ) from None
        switched = False
        try:
            args, env = pg_conn_args(scratch)
            done = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *args, str(source)],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(
                    _(
                        "Tệp sao lưu bị hỏng hoặc không đầy đủ, khôi phục dừng lại: {detail}. Dữ liệu hiện "
                        "có không đổi."
                    ).format(detail=_last_line(done.stderr))
                )
            checked = _verify_audit({**_db(), "NAME": scratch})
            # The switch: nobody may stay connected to the live database while it is renamed.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [live],
            )
            admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(_ident(live), _ident(kept)))
            try:
                admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(_ident(scratch), _ident(live)))
            except Exception:
                admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(_ident(kept), _ident(live)))
                raise
            switched = True
            return RestoreResult(checked, kept_as=kept)
        finally:
            if not switched:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(_ident(scratch)))
