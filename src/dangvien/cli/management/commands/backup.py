from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db["USER"]),
    ]
    env = {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    return [*args, "-d", str(db["NAME"])], env


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu vào một tệp (SQLite: bản sao trực tuyến; PostgreSQL: pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        target: Path = opts["file"]
        if connection.vendor == "sqlite":
            source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            dest = sqlite3.connect(str(target))
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise CommandError("Không có pg_dump: cài gói postgresql-client", returncode=1)
            conn_args, env = pg_env()
            subprocess.run(["pg_dump", "-Fc", "-f", str(target), *conn_args], check=True, env=env)
        else:
            raise CommandError(f"Chưa hỗ trợ sao lưu {connection.vendor}", returncode=1)
        target.chmod(0o600)
        self.stdout.write(f"Đã sao lưu vào {target}")
