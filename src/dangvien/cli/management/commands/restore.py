from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.ops.backups import BackupError, restore_from


class Command(BaseCommand):
    help = (
        "Khôi phục toàn bộ cơ sở dữ liệu từ tệp sao lưu. Tệp được khôi phục và kiểm tra (cả nhật ký) "
        "ở nơi khác trước; chỉ khi mọi bước thành công mới thay dữ liệu hiện có."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        source: Path = opts["file"]
        if not source.is_file():
            raise CommandError(_("Không có tệp {source}").format(source=source), returncode=2)
        try:
            result = restore_from(source)
        except BackupError as exc:
            raise CommandError(exc.message, returncode=1) from None
        self.stdout.write(
            _("Đã khôi phục từ {source}; nhật ký nguyên vẹn: {audit_entries} mục.").format(
                source=source, audit_entries=result.audit_entries
            )
        )
        if result.kept_as:
            self.stdout.write(
                _(
                    "Dữ liệu trước khi khôi phục được giữ trong cơ sở dữ liệu {kept_as}; kiểm tra xong thì "
                    "xóa: dropdb {kept_as}"
                ).format(kept_as=result.kept_as)
            )
