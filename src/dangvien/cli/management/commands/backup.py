from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.ops.backups import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào một tệp (SQLite: bản sao trực tuyến; PostgreSQL: pg_dump), "
        "đọc lại toàn bộ tệp để kiểm tra trước khi đặt tên."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        target: Path = opts["file"]
        try:
            backup_write(target)
        except BackupError as exc:
            raise CommandError(exc.message, returncode=1) from None
        self.stdout.write(_("Đã sao lưu và kiểm tra: {target}").format(target=target))
