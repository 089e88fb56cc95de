from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Worker

from dangvien.jobs.progress import worker_beat
from dangvien.jobs.services import jobs_mark_lost, jobs_prune, tick_start
from dangvien.ops.work import uploads_prune


def _tick_time(text: str) -> dt.time | None:
    if text.strip().lower() in ("", "off"):
        return None
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("Giờ rà soát “{text}” không hợp lệ: viết như 05:30, hoặc off để tắt").format(text=text[:20]),
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = (
        "Chạy các việc nền: kiểm tra và nhập tệp, tạo PDF, xuất danh sách lớn, rà soát thời hạn "
        "hằng ngày. Chạy bên cạnh máy chủ web (make run tự khởi động một tiến trình)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="giây chờ giữa hai lần tìm việc mới")
        parser.add_argument("--batch", action="store_true", help="chạy hết việc đang chờ rồi dừng")
        parser.add_argument(
            "--tick-at",
            default=os.environ.get("DANGVIEN_TICK_AT", "05:30"),
            help=(
                "giờ rà soát thời hạn mỗi ngày (mặc định 05:30; off để tắt, khi đã có cron "
                "chạy dangvien tick)"
            ),
        )
        parser.add_argument("--parent", type=int, default=0, help=(
            "dừng khi tiến trình này dừng (dangvien serve dùng)"
        ))  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        tick_at = _tick_time(opts["tick_at"])
        lost = jobs_mark_lost()
        pruned = jobs_prune()
        uploads_prune()
        worker_beat()
        self.stdout.write(
            _(
                "Tiến trình việc nền đã chạy ({lost} việc dở dang được đánh dấu lỗi, "
                "{pruned} việc cũ được dọn)."
            ).format(lost=lost, pruned=pruned)
        )
        self.stdout.flush()
        if not opts["batch"]:
            threading.Thread(
                target=_housekeeping, args=(tick_at, opts["parent"]), name="housekeeping", daemon=True
            ).start()
        worker = Worker(
            queue_names=["default"],
            interval=opts["interval"],
            batch=opts["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()


def _housekeeping(tick_at: dt.time | None, parent: int) -> None:
    """Every few seconds: say the worker is alive (pages tell a queued job from a missing
    worker); stop with the server that started us; start the day's tick once it is time."""
    while True:
        try:
            worker_beat()
            if parent and os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)  # the worker finishes its job, then stops
                return
            now = timezone.localtime()
            if tick_at is not None and now.time() >= tick_at:
                tick_start(now.date())
        except Exception:  # noqa: S110 - housekeeping never kills the worker; next round retries
            pass
        finally:
            connection.close()
        time.sleep(5)
