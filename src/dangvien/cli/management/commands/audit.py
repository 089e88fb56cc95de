from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_anchor_write, audit_verify


class Command(BaseCommand):
    help = (
        "Nhật ký: verify kiểm tra chuỗi băm có khóa (và mốc đã ghi gần nhất), báo mục đầu tiên bị "
        "sửa hoặc xóa; anchor ghi mốc (số mục cuối và mã băm) ra tệp và in ra để lưu trên giấy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="tệp mốc (mặc định DANGVIEN_AUDIT_ANCHOR_FILE hoặc <thư mục dữ liệu>/audit_anchors.txt)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "anchor":
            line = audit_anchor_write(opts["file"])
            self.stdout.write(line)
            self.stdout.write(_("Đã ghi mốc. Chép dòng trên vào sổ của cấp ủy để đối chiếu về sau."))
            return
        result = audit_verify(anchor_file=opts["file"])
        if not result.ok:
            raise CommandError(
                _("Nhật ký bị thay đổi: {reason} (đã kiểm {checked} mục)").format(
                    reason=result.reason, checked=result.checked
                ),
                returncode=1,
            )
        self.stdout.write(_("Nhật ký nguyên vẹn: {checked} mục.").format(checked=result.checked))
