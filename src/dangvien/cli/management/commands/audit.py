from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvien.accounts.audit import audit_verify


class Command(BaseCommand):
    help = "Nhật ký: verify kiểm tra chuỗi băm, báo mục đầu tiên bị sửa hoặc xóa."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **opts: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Nhật ký bị thay đổi: {result.reason} (đã kiểm {result.checked} mục)", returncode=1
            )
        self.stdout.write(f"Nhật ký nguyên vẹn: {result.checked} mục.")
