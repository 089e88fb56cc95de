"""The `dangvien` command: Django's management commands plus the product's own
(createadmin, serve, demo, import, export, report, audit, backup, restore)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands that make the database, or need none: every other one refuses to run on a data
# folder without a migrated database (issue 23: run from another folder, `dangvien` used to
# create an empty ./var and die on "no such table").
NO_DATABASE_NEEDED = {
    "migrate",
    "restore",
    "help",
    "--help",
    "-h",
    "version",
    "--version",
    "check",
    "makemigrations",
    "makemessages",
    "compilemessages",
    "collectstatic",
    "showmigrations",
    "sqlmigrate",
}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    args = sys.argv[1:] if argv is None else argv
    from django.conf import settings
    from django.core.management import execute_from_command_line

    command = args[0] if args else "help"
    if command not in NO_DATABASE_NEEDED:
        # Before the settings are read (they create the data folder): a SQLite file that
        # is not there is a folder mistaken, not a database to start.
        problem = None if settings.configured else _no_sqlite_file()
        if problem is None:
            import django

            django.setup()
            problem = _not_migrated()
        if problem is not None:
            print(problem, file=sys.stderr)
            return 2
    try:
        execute_from_command_line(["dangvien", *args])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _no_sqlite_file() -> str | None:
    if os.environ.get("DANGVIEN_DATABASE_URL"):
        return None  # PostgreSQL (or a named file): checked once connected
    data = Path(os.environ.get("DANGVIEN_DATA_DIR", "var")).resolve()
    if (data / "dangvien.sqlite3").exists():
        return None
    # Said before Django's settings (and its translations) are loaded: both languages here.
    sentence = NO_DATABASE.get(os.environ.get("DANGVIEN_LANGUAGE", "vi"), NO_DATABASE["vi"])
    return sentence.format(data=data)


NO_DATABASE = {
    "vi": "Thư mục dữ liệu {data} chưa có cơ sở dữ liệu (không thấy dangvien.sqlite3). Chạy lệnh trong thư "
    "mục cài đặt, hoặc đặt DANGVIEN_DATA_DIR là thư mục dữ liệu; nếu cài lần đầu, chạy: dangvien migrate",
    "en": "The data folder {data} has no database (no dangvien.sqlite3 in it). Run the command from the "
    "installation folder, or set DANGVIEN_DATA_DIR to the data folder; on a first install, run: "
    "dangvien migrate",
}


def _not_migrated() -> str | None:
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import gettext as _

    where = _where(settings.DATABASES["default"])
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return _(
            "Không mở được cơ sở dữ liệu {where} ({error}). Kiểm tra DANGVIEN_DATABASE_URL và máy chủ "
            "PostgreSQL, rồi chạy lại."
        ).format(where=where, error=type(exc).__name__)
    if plan:
        return _(
            "Cơ sở dữ liệu {where} chưa được cập nhật: còn {n} bước thay đổi cấu trúc chưa chạy. Chạy: "
            "dangvien migrate"
        ).format(where=where, n=len(plan))
    return None


def _where(db: dict[str, object]) -> str:
    """The database named for the operator: the file, or host and name (never the password)."""
    if "sqlite" in str(db.get("ENGINE", "")):
        return str(db.get("NAME"))
    return f"{db.get('NAME')} @ {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
