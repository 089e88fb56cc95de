"""Import of yearly ratings: a member's row names the member (party card number, else CCCD,
else full name and birth date, as the members import matches), an organization's row
names only its code. All or nothing; the same file twice changes nothing.

Columns: Năm*, Mức xếp loại*, Điểm, Số thẻ đảng viên, Số CCCD, Họ và tên, Ngày sinh,
Mã tổ chức (an organization's rating: the code, and no member columns)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.pipeline.frame import run_import
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


def import_ratings(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        scope = scope_for(actor)
        members: dict[tuple[int, int], list[tuple[int, int, Entry]]] = defaultdict(
            list
        )  # (cell, year) → rows
        orgs: list[tuple[int, Organization, int, Entry]] = []
        seen: dict[tuple[str, int], int] = {}
        for line, v in sheet:
            result.rows += 1
            errors: list[RowError] = []
            year_text = cell_text(v.get("year"))
            year = int(year_text) if year_text.isdigit() else None
            if year is None:
                errors.append(RowError(line, h["year"], f"“{year_text}” không phải một năm, ví dụ 2025"))
            level = LEVEL_WORDS.get(fold(cell_text(v.get("level"))))
            if level is None:
                errors.append(
                    RowError(
                        line,
                        h["level"],
                        f"“{cell_text(v.get('level'))}” không phải mức xếp loại (hoàn thành xuất sắc, "
                        "hoàn thành tốt, hoàn thành, không hoàn thành nhiệm vụ)",
                    )
                )
            score_text = cell_text(v.get("score"))
            score = int(score_text) if score_text.isdigit() else None
            if score_text and score is None:
                errors.append(RowError(line, h["score"], f"“{score_text}” không phải điểm từ 0 đến 100"))
            card, cccd, name = (cell_text(v.get(k)) for k in ("card_number", "cccd", "full_name"))
            birth = date_cell(v, "birth_date", h, line, errors)
            code = cell_text(v.get("org"))
            member: Membership | None = None
            org: Organization | None = None
            if card or cccd or name:
                qs = Membership.objects.select_related("person", "cell").filter(scope.org_filter("cell"))
                if card:
                    found = list(qs.filter(card_number=card)[:2])
                    where = h["card_number"]
                elif cccd:
                    found = list(qs.filter(person__cccd=cccd, is_active=True)[:2])
                    where = h["cccd"]
                else:
                    found = (
                        list(
                            qs.filter(
                                person__name_search=fold(name), person__birth_date=birth, is_active=True
                            )[:2]
                        )
                        if birth
                        else []
                    )
                    where = h["full_name"]
                if len(found) == 1:
                    member = found[0]
                elif not found:
                    errors.append(RowError(line, where, "không tìm thấy đảng viên này trong phạm vi của bạn"))
                else:
                    errors.append(
                        RowError(line, where, "có hai đảng viên cùng họ tên và ngày sinh: ghi số thẻ")
                    )
            elif code:
                org = Organization.objects.filter(code=code).first()
                if org is None or not scope.can_read(org):
                    errors.append(RowError(line, h["org"], f"không có tổ chức mã “{code}”"))
                    org = None
            else:
                errors.append(RowError(line, h["card_number"], "ghi số thẻ đảng viên (hoặc mã tổ chức)"))
            key = (f"m{member.pk}" if member else f"o{org.pk}" if org else "", year or 0)
            if key[0] and key in seen:
                errors.append(RowError(line, h["year"], f"trùng với dòng {seen[key]}"))
            if errors or level is None or year is None:
                result.errors.extend(errors)
                continue
            seen[key] = line
            entry = Entry(level, score)
            if member is not None:
                members[(member.cell_id, year)].append((line, member.pk, entry))
            elif org is not None:
                orgs.append((line, org, year, entry))
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
                    RowError(rows[0][0], h["card_number"], "bạn không được xếp loại chi bộ này")
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
                result.errors.append(RowError(line, h["org"], f"bạn không được xếp loại “{org.code}”"))
                continue
            except ServiceError as exc:
                result.errors.append(RowError(line, h["level"], exc.message))
                continue
            result.created += 1
        result.errors.sort(key=lambda e: e.row)

    return run_import(kind="ratings", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
