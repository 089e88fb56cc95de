"""Import of the organization tree (DESIGN.md `orgs` columns)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.events import announced_once
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text
from dangvien.core.text import fold
from dangvien.orgs import reorganize, services
from dangvien.orgs.events import TreeChanged
from dangvien.orgs.models import CELL_KINDS, Organization, OrgKind, Sector
from dangvien.orgs.scope import Scope, scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.rows import run_rows

COLUMNS = [
    Column("code", "Mã tổ chức", required=True),
    Column("name", "Tên tổ chức", required=True),
    Column("parent", "Mã cấp trên"),
    Column("kind", "Loại tổ chức", required=True),
    Column("sector", "Loại hình"),
    Column("founded_on", "Ngày thành lập"),
]

KIND_WORDS = {fold(str(label)): value for value, label in OrgKind.choices}
KIND_WORDS.update(
    {
        "dang bo xa": OrgKind.UPPER_BASE,
        "dang bo phuong": OrgKind.UPPER_BASE,
        "dang bo thanh pho": OrgKind.PROVINCE,
        "chi bo truc thuoc": OrgKind.CELL,
    }
)
SECTOR_WORDS = {fold(str(label)): value for value, label in Sector.choices}


@dataclass
class _Row:
    line: int
    code: str
    name: str
    parent: str
    kind: str
    sector: str
    founded_on: dt.date | None


def import_orgs(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        rows: dict[str, _Row] = {}
        seen: dict[str, int] = {}  # code → its line, for duplicates within the file

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            code = cell_text(v.get("code"))
            name = " ".join(cell_text(v.get("name")).split())
            kind = KIND_WORDS.get(fold(cell_text(v.get("kind"))))
            sector_text = cell_text(v.get("sector"))
            sector = SECTOR_WORDS.get(fold(sector_text), "") if sector_text else ""
            if not code:
                errors.append(RowError(line, h["code"], _("chưa có mã tổ chức")))
            elif code in seen:
                errors.append(
                    RowError(
                        line,
                        h["code"],
                        _("mã “{code}” trùng với dòng {line}").format(code=code, line=seen[code]),
                    )
                )
            if not name:
                errors.append(RowError(line, h["name"], _("chưa có tên tổ chức")))
            if kind is None:
                errors.append(
                    RowError(
                        line,
                        h["kind"],
                        _(
                            "“{cell_text}” không phải loại tổ chức (đảng bộ tỉnh, đảng bộ cấp trên cơ sở, "
                            "đảng bộ cơ sở, chi bộ cơ sở, đảng bộ bộ phận, chi bộ)"
                        ).format(cell_text=cell_text(v.get("kind"))),
                    )
                )
            if sector_text and not sector:
                errors.append(
                    RowError(
                        line,
                        h["sector"],
                        _(
                            "“{sector_text}” không phải loại hình (khu dân cư, trường học, cơ quan, doanh "
                            "nghiệp, công an, quân sự, y tế, khác)"
                        ).format(sector_text=sector_text),
                    )
                )
            founded = None
            try:
                founded = parse_user_date(v.get("founded_on"))
                if founded and founded > timezone.localdate():
                    errors.append(RowError(line, h["founded_on"], _("ngày thành lập sau hôm nay")))
            except DateError as exc:
                errors.append(RowError(line, h["founded_on"], str(exc)))
            if errors:
                return None
            seen[code] = line
            return _Row(line, code, name, cell_text(v.get("parent")), kind or "", sector, founded)

        def gather(batch: list[_Row]) -> None:
            rows.update((r.code, r) for r in batch)

        # A tree refers to itself (a parent may come after its children in the file): its
        # rows are matched and written once the whole file is read, by _apply.
        run_rows(
            sheet, result, parse=parse, match=lambda batch: None, write=gather,
            finish=lambda: _apply(rows, actor, result, h),
        )  # fmt: skip

    return run_import(kind="orgs", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)


def _apply(rows: dict[str, _Row], actor: User | None, result: ImportResult, h: dict[str, str]) -> None:
    scope = scope_for(actor)
    existing = {o.code: o for o in Organization.objects.filter(code__in=list(rows))}
    parent_codes = {r.parent for r in rows.values() if r.parent and r.parent not in rows}
    known_parents = {o.code: o for o in scope.orgs(write=True).filter(code__in=parent_codes)}
    # Order new rows so that every parent comes before its children; what remains is a cycle.
    done: set[str] = set()
    ordered: list[_Row] = []
    pending = dict(rows)
    while pending:
        progressed = False
        for code, r in list(pending.items()):
            if not r.parent or r.parent not in rows or r.parent in done:
                ordered.append(r)
                done.add(code)
                del pending[code]
                progressed = True
        if not progressed:
            for r in pending.values():
                result.errors.append(
                    RowError(
                        r.line, h["parent"], _("vòng lặp: “{code}” nằm dưới chính nó").format(code=r.code)
                    )
                )
            break
    created: dict[str, Organization] = {}
    # One new tree token for the whole file, not one per organization (core/events.py).
    with announced_once(TreeChanged):
        _write(ordered, rows, created, existing, known_parents, actor, result, h)


def _write(
    ordered: list[_Row],
    rows: dict[str, _Row],
    created: dict[str, Organization],
    existing: dict[str, Organization],
    known_parents: dict[str, Organization],
    actor: User | None,
    result: ImportResult,
    h: dict[str, str],
) -> None:
    for r in ordered:
        parent: Organization | None = None
        if r.parent:
            parent = created.get(r.parent) or existing.get(r.parent) or known_parents.get(r.parent)
            if parent is None:
                if r.parent not in rows:
                    result.errors.append(
                        RowError(
                            r.line, h["parent"], _("không có tổ chức mã “{parent}”").format(parent=r.parent)
                        )
                    )
                continue  # the parent's own row failed: its error is already reported
            if parent.kind in CELL_KINDS:
                result.errors.append(
                    RowError(
                        r.line,
                        h["parent"],
                        _("“{parent}” là chi bộ, không có tổ chức trực thuộc").format(parent=r.parent),
                    )
                )
                continue
        current = existing.get(r.code)
        try:
            if current is None:
                created[r.code] = services.org_create(
                    actor=actor,
                    code=r.code,
                    name=r.name,
                    kind=r.kind,
                    parent=parent,
                    sector=r.sector,
                    founded_on=r.founded_on,
                )
                result.created += 1
                if len(result.samples) < 20:
                    result.samples.append(_("Thêm “{name}” ({code})").format(name=r.name, code=r.code))
                continue
            changed = False
            today = timezone.localdate()
            if (parent.pk if parent else None) != current.parent_id and parent is not None:
                reorganize.org_move(actor=actor, org=current, new_parent=parent, effective_on=today)
                current.refresh_from_db()
                changed = True
            if r.name != current.name:
                services.org_rename(actor=actor, org=current, name=r.name, effective_on=today)
                current.refresh_from_db()
                changed = True
            if (
                r.kind != current.kind
                or r.sector != current.sector
                or (r.founded_on is not None and r.founded_on != current.founded_on)
            ):
                services.org_update(
                    actor=actor, org=current, kind=r.kind, sector=r.sector, founded_on=r.founded_on
                )
                changed = True
            if changed:
                result.updated += 1
                if len(result.samples) < 20:
                    result.samples.append(_("Cập nhật “{name}” ({code})").format(name=r.name, code=r.code))
            else:
                result.unchanged += 1
        except ServiceError as exc:
            column = {
                "name": h["name"],
                "parent": h["parent"],
                "new_parent": h["parent"],
                "kind": h["kind"],
                "code": h["code"],
            }.get(exc.field or "", "")
            result.errors.append(RowError(r.line, column, exc.message))
        except PermissionError:
            result.errors.append(
                RowError(
                    r.line,
                    h["code"],
                    _("không có tổ chức mã “{code}” trong phạm vi của bạn").format(code=r.code),
                )
            )
    result.errors.sort(key=lambda e: e.row)


def writable_cells(scope: Scope) -> dict[str, tuple[int, str]]:
    """Code → (id, kind) of the active organizations an import may write to."""
    return {
        code: (pk, kind)
        for code, pk, kind in scope.orgs(write=True)
        .filter(dissolved_on__isnull=True)
        .values_list("code", "pk", "kind")
    }


def cell_from_code(
    code: str, cells: dict[str, tuple[int, str]], header: str, line: int, errors: list[RowError]
) -> int | None:
    """The id of the cell a "Mã chi bộ" cell names, or None with the reason in `errors`."""
    cell = cells.get(code)
    if not code:
        errors.append(RowError(line, header, _("chưa có mã chi bộ")))
    elif cell is None:
        errors.append(RowError(line, header, _("không có chi bộ mã “{code}”").format(code=code)))
    elif cell[1] not in CELL_KINDS:
        errors.append(RowError(line, header, _("“{code}” không phải chi bộ").format(code=code)))
    else:
        return cell[0]
    return None
