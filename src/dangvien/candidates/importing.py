"""Import of the candidate pool (DESIGN.md `candidates` columns). Row by row through the
same service as the web form; all-or-nothing through run_import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from dangvien.accounts.models import User
from dangvien.accounts.scope import scope_for
from dangvien.candidates import services
from dangvien.candidates.models import OPEN_STATES, Candidate, ClassKind, Source
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.importing import run_import
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text
from dangvien.core.text import fold
from dangvien.members.importing import SEX_WORDS
from dangvien.members.models import Membership
from dangvien.orgs.models import CELL_KINDS
from dangvien.people.models import Person
from dangvien.people.services import PersonData, validate_person

COLUMNS = [
    Column("full_name", "Họ và tên", required=True),
    Column("birth_date", "Ngày sinh", required=True),
    Column("sex", "Giới tính", required=True),
    Column("cccd", "Số CCCD"),
    Column("cell", "Mã chi bộ", required=True),
    Column("source", "Nguồn"),
    Column("listed_on", "Ngày vào danh sách cảm tình Đảng"),
    Column("mentor", "Đảng viên giúp đỡ"),
    Column("certificate_date", "Ngày cấp giấy chứng nhận"),
]
HEADERS = [c.header for c in COLUMNS]
SOURCE_WORDS = {fold(str(label)): value for value, label in Source.choices}
SOURCE_WORDS.update({"doan": Source.YOUTH_UNION, "doan thanh nien": Source.YOUTH_UNION, "": Source.OTHER})


def import_candidates(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    scope = scope_for(actor)
    cells = {
        code: (pk, kind)
        for code, pk, kind in scope.orgs(write=True)
        .filter(dissolved_on__isnull=True)
        .values_list("code", "pk", "kind")
    }
    today = timezone.localdate()

    def body(result: ImportResult, progress: Progress | None) -> None:
        from dangvien.orgs.models import Organization

        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        seen: dict[str, int] = {}
        for line, v in sheet:
            result.rows += 1
            errors: list[RowError] = []

            birth = _date(v, "birth_date", h, line, errors, required=True)
            listed_on = _date(v, "listed_on", h, line, errors)
            cert_date = _date(v, "certificate_date", h, line, errors)
            sex_text = cell_text(v.get("sex"))
            sex = SEX_WORDS.get(fold(sex_text))
            if sex is None:
                errors.append(RowError(line, h["sex"], f"“{sex_text}” không hợp lệ: ghi Nam hoặc Nữ"))
            source_text = cell_text(v.get("source"))
            source = SOURCE_WORDS.get(fold(source_text))
            if source is None:
                errors.append(
                    RowError(
                        line,
                        h["source"],
                        f"“{source_text}” không hợp lệ: ghi Đoàn Thanh niên, Hội Phụ nữ, Hội Cựu chiến binh, "
                        "Hội Nông dân, Công đoàn hoặc khác",
                    )
                )
            code = cell_text(v.get("cell"))
            cell = cells.get(code)
            if not code:
                errors.append(RowError(line, h["cell"], "chưa có mã chi bộ"))
            elif cell is None:
                errors.append(RowError(line, h["cell"], f"không có chi bộ mã “{code}”"))
            elif cell[1] not in CELL_KINDS:
                errors.append(RowError(line, h["cell"], f"“{code}” không phải chi bộ"))
            person = PersonData(
                full_name=cell_text(v.get("full_name")),
                birth_date=birth or today,
                sex=sex or "male",
                cccd=cell_text(v.get("cccd")),
            )
            for key, message in validate_person(person, today=today).items():
                if key == "cccd" and (birth is None or sex is None):
                    continue
                if key in h:
                    errors.append(RowError(line, h[key], message))
            mentor = None
            card = cell_text(v.get("mentor"))
            if card and cell is not None:
                mentor = (
                    Membership.objects.filter(card_number=card, is_active=True)
                    .select_related("person")
                    .first()
                )
                if mentor is None or mentor.cell_id != cell[0]:
                    errors.append(
                        RowError(line, h["mentor"], f"không có đảng viên số thẻ {card} ở chi bộ {code}")
                    )
            who = person.cccd or f"{fold(person.full_name)}|{birth}"
            if not errors and who in seen:
                errors.append(RowError(line, h["full_name"], f"trùng với dòng {seen[who]}"))
            seen.setdefault(who, line)
            if errors:
                result.errors.extend(errors)
                continue
            assert cell is not None and source is not None
            existing = _existing(person)
            if existing is not None:
                if existing.cell_id != cell[0]:
                    result.errors.append(
                        RowError(line, h["cell"], f"đã có trong danh sách của {existing.cell.name}")
                    )
                    continue
                if cert_date is not None:
                    services.certificate_record(
                        actor=actor,
                        person=existing.person,
                        kind=ClassKind.AWARENESS,
                        issued_on=cert_date,
                        audit=False,
                    )
                result.unchanged += 1
                continue
            try:
                c = services.candidate_add(
                    actor=actor,
                    person=person,
                    cell=Organization.objects.get(pk=cell[0]),
                    source=source,
                    listed_on=listed_on,
                    mentor=mentor,
                    audit=False,
                )
                if cert_date is not None:
                    services.certificate_record(
                        actor=actor,
                        person=c.person,
                        kind=ClassKind.AWARENESS,
                        issued_on=cert_date,
                        audit=False,
                    )
            except ServiceError as exc:
                column = {"listed_on": h.get("listed_on"), "issued_on": h.get("certificate_date")}.get(
                    exc.field or "", h.get(exc.field or "", h["full_name"])
                )
                result.errors.append(RowError(line, column or h["full_name"], exc.message))
                continue
            result.created += 1
            if len(result.samples) < 20:
                result.samples.append(f"Thêm {c.person.full_name} vào danh sách của {c.cell.name}")

    return run_import(
        kind="candidates", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body
    )


def _date(
    v: dict[str, Any],
    key: str,
    h: dict[str, str],
    line: int,
    errors: list[RowError],
    *,
    required: bool = False,
) -> dt.date | None:
    try:
        value = parse_user_date(v.get(key))
    except DateError as exc:
        errors.append(RowError(line, h[key], str(exc)))
        return None
    if value is None and required:
        errors.append(RowError(line, h[key], "chưa có ngày"))
    return value


def _existing(person: PersonData) -> Candidate | None:
    qs = Candidate.objects.filter(state__in=OPEN_STATES).select_related("cell", "person")
    if person.cccd:
        p = Person.objects.filter(cccd=person.cccd).first()
        return qs.filter(person=p).first() if p else None
    return qs.filter(person__name_search=fold(person.full_name), person__birth_date=person.birth_date).first()
