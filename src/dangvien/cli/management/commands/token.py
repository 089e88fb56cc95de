from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.accounts.services import token_create


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một tài khoản (mã chỉ hiện một lần; hệ thống chỉ giữ bản băm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", default="api")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Không có tài khoản {user}").format(user=opts["user"]), returncode=1)
        self.stdout.write(token_create(actor=None, user=user, name=opts["name"]))
