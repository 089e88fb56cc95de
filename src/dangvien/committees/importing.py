"""`dangvien import assignments FILE`: which committee member answers for which cell.
Columns: Mã tổ chức (the cell), Số thẻ đảng viên, Từ ngày, Đến ngày. The committee is the
nearest one above the cell on which the member sits on the first day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.committees.models import Assignment, Covered, Headcount
from dangvien.committees.services import (
    assignment_create,
    assignment_end,
    assignment_problem,
    headcount_record,
)
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import Membership, OfficeHolder
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by
from dangvien.pipeline.rows import run_rows

COLUMNS = [
    Column("cell", "Mã tổ chức", required=True),
    Column("card", "Số thẻ đảng viên", required=True),
    Column("valid_from", "Từ ngày", required=True),
    Column("valid_to", "Đến ngày"),
]
HEADERS = [c.header for c in COLUMNS]


@dataclass
class _Row:
    line: int
    code: str
    card: str
    start: dt.date | None
    end: dt.date | None
    cell: Organization | None = None
    membership: Membership | None = None
    committee: Organization | None = None


def _committee_of(cell: Organization, membership: Membership, on: dt.date) -> Organization | None:
    """The nearest organization above the cell on whose committee the member sits on `on`."""
    ancestors = [cell.path[:end] for end in range(len(cell.path) - 1, 0, -1)]
    seats = (
        OfficeHolder.objects.filter(membership=membership, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .filter(organization__path__in=ancestors)
        .select_related("organization")
    )
    found = sorted((s.organization for s in seats), key=lambda o: -len(o.path))
    return found[0] if found else None


def import_assignments(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    scope = scope_for(actor)

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row:
            start = date_cell(v, "valid_from", h, line, errors, required=True)
            end = date_cell(v, "valid_to", h, line, errors)
            card = cell_text(v.get("card"))
            if not card:
                errors.append(RowError(line, h["card"], _("chưa có số thẻ đảng viên")))
            return _Row(line, cell_text(v.get("cell")), card, start, end)

        def match(batch: list[_Row]) -> None:
            cells = find_by(Organization.objects.all(), "code", [r.code for r in batch])
            members = find_by(
                Membership.objects.select_related("person"), "card_number", [r.card for r in batch]
            )
            for r in batch:
                found = cells.get(r.code, [])
                r.cell = found[0] if found and scope.can_read(found[0]) else None
                if r.cell is None:
                    result.errors.append(
                        RowError(
                            r.line,
                            h["cell"],
                            _("không có tổ chức mã “{code}” trong phạm vi của bạn").format(code=r.code[:30]),
                        )
                    )
                cards = members.get(r.card, []) if r.card else []
                r.membership = cards[0] if cards else None
                if r.card and r.membership is None:
                    result.errors.append(
                        RowError(
                            r.line, h["card"], _("không có đảng viên số thẻ {card}").format(card=r.card[:20])
                        )
                    )

        def write(batch: list[_Row]) -> None:
            for r in batch:
                if r.cell is not None and r.membership is not None and r.start is not None:
                    _write(r)

        def _write(r: _Row) -> None:
            assert r.cell is not None and r.membership is not None and r.start is not None
            committee = _committee_of(r.cell, r.membership, r.start)
            if committee is None or not scope.can_manage(committee):
                result.errors.append(
                    RowError(
                        r.line,
                        h["card"],
                        _(
                            "ngày {on:%d/%m/%Y} đồng chí {name} không phải cấp ủy viên của một cấp ủy "
                            "trên {cell} trong phạm vi của bạn"
                        ).format(on=r.start, name=r.membership.person.full_name, cell=r.cell.name),
                    )
                )
                return
            same = Assignment.objects.filter(
                membership=r.membership, cell=r.cell, committee=committee, valid_from=r.start
            ).first()
            if same is not None:  # the same file again, or the end recorded since
                if same.valid_to == r.end:
                    result.unchanged += 1
                elif same.valid_to is None and r.end is not None:
                    try:
                        assignment_end(actor=actor, assignment=same, on=r.end)
                    except ServiceError as exc:
                        result.errors.append(RowError(r.line, h["valid_to"], exc.message))
                        return
                    result.updated += 1
                else:
                    result.errors.append(
                        RowError(r.line, h["valid_to"], _("phân công này đã ghi ngày kết thúc khác"))
                    )
                return
            problem = assignment_problem(
                committee=committee, membership=r.membership, cell=r.cell, valid_from=r.start, valid_to=r.end
            )
            if problem is not None:
                column = {"valid_to": "valid_to", "membership": "card"}.get(problem.field or "", "cell")
                result.errors.append(RowError(r.line, h[column], problem.message))
                return
            assignment_create(
                actor=actor,
                committee=committee,
                membership=r.membership,
                cell=r.cell,
                valid_from=r.start,
                valid_to=r.end,
                audit=False,
            )
            result.created += 1
            if len(result.samples) < 20:
                result.samples.append(
                    _("{name} phụ trách {cell} từ {on:%d/%m/%Y}").format(
                        name=r.membership.person.full_name, cell=r.cell.name, on=r.start
                    )
                )

        run_rows(sheet, result, parse=parse, match=match, write=write)
        result.errors.sort(key=lambda e: e.row)

    return run_import(
        kind="assignments", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body
    )


# -- headcounts of the pool survey -----------------------------------------------------

HEADCOUNT_COLUMNS = [
    Column("org", "Mã tổ chức", required=True),
    Column("on", "Ngày khảo sát", required=True),
    Column("kind", "Đối tượng", required=True),
    Column("covered", "Số người", required=True),
    Column("note", "Ghi chú"),
]
COVERED_WORDS = {fold(str(label)): value for value, label in Covered.choices}
COVERED_WORDS.update(
    {
        "can bo": Covered.EMPLOYEES,
        "cong chuc": Covered.EMPLOYEES,
        "nguoi lao dong": Covered.EMPLOYEES,
        "nhan khau": Covered.RESIDENTS,
        "dan cu": Covered.RESIDENTS,
        "ho": Covered.HOUSEHOLDS,
        "ho gia dinh": Covered.HOUSEHOLDS,
        "doan vien": Covered.UNION_MEMBERS,
        "hoi vien": Covered.UNION_MEMBERS,
    }
)


@dataclass
class _Count:
    line: int
    code: str
    on: dt.date | None
    kind: str | None
    covered: int | None
    note: str
    org: Organization | None = None
    before: int | None = None  # the count already recorded for this unit, day and group


def import_headcounts(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """The survey's counts, one row per unit, day and group; a later file with the same
    unit, day and group corrects the count (the service keeps the audit of both)."""
    scope = scope_for(actor)

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, HEADCOUNT_COLUMNS, progress)
        h = sheet.header_of

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Count:
            on = date_cell(v, "on", h, line, errors, required=True)
            kind_text = cell_text(v.get("kind"))
            kind = COVERED_WORDS.get(fold(kind_text))
            if kind is None:
                errors.append(
                    RowError(
                        line,
                        h["kind"],
                        _(
                            "“{text}” không hợp lệ: cán bộ, công chức; nhân khẩu; hộ gia đình; đoàn viên, "
                            "hội viên"
                        ).format(text=kind_text[:40]),
                    )
                )
            raw = cell_text(v.get("covered")).replace(".", "").replace(",", "")
            covered = int(raw) if raw.isdigit() else None
            if covered is None:
                errors.append(
                    RowError(
                        line,
                        h["covered"],
                        _("“{raw}” không phải một số nguyên không âm").format(raw=raw[:20]),
                    )
                )
            return _Count(line, cell_text(v.get("org")), on, kind, covered, cell_text(v.get("note")))

        def match(batch: list[_Count]) -> None:
            orgs = find_by(Organization.objects.all(), "code", [r.code for r in batch])
            for r in batch:
                found = orgs.get(r.code, [])
                r.org = found[0] if found and scope.can_manage(found[0]) else None
                if r.org is None:
                    result.errors.append(
                        RowError(
                            r.line,
                            h["org"],
                            _("không có tổ chức mã “{code}” trong phạm vi của bạn").format(code=r.code[:30]),
                        )
                    )
            # The counts already recorded for the batch's units: one query, not one per row.
            recorded = {
                (org_id, on, kind): covered
                for org_id, on, kind, covered in Headcount.objects.filter(
                    organization_id__in={r.org.pk for r in batch if r.org is not None}
                ).values_list("organization_id", "on", "kind", "covered")
            }
            for r in batch:
                if r.org is not None and r.on is not None and r.kind is not None:
                    r.before = recorded.get((r.org.pk, r.on, r.kind))

        def write(batch: list[_Count]) -> None:
            for r in batch:
                if r.org is None or r.on is None or r.kind is None or r.covered is None:
                    continue
                key = (r.org.pk, r.on, r.kind)
                # A later row for the same unit, day and kind corrects an earlier one of the file.
                before = written.get(key, r.before)
                if before is not None and before == r.covered:
                    result.unchanged += 1
                    continue
                try:
                    headcount_record(
                        actor=actor,
                        organization=r.org,
                        on=r.on,
                        kind=r.kind,
                        covered=r.covered,
                        note=r.note,
                        audit=False,
                    )
                except ServiceError as exc:
                    result.errors.append(RowError(r.line, h["on"], exc.message))
                    continue
                written[key] = r.covered
                if before is None:
                    result.created += 1
                else:
                    result.updated += 1

        written: dict[tuple[int, dt.date, str], int] = {}
        run_rows(sheet, result, parse=parse, match=match, write=write)
        result.errors.sort(key=lambda e: e.row)

    return run_import(
        kind="headcounts", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body
    )
