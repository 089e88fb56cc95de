from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvien.accounts.scope import scope_for
from dangvien.core.spreadsheet import write_table
from dangvien.orgs.models import Organization
from dangvien.reports.selectors import member_counts
from dangvien.reports.timeliness import overdue_everything


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày “{value}” không hợp lệ: viết theo dạng 2024-03-12", returncode=1) from None


class Command(BaseCommand):
    help = (
        "Báo cáo: members (số đảng viên theo trạng thái, giới tính, độ tuổi, loại chi bộ, loại hình); "
        "overdue (mọi việc đã quá hạn: hồ sơ kết nạp, công nhận chính thức, chuyển sinh hoạt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["members", "overdue"])
        parser.add_argument("--org", required=True)
        parser.add_argument("--as-of")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = iso_date(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{opts['org']}”", returncode=1)
        if opts["name"] == "overdue":
            self._overdue(org, as_of, opts)
            return
        counts = member_counts(scope_for(None), org, as_of)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(counts.as_dict(), ensure_ascii=False, indent=2))
            return
        sections = [
            ("Trạng thái", counts.by_status),
            ("Giới tính", counts.by_sex),
            ("Độ tuổi", counts.by_age_band),
            ("Loại tổ chức", counts.by_cell_kind),
            ("Loại hình", counts.by_sector),
        ]
        rows = [[title, label, n] for title, data in sections for label, n in data.items()]
        if opts["format"] == "xlsx":
            if not opts["output"]:
                raise CommandError("Định dạng xlsx cần -o TỆP", returncode=2)
            with opts["output"].open("wb") as out:
                write_table(
                    out,
                    "xlsx",
                    ["Nhóm", "Chỉ tiêu", "Số đảng viên"],
                    rows,
                    title=f"{org.code} {as_of:%d-%m-%Y}",
                )
            return
        out = sys.stdout
        out.write(f"{org.name} — đảng viên đến ngày {as_of:%d/%m/%Y}: {counts.total:,}\n".replace(",", "."))
        for title, label, n in rows:
            out.write(f"  {title:<14} {label:<28} {n:>10,}\n".replace(",", "."))

    def _overdue(self, org: Organization, as_of: dt.date, opts: dict[str, Any]) -> None:
        items = overdue_everything(scope_for(None), org=org, as_of=as_of)
        if opts["format"] == "json":
            data = {"org": org.code, "as_of": as_of.isoformat(), "items": [i.as_dict() for i in items]}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        headers = ["Hồ sơ", "Họ và tên", "Chi bộ", "Bước", "Hạn", "Số ngày làm việc quá hạn"]
        rows = [
            [i.case_id, i.person, i.cell, i.step_label, f"{i.due_on:%d/%m/%Y}", i.working_days_late]
            for i in items
        ]
        if opts["format"] == "xlsx":
            if not opts["output"]:
                raise CommandError("Định dạng xlsx cần -o TỆP", returncode=2)
            with opts["output"].open("wb") as out:
                write_table(out, "xlsx", headers, rows, title=f"Quá hạn {org.code} {as_of:%d-%m-%Y}")
            return
        out = sys.stdout
        out.write(f"{org.name} — các bước quá hạn đến ngày {as_of:%d/%m/%Y}: {len(items)}\n")
        for i in items:
            out.write(
                f"  #{i.case_id:<7} {i.person:<28} {i.cell:<24} {i.step_label:<40} "
                f"hạn {i.due_on:%d/%m/%Y}, quá {i.working_days_late} ngày làm việc\n"
            )
