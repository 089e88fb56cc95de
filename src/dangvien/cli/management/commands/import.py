from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.cli.progress import ProgressBar
from dangvien.core.spreadsheet import ImportResult
from dangvien.ops.work import IMPORTERS


class Command(BaseCommand):
    help = "Nhập dữ liệu từ tệp .xlsx hoặc .csv (UTF-8): tất cả hoặc không gì cả."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--user", help="ghi nhận và giới hạn theo phạm vi của tài khoản này")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("Không có tệp {path}").format(path=path), returncode=2)
        actor = None
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("Không có tài khoản {user}").format(user=opts["user"]), returncode=2)
        result: ImportResult = IMPORTERS[opts["kind"]](
            path=path,
            actor=actor,
            dry_run=opts["dry_run"],
            progress=ProgressBar(_("Đang đọc tệp"), unit=_("dòng")),
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Không nhập gì: {count} lỗi trong {rows} dòng. Sửa tệp rồi nhập lại.").format(
                    count=len(result.errors), rows=result.rows
                ),
                returncode=1,
            )
        prefix = _("Kiểm tra xong (không ghi gì): ") if opts["dry_run"] else _("Đã nhập xong: ")
        self.stdout.write(prefix + result.summary())
        for notice in result.notices:
            self.stdout.write(notice)
