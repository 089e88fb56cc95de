from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.watch.models import Kind
from dangvien.watch.services import tick


class Command(BaseCommand):
    help = (
        "Quét hằng ngày: các việc quá hạn và sắp đến hạn, hết thời gian dự bị, giấy chứng nhận sắp hết hạn, "
        "quần chúng lâu chưa được nhận xét, chi bộ lâu không kết nạp; tạo thông báo và gửi thư tổng hợp. "
        "Chạy lại trong ngày không báo trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="ngày quét (2026-03-12); mặc định hôm nay")
        parser.add_argument("--no-mail", action="store_true", help="không gửi thư")

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = None
        if opts["as_of"]:
            try:
                as_of = dt.date.fromisoformat(opts["as_of"])
            except ValueError:
                raise CommandError(
                    _("Ngày “{as_of}” không hợp lệ: viết theo dạng 2024-03-12").format(as_of=opts["as_of"]),
                    returncode=1,
                ) from None
        result = tick(as_of=as_of, send_mail=not opts["no_mail"])
        labels = dict(Kind.choices)
        parts = ", ".join(f"{labels[k]}: {n}" for k, n in sorted(result.by_kind.items()))
        self.stdout.write(
            _("Ngày {as_of:%d/%m/%Y}: {items} việc ({kinds}); {created} thông báo mới; ").format(
                as_of=result.as_of, items=result.items, kinds=parts or _("không có"), created=result.created
            )
            + (
                _("{emails} thư chưa gửi (chưa đặt DANGVIEN_EMAIL_BACKEND).").format(emails=result.emails)
                if settings.EMAIL_BACKEND.endswith("dummy.EmailBackend")
                else _("{emails} thư đã gửi.").format(emails=result.emails)
            )
        )
