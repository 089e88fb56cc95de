from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.cli.progress import ProgressBar
from dangvien.demo.generate import SCALES, generate
from dangvien.orgs.models import Organization


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (giả lập) ở quy mô một xã, một tỉnh hoặc cả nước."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="commune")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **opts: Any) -> None:
        if Organization.objects.exists():
            raise CommandError(
                "Cơ sở dữ liệu đã có tổ chức: dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.", returncode=1
            )
        bar = ProgressBar("Đang tạo dữ liệu mẫu")
        result = generate(opts["scale"], opts["seed"], progress=bar)
        with transaction.atomic():
            audit_log(
                actor=None,
                action="demo.generate",
                changes={"scale": opts["scale"], "seed": opts["seed"], "members": result.members},
            )
        self.stdout.write(
            f"Đã tạo {result.provinces} đảng bộ tỉnh, {result.communes} đảng bộ xã/phường, "
            f"{result.cells} chi bộ, {result.members} đảng viên (kể cả đã chuyển đi, từ trần); "
            f"{result.pipeline.candidates} quần chúng ưu tú, {result.pipeline.classes} lớp bồi dưỡng, "
            f"{result.pipeline.open_cases} hồ sơ kết nạp đang làm, "
            f"{result.pipeline.admitted_cases} hồ sơ đã kết nạp; "
            f"{result.followup.probations} đảng viên dự bị đang theo dõi, "
            f"{result.followup.recognitions} hồ sơ công nhận chính thức đã xong "
            f"({result.followup.late_recognitions} muộn), {result.followup.transfers} lượt chuyển sinh hoạt, "
            f"{result.followup.exemptions} miễn/tạm miễn sinh hoạt, {result.notifications} thông báo; "
            f"{result.targets} chỉ tiêu kết nạp, {result.ratings} kết quả xếp loại."
        )
