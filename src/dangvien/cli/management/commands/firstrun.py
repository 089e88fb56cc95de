from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangvien.accounts.models import Role, User
from dangvien.accounts.services import user_create
from dangvien.cli.address import address, login_line
from dangvien.orgs.models import Organization
from dangvien.watch.services import tick


class Command(BaseCommand):
    help = (
        "Lần chạy đầu (make run): tạo tài khoản quản trị, nạp dữ liệu mẫu cấp xã và in thông tin đăng nhập."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        logins = Path(settings.DATA_DIR) / "logins.txt"
        if User.objects.exists():
            if logins.exists():
                self.stdout.write(logins.read_text())
            return
        password = secrets.token_urlsafe(9)
        lines = [_("Quản trị hệ thống:   admin / {password}").format(password=password)]
        user_create(
            actor=None,
            username="admin",
            password=password,
            role=Role.ADMIN,
            organization=None,
            full_name="Quản trị hệ thống",
        )
        if not Organization.objects.exists():
            call_command("demo", scale="commune", seed=1, stdout=self.stdout)
            commune = Organization.objects.filter(kind="upper_base").order_by("pk").first()
            cells = list(Organization.objects.filter(parent=commune).order_by("code")[:2]) if commune else []
            if commune and len(cells) == 2:
                demo_password = secrets.token_urlsafe(9)
                for username, role, org, name in (
                    ("canbo", Role.STAFF, commune, "Cán bộ Văn phòng Đảng ủy"),
                    ("bithu", Role.SECRETARY, cells[0], "Bí thư chi bộ"),
                    ("xem", Role.VIEWER, cells[1], "Người xem"),
                ):
                    user_create(
                        actor=None,
                        username=username,
                        password=demo_password,
                        role=role,
                        organization=org,
                        full_name=name,
                    )
                # The demo users' bell and list: what this morning's daily watch would show them.

                created = tick(send_mail=False).created
                lines += [
                    _("Cán bộ đảng ủy xã:  canbo / {demo_password}  ({name})").format(
                        demo_password=demo_password, name=commune.name
                    ),
                    _("Bí thư chi bộ:      bithu / {demo_password}  ({name})").format(
                        demo_password=demo_password, name=cells[0].name
                    ),
                    _("Chỉ xem một chi bộ: xem / {demo_password}  ({name})").format(
                        demo_password=demo_password, name=cells[1].name
                    ),
                    _("Thông báo hôm nay cho các tài khoản mẫu: {n} (ở chuông trên trang web).").format(
                        n=created
                    ),
                ]
        lines.append(
            _(
                "Quản trị hệ thống đăng nhập bằng hai bước: lần đầu, trang web hiện mã QR để thêm vào ứng "
                "dụng xác thực trên điện thoại (Google/Microsoft Authenticator, FreeOTP)."
            )
        )
        text = login_line(address()) + "\n" + "\n".join(lines) + "\n"
        logins.write_text(text)
        logins.chmod(0o600)
        self.stdout.write(text)
