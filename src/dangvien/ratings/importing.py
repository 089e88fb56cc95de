"""Import of yearly ratings: a member's row names the member (party card number, else CCCD,
else full name and birth date, as the members import matches), an organization's row
names only its code. All or nothing; the same file twice changes nothing.

Columns: Năm*, Mức xếp loại*, Điểm, Số thẻ đảng viên, Số CCCD, Họ và tên, Ngày sinh,
Mã tổ chức (an organization's rating: the code, and no member columns)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by, find_by_name_and_birth
from dangvien.pipeline.rows import run_rows
from dangvien.ratings.models import Level
from dangvien.ratings.services import Entry, rating_record_org, ratings_record_members

COLUMNS = [
    Column("year", "Năm", required=True),
    Column("level", "Mức xếp loại", required=True),
    Column("score", "Điểm"),
    Column("card_number", "Số thẻ đảng viên"),
    Column("cccd", "Số CCCD"),
    Column("full_name", "Họ và tên"),
    Column("birth_date", "Ngày sinh"),
    Column("org", "Mã tổ chức"),
]

LEVEL_WORDS = {fold(str(label)): value for value, label in Level.choices} | {
    "xuat sac": Level.EXCELLENT,
    "hoan thanh xuat sac": Level.EXCELLENT,
    "tot": Level.GOOD,
    "hoan thanh tot": Level.GOOD,
    "hoan thanh": Level.COMPLETE,
    "khong hoan thanh": Level.INCOMPLETE,
}


@dataclass
class _Row:
    line: int
    year: int
    entry: Entry
    card: str
    cccd: str
    name: str
    birth: dt.date | None
    code: str
    member: Membership | None = None
    org: Organization | None = None


def import_ratings(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Through the pipeline (pipeline/rows.py): each row parsed, each batch's members found
    in at most three queries (by card, by CCCD, by name and birth date) and its
    organizations in one, then one service call per cell and year."""

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        scope = scope_for(actor)
        members: dict[tuple[int, int], list[tuple[int, int, Entry]]] = defaultdict(
            list
        )  # (cell, year) → rows
        orgs: list[tuple[int, Organization, int, Entry]] = []
        seen: dict[tuple[str, int], int] = {}

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            year_text = cell_text(v.get("year"))
            year = int(year_text) if year_text.isdigit() else None
            if year is None:
                errors.append(
                    RowError(
                        line,
                        h["year"],
                        _("“{year_text}” không phải một năm, ví dụ 2025").format(year_text=year_text),
                    )
                )
            level = LEVEL_WORDS.get(fold(cell_text(v.get("level"))))
            if level is None:
                errors.append(
                    RowError(
                        line,
                        h["level"],
                        _(
                            "“{cell_text}” không phải mức xếp loại (hoàn thành xuất sắc, hoàn thành tốt, "
                            "hoàn thành, không hoàn thành nhiệm vụ)"
                        ).format(cell_text=cell_text(v.get("level"))),
                    )
                )
            score_text = cell_text(v.get("score"))
            score = int(score_text) if score_text.isdigit() else None
            if score_text and score is None:
                errors.append(
                    RowError(
                        line,
                        h["score"],
                        _("“{score_text}” không phải điểm từ 0 đến 100").format(score_text=score_text),
                    )
                )
            card, cccd, name = (cell_text(v.get(k)) for k in ("card_number", "cccd", "full_name"))
            birth = date_cell(v, "birth_date", h, line, errors)
            code = cell_text(v.get("org"))
            if not (card or cccd or name or code):
                errors.append(RowError(line, h["card_number"], _("ghi số thẻ đảng viên (hoặc mã tổ chức)")))
            if errors or level is None or year is None:
                return None
            return _Row(line, year, Entry(level, score), card, cccd, name, birth, code)

        def match(batch: list[_Row]) -> None:
            qs = Membership.objects.select_related("person", "cell").filter(scope.org_filter("cell"))
            by_card = find_by(qs, "card_number", [r.card for r in batch if r.card])
            by_cccd = find_by(qs.filter(is_active=True), "person__cccd", [r.cccd for r in batch if r.cccd])
            by_name = find_by_name_and_birth(
                qs.filter(is_active=True),
                [(fold(r.name), r.birth) for r in batch if r.name and r.birth and not (r.card or r.cccd)],
            )
            by_code = find_by(
                Organization.objects.all(),
                "code",
                [r.code for r in batch if not (r.card or r.cccd or r.name)],
            )
            for r in batch:
                errors: list[RowError] = []
                if r.card or r.cccd or r.name:
                    if r.card:
                        found, where = by_card.get(r.card, []), h["card_number"]
                    elif r.cccd:
                        found, where = by_cccd.get(r.cccd, []), h["cccd"]
                    else:
                        found = by_name.get((fold(r.name), r.birth), []) if r.birth else []
                        where = h["full_name"]
                    if len(found) == 1:
                        r.member = found[0]
                    elif not found:
                        errors.append(
                            RowError(r.line, where, _("không tìm thấy đảng viên này trong phạm vi của bạn"))
                        )
                    else:
                        errors.append(
                            RowError(
                                r.line, where, _("có hai đảng viên cùng họ tên và ngày sinh: ghi số thẻ")
                            )
                        )
                else:
                    candidates = by_code.get(r.code, [])
                    org = candidates[0] if candidates else None
                    if org is None or not scope.can_read(org):
                        errors.append(
                            RowError(r.line, h["org"], _("không có tổ chức mã “{code}”").format(code=r.code))
                        )
                    else:
                        r.org = org
                key = (f"m{r.member.pk}" if r.member else f"o{r.org.pk}" if r.org else "", r.year)
                if key[0] and key in seen:
                    errors.append(
                        RowError(r.line, h["year"], _("trùng với dòng {line}").format(line=seen[key]))
                    )
                if errors:
                    result.errors.extend(errors)
                    r.member = r.org = None
                    continue
                seen[key] = r.line

        def gather(batch: list[_Row]) -> None:
            """The writes need the whole file (one call per cell and year): gathered here."""
            for r in batch:
                if r.member is not None:
                    members[(r.member.cell_id, r.year)].append((r.line, r.member.pk, r.entry))
                elif r.org is not None:
                    orgs.append((r.line, r.org, r.year, r.entry))

        run_rows(sheet, result, parse=parse, match=match, write=gather)
        if result.errors:
            return
        cells = Organization.objects.in_bulk([cell for cell, _ in members])
        for (cell_id, year), rows in members.items():
            try:
                changed = ratings_record_members(
                    actor=actor, cell=cells[cell_id], year=year, entries={pk: e for _, pk, e in rows}
                )
            except ScopeDenied:
                result.errors.append(
                    RowError(rows[0][0], h["card_number"], _("bạn không được xếp loại chi bộ này"))
                )
                continue
            except ServiceError as exc:
                result.errors.append(RowError(rows[0][0], h["level"], exc.message))
                continue
            result.created += changed
            result.unchanged += len(rows) - changed
        for line, org, year, entry in orgs:
            try:
                if rating_record_org(actor=actor, org=org, year=year, entry=entry) is None:
                    result.unchanged += 1
                    continue
            except ScopeDenied:
                result.errors.append(
                    RowError(line, h["org"], _("bạn không được xếp loại “{code}”").format(code=org.code))
                )
                continue
            except ServiceError as exc:
                result.errors.append(RowError(line, h["level"], exc.message))
                continue
            result.created += 1
        result.errors.sort(key=lambda e: e.row)

    return run_import(kind="ratings", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
