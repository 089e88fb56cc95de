from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.services import user_create
from dangvien.core.errors import ServiceError


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị hệ thống (mật khẩu hỏi khi chạy, hoặc lấy từ DANGVIEN_ADMIN_PASSWORD)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **opts: Any) -> None:
        password = os.environ.get("DANGVIEN_ADMIN_PASSWORD", "")
        if not password:
            if not os.isatty(0):
                raise CommandError(
                    _("Không có mật khẩu: đặt DANGVIEN_ADMIN_PASSWORD hoặc chạy trong terminal"), returncode=2
                )
            password = getpass.getpass(_("Mật khẩu: "))
            if getpass.getpass(_("Nhập lại mật khẩu: ")) != password:
                raise CommandError(_("Hai lần nhập mật khẩu không khớp"), returncode=1)
        try:
            user = user_create(
                actor=None,
                username=opts["username"],
                password=password,
                role="admin",
                organization=None,
                full_name="Quản trị hệ thống",
            )
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from None
        self.stdout.write(_("Đã tạo tài khoản quản trị “{username}”.").format(username=user.username))
