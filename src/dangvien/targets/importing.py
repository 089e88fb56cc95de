"""Import of targets (DESIGN.md `targets` columns). A later row for the same organization,
period and group is a revision, not a replacement: history is kept; the same file twice
changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by
from dangvien.pipeline.rows import run_rows
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


@dataclass
class _Row:
    line: int
    code: str
    period: str
    value: int | None
    group: str
    effective: dt.date | None
    note: str
    org: Organization | None = None


def import_targets(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Through the pipeline (pipeline/rows.py): rows parsed, each batch's organizations
    found in one query, each target set through the same service as the page."""

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        scope = scope_for(actor)

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row:
            code = cell_text(v.get("org"))
            if not code:
                errors.append(RowError(line, h["org"], _("chưa có mã tổ chức")))
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
                        _("“{raw}” không phải một số nguyên không âm").format(raw=raw)
                        if raw
                        else _("chưa có chỉ tiêu"),
                    )
                )
            group = ""
            try:
                group = clean_group(cell_text(v.get("group")))
            except ServiceError as exc:
                errors.append(RowError(line, h["group"], exc.message))
            effective = date_cell(v, "effective_on", h, line, errors)
            return _Row(line, code, period, value, group, effective, cell_text(v.get("note")))

        def match(batch: list[_Row]) -> None:
            found = find_by(Organization.objects.all(), "code", [r.code for r in batch])
            for r in batch:
                if not r.code:
                    continue  # said by parse
                orgs = [o for o in found.get(r.code, []) if scope.can_read(o)]
                r.org = orgs[0] if orgs else None
                if r.org is None:
                    result.errors.append(
                        RowError(r.line, h["org"], _("không có tổ chức mã “{code}”").format(code=r.code))
                    )

        def write(batch: list[_Row]) -> None:
            for r in batch:
                if r.org is not None and r.value is not None:
                    _write(r, r.org, r.value)

        def _write(r: _Row, org: Organization, value: int) -> None:
            line = r.line
            try:
                revision = target_set(
                    actor=actor,
                    org=org,
                    period=r.period,
                    value=value,
                    group=r.group,
                    effective_on=r.effective,
                    reason=r.note,
                )
            except ServiceError as exc:
                column = {"value": "value", "effective_on": "effective_on", "group": "group"}.get(
                    exc.field or "", "org"
                )
                result.errors.append(RowError(line, h.get(column, h["org"]), exc.message))
                return
            except ScopeDenied:
                result.errors.append(
                    RowError(
                        line, h["org"], _("bạn không được giao chỉ tiêu cho “{code}”").format(code=r.code)
                    )
                )
                return
            if revision is None:
                result.unchanged += 1
                return
            result.created += 1
            if len(result.samples) < 20:
                start = default_bounds(r.period).start
                when = (
                    _(" từ {effective_on:%d/%m/%Y}").format(effective_on=revision.effective_on)
                    if revision.effective_on != start
                    else ""
                )
                group = r.group or _("tổng số")
                result.samples.append(f"{org.code} {r.period} {group}: {value}{when}")

        run_rows(sheet, result, parse=parse, match=match, write=write)
        result.errors.sort(key=lambda e: e.row)

    return run_import(kind="targets", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
