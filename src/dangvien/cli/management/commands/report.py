from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_export
from dangvien.committees.duties import duties_report
from dangvien.committees.sourcing import sourcing_report
from dangvien.core.errors import ServiceError
from dangvien.core.memory import collector_paused
from dangvien.core.spreadsheet import write_table
from dangvien.core.text import vn_int, vn_pct
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.reports.excel import write_tables
from dangvien.reports.selectors import member_counts
from dangvien.reports.timeliness import overdue_everything
from dangvien.targets.commendations import CommendationRow, commendation_rows
from dangvien.targets.periods import parse_period
from dangvien.targets.progress import WHOLE, progress_report
from dangvien.targets.tables import progress_table


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Ngày “{value}” không hợp lệ: viết theo dạng 2024-03-12").format(value=value), returncode=1
        ) from None


def _d(row: CommendationRow) -> str:
    d = row.decision
    return f"{d.level}, {d.decision_ref}, {d.decided_on:%d/%m/%Y}" if d else ""


def _cell(value: object) -> str:
    if value is None:
        return "—"
    return vn_pct(value, sign=False) if isinstance(value, Decimal) else str(value)


class Command(BaseCommand):
    help = (
        "Báo cáo: progress (tiến độ kết nạp so với chỉ tiêu của một kỳ); "
        "members (số đảng viên theo trạng thái, giới tính, độ tuổi, loại chi bộ, loại hình); "
        "overdue (mọi việc đã quá hạn: hồ sơ kết nạp, công nhận chính thức, chuyển sinh hoạt); "
        "duties (cấp ủy viên phụ trách chi bộ: số quần chúng giới thiệu, kết nạp trong năm); "
        "sourcing (khảo sát nguồn: số người đơn vị quản lý, tỷ lệ đảng viên, quần chúng, hết nguồn); "
        "commendations (đơn vị đề nghị khen thưởng cuối năm và quyết định đã ghi)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name", choices=["progress", "members", "overdue", "duties", "sourcing", "commendations"]
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--org", help="mã tổ chức: báo cáo của tổ chức đó và mọi tổ chức trực thuộc")
        which.add_argument(
            "--all",
            action="store_true",
            help="toàn hệ thống: mọi đảng bộ tỉnh (cả nước) dưới một dòng tổng (progress, members)",
        )
        parser.add_argument("--period", help="nhiệm kỳ (2025-2030) hoặc năm (2026); cần cho progress")
        parser.add_argument("--year", type=int, help="năm; cần cho duties")
        parser.add_argument("--as-of")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        # The country's reports and their JSON or Excel hold hundreds of thousands of
        # small objects at once, none in a cycle (core/memory.py).
        with collector_paused():
            self._handle(opts)

    def _handle(self, opts: dict[str, Any]) -> None:
        as_of = iso_date(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        org = None
        if opts["all"]:
            if opts["name"] in ("overdue", "duties", "sourcing", "commendations"):
                raise CommandError(
                    _("Báo cáo {name} cần --org MÃ (một tổ chức)").format(name=opts["name"]), returncode=2
                )
        else:
            org = Organization.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(_("Không có tổ chức mã “{org}”").format(org=opts["org"]), returncode=1)
        name, code = (org.name, org.code) if org is not None else (str(WHOLE), "toan-he-thong")
        if org is not None and opts["name"] == "overdue":
            self._overdue(org, as_of, opts)
            return
        if org is not None and opts["name"] == "duties":
            self._duties(org, as_of, opts)
            return
        if org is not None and opts["name"] == "sourcing":
            self._sourcing(org, as_of, opts)
            return
        if org is not None and opts["name"] == "commendations":
            self._commendations(org, opts)
            return
        if opts["name"] == "progress":
            self._progress(org, name, as_of, opts)
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
                raise CommandError(_("Định dạng xlsx cần -o TỆP"), returncode=2)
            with opts["output"].open("wb") as out:
                written = write_table(
                    out,
                    "xlsx",
                    ["Nhóm", "Chỉ tiêu", "Số đảng viên"],
                    rows,
                    title=f"{code} {as_of:%d-%m-%Y}",
                )
            audit_export(actor=None, what="report members", rows=written, fmt="xlsx", org=code)
            return
        out = sys.stdout
        out.write(
            _("{name} — đảng viên đến ngày {as_of:%d/%m/%Y}: {total:,}\n")
            .format(name=name, as_of=as_of, total=counts.total)
            .replace(",", ".")
        )
        for title, label, n in rows:
            out.write(f"  {title:<14} {label:<28} {n:>10,}\n".replace(",", "."))

    def _progress(self, org: Organization | None, name: str, as_of: dt.date, opts: dict[str, Any]) -> None:
        if not opts["period"]:
            raise CommandError(
                _("Báo cáo progress cần --period, ví dụ --period 2025-2030 hoặc --period 2026"), returncode=2
            )
        try:
            parse_period(opts["period"])
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from None
        report = progress_report(scope_for(None), org=org, period=opts["period"], as_of=as_of)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        table = progress_table(report, name)
        if opts["format"] == "xlsx":
            if not opts["output"]:
                raise CommandError(_("Định dạng xlsx cần -o TỆP"), returncode=2)
            with opts["output"].open("wb") as out:
                n = write_tables(out, [table])
            audit_export(actor=None, what=f"report progress {opts['period']}", rows=n, fmt="xlsx", org=name)
            return
        out = sys.stdout
        out.write(table.title + "\n")
        out.write(f"  {'Tổ chức':<46} {'Chỉ tiêu':>9} {'Đã kết nạp':>11} {'Tỷ lệ':>9}\n")
        for r in report.rows:
            name = ("  " * r.depth + r.name)[:46]
            target = vn_int(r.target) if r.target is not None else "—"
            out.write(f"  {name:<46} {target:>9} {vn_int(r.admitted):>11} {vn_pct(r.percent):>9}\n")

    def _emit(
        self,
        data: dict[str, Any],
        headers: list[str],
        rows: list[list[Any]],
        title: str,
        opts: dict[str, Any],
    ) -> None:
        """JSON, an Excel sheet (-o) or a plain table: the three forms of one report."""
        if opts["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if opts["format"] == "xlsx":
            if not opts["output"]:
                raise CommandError(_("Định dạng xlsx cần -o TỆP"), returncode=2)
            with opts["output"].open("wb") as out:
                n = write_table(out, "xlsx", headers, rows, title=title)
            audit_export(actor=None, what=f"report {opts['name']}", rows=n, fmt="xlsx", org=data["org"])
            return
        self.stdout.write(title)
        self.stdout.write("  " + " | ".join(headers))
        for row in rows:
            self.stdout.write("  " + " | ".join(_cell(v) for v in row))

    def _duties(self, org: Organization, as_of: dt.date, opts: dict[str, Any]) -> None:
        if not opts["year"]:
            raise CommandError(_("Báo cáo duties cần --year, ví dụ --year 2026"), returncode=2)
        duties = duties_report(scope_for(None), org=org, year=opts["year"], as_of=as_of)
        headers = ["Số thẻ đảng viên", "Họ và tên", "Chi bộ phụ trách", "Giới thiệu", "Kết nạp", "Đạt"]
        rows = [
            [r.card, r.name, ", ".join(r.cells), r.introduced, r.admitted, "Đạt" if r.met else "Chưa"]
            for r in duties.rows
        ]
        title = (
            f"Cấp ủy viên phụ trách chi bộ năm {duties.year} — {org.name}, đến ngày {duties.as_of:%d/%m/%Y}"
        )
        self._emit(duties.as_dict(), headers, rows, title, opts)

    def _commendations(self, org: Organization, opts: dict[str, Any]) -> None:
        if not opts["year"]:
            raise CommandError(_("Báo cáo commendations cần --year, ví dụ --year 2026"), returncode=2)
        as_of = iso_date(opts["as_of"]) if opts["as_of"] else None
        report = commendation_rows(scope_for(None), org=org, year=opts["year"], as_of=as_of)
        headers = [
            "Mã",
            "Tổ chức",
            "Chỉ tiêu",
            "Đã kết nạp",
            "Tỷ lệ (%)",
            "Hồ sơ chậm",
            "Đề nghị",
            "Quyết định",
        ]
        rows = [
            [
                r.org.code,
                r.org.name,
                r.target,
                r.admitted,
                r.percent,
                r.late,
                "Đề nghị" if r.proposed else "",
                _d(r),
            ]
            for r in report.rows
        ]
        title = f"Khen thưởng năm {report.year} — {org.name}"
        self._emit(report.as_dict(), headers, rows, title, opts)

    def _sourcing(self, org: Organization, as_of: dt.date, opts: dict[str, Any]) -> None:
        report = sourcing_report(scope_for(None), org=org, as_of=as_of)
        headers = [
            "Mã",
            "Chi bộ",
            "Số người",
            "Đảng viên",
            "Tỷ lệ (%)",
            "Quần chúng",
            "Đủ điều kiện",
            "Hết nguồn",
        ]
        rows = [
            [
                r.code,
                r.name,
                r.covered,
                r.members,
                r.share,
                r.pool,
                r.ready,
                "Hết nguồn" if r.no_source else "",
            ]
            for r in report.rows
        ]
        title = f"Khảo sát nguồn — {org.name}, đến ngày {as_of:%d/%m/%Y}"
        self._emit(report.as_dict(), headers, rows, title, opts)

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
                raise CommandError(_("Định dạng xlsx cần -o TỆP"), returncode=2)
            with opts["output"].open("wb") as out:
                n = write_table(out, "xlsx", headers, rows, title=f"Quá hạn {org.code} {as_of:%d-%m-%Y}")
            audit_export(actor=None, what="report overdue", rows=n, fmt="xlsx", org=org.code)
            return
        out = sys.stdout
        out.write(
            _("{name} — các bước quá hạn đến ngày {as_of:%d/%m/%Y}: {count}\n").format(
                name=org.name, as_of=as_of, count=len(items)
            )
        )
        for i in items:
            out.write(
                _(
                    "  #{case_id:<7} {person:<28} {cell:<24} {step_label:<40} hạn {due_on:%d/%m/%Y}, quá "
                    "{working_days_late} ngày làm việc\n"
                ).format(
                    case_id=i.case_id,
                    person=i.person,
                    cell=i.cell,
                    step_label=i.step_label,
                    due_on=i.due_on,
                    working_days_late=i.working_days_late,
                )
            )
