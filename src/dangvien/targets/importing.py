"""Import of targets (DESIGN.md `targets` columns). A later row for the same organization,
period and group is a revision, not a replacement: history is kept; the same file twice
changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.pipeline.frame import run_import
from dangvien.targets.periods import default_bounds, parse_period
from dangvien.targets.services import clean_group, target_set

COLUMNS = [
    Column("org", "Mã tổ chức", required=True),
    Column("period", "Kỳ", required=True),
    Column("value", "Chỉ tiêu", required=True),
    Column("group", "Nhóm"),
    Column("effective_on", "Ngày hiệu lực"),
    Column("note", "Ghi chú"),
]


def _int(text: str) -> int | None:
    """166, 1.234 (Vietnamese thousands) or 166.0 from Excel; None for anything else."""
    t = text.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) else text
    return int(t) if t.isdigit() else None


def import_targets(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        scope = scope_for(actor)
        orgs: dict[str, Organization | None] = {}
        for line, v in sheet:
            result.rows += 1
            errors: list[RowError] = []
            code = cell_text(v.get("org"))
            org = None
            if not code:
                errors.append(RowError(line, h["org"], "chưa có mã tổ chức"))
            else:
                if code not in orgs:
                    found = Organization.objects.filter(code=code).first()
                    orgs[code] = found if found is not None and scope.can_read(found) else None
                org = orgs[code]
                if org is None:
                    errors.append(RowError(line, h["org"], f"không có tổ chức mã “{code}”"))
            period = cell_text(v.get("period"))
            try:
                period, _kind = parse_period(period)
            except ServiceError as exc:
                errors.append(RowError(line, h["period"], exc.message))
                period = ""
            raw = cell_text(v.get("value"))
            value = _int(raw)
            if value is None:
                errors.append(
                    RowError(
                        line,
                        h["value"],
                        f"“{raw}” không phải một số nguyên không âm" if raw else "chưa có chỉ tiêu",
                    )
                )
            group = ""
            try:
                group = clean_group(cell_text(v.get("group")))
            except ServiceError as exc:
                errors.append(RowError(line, h["group"], exc.message))
            effective = date_cell(v, "effective_on", h, line, errors)
            if errors or org is None or value is None:
                result.errors.extend(errors)
                continue
            try:
                revision = target_set(
                    actor=actor,
                    org=org,
                    period=period,
                    value=value,
                    group=group,
                    effective_on=effective,
                    reason=cell_text(v.get("note")),
                )
            except ServiceError as exc:
                column = {"value": "value", "effective_on": "effective_on", "group": "group"}.get(
                    exc.field or "", "org"
                )
                result.errors.append(RowError(line, h.get(column, h["org"]), exc.message))
                continue
            except ScopeDenied:
                result.errors.append(RowError(line, h["org"], f"bạn không được giao chỉ tiêu cho “{code}”"))
                continue
            if revision is None:
                result.unchanged += 1
                continue
            result.created += 1
            if len(result.samples) < 20:
                start = default_bounds(period).start
                when = f" từ {revision.effective_on:%d/%m/%Y}" if revision.effective_on != start else ""
                result.samples.append(f"{org.code} {period} {group or 'tổng số'}: {value}{when}")

    return run_import(kind="targets", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
