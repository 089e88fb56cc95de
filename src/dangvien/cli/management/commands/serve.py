from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dangvien.cli.address import address, logins_follow


class Command(BaseCommand):
    help = "Chạy ứng dụng web và API bằng gunicorn (không dùng runserver)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("DANGVIEN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("DANGVIEN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("DANGVIEN_WORKERS", "3")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("DANGVIEN_THREADS", "1")),
            help="luồng mỗi tiến trình web (trên 1: gunicorn gthread)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="không tự chạy tiến trình việc nền (khi đã chạy dangvien worker riêng, như trên máy chủ)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "dangvien.wsgi:application",
            "--bind",
            f"{opts['host']}:{opts['port']}",
            "--workers",
            str(opts["workers"]),
            "--threads",
            str(max(1, opts["threads"])),
            "--timeout",
            "60",  # long work (imports, PDFs, large exports) runs in the worker, not in a request
            "--access-logfile",
            "-",
            # The path only, never the query string: searches carry names and ID numbers.
            "--access-logformat",
            '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]
        if not opts["no_worker"]:
            # Beside the server, and gone with it: it watches this process id, which
            # gunicorn keeps (execv below replaces the program, not the process).
            subprocess.Popen([sys.executable, "-m", "dangvien", "worker", "--parent", str(os.getpid())])
            self.stdout.write(_("Tiến trình việc nền đã khởi động cùng máy chủ."))
        url = address(opts["host"], opts["port"])
        self.stdout.write(_("Đang chạy tại {url}").format(url=url))
        logins = logins_follow(url)
        if logins is not None:
            self.stdout.write(_("Tài khoản đăng nhập: xem tệp {path}").format(path=logins))
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process: signals reach gunicorn
