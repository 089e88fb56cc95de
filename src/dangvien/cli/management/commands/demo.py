from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

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
                _("Cơ sở dữ liệu đã có tổ chức: dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống."), returncode=1
            )
        bar = ProgressBar(_("Đang tạo dữ liệu mẫu"))
        result = generate(opts["scale"], opts["seed"], progress=bar)
        with transaction.atomic():
            audit_log(
                actor=None,
                action="demo.generate",
                changes={"scale": opts["scale"], "seed": opts["seed"], "members": result.members},
            )
        self.stdout.write(
            _(
                "Đã tạo {provinces} đảng bộ tỉnh, {communes} đảng bộ xã/phường, {cells} chi bộ, {members} "
                "đảng viên (kể cả đã chuyển đi, từ trần); {candidates} quần chúng ưu tú, {classes} lớp bồi "
                "dưỡng, {open_cases} hồ sơ kết nạp đang làm, {admitted_cases} hồ sơ đã kết nạp; "
                "{probations} đảng viên dự bị đang theo dõi, {recognitions} hồ sơ công nhận chính thức đã "
                "xong ({late_recognitions} muộn), {transfers} lượt chuyển sinh hoạt, {exemptions} miễn/tạm "
                "miễn sinh hoạt; {targets} chỉ tiêu kết nạp, {ratings} kết quả xếp loại."
            ).format(
                provinces=result.provinces,
                communes=result.communes,
                cells=result.cells,
                members=result.members,
                candidates=result.pipeline.candidates,
                classes=result.pipeline.classes,
                open_cases=result.pipeline.open_cases,
                admitted_cases=result.pipeline.admitted_cases,
                probations=result.followup.probations,
                recognitions=result.followup.recognitions,
                late_recognitions=result.followup.late_recognitions,
                transfers=result.followup.transfers,
                exemptions=result.followup.exemptions,
                targets=result.targets,
                ratings=result.ratings,
            )
        )
        if result.notifications:
            # Only when accounts exist to receive them (firstrun counts its own, after
            # making the demo accounts): the summary says what the bells will show.
            self.stdout.write(_("{n} thông báo hôm nay.").format(n=result.notifications))
