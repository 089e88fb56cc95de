from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dangvien.cli.management.commands.backup import pg_env


class Command(BaseCommand):
    help = "Khôi phục toàn bộ cơ sở dữ liệu từ tệp sao lưu (thay thế dữ liệu hiện có)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        source_path: Path = opts["file"]
        if not source_path.is_file():
            raise CommandError(f"Không có tệp {source_path}", returncode=2)
        connection.close()
        if connection.vendor == "sqlite":
            try:
                source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
                source.execute("select count(*) from django_migrations").fetchone()
            except sqlite3.DatabaseError:
                raise CommandError("Tệp không phải bản sao lưu của dangvien", returncode=1) from None
            dest = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
        elif connection.vendor == "postgresql":
            if shutil.which("pg_restore") is None:
                raise CommandError("Không có pg_restore: cài gói postgresql-client", returncode=1)
            conn_args, env = pg_env()
            subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", *conn_args, str(source_path)],
                check=True,
                env=env,
            )
        self.stdout.write(f"Đã khôi phục từ {source_path}")
