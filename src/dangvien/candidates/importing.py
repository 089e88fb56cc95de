"""Import of the candidate pool (DESIGN.md `candidates` columns). Row by row through the
same service as the web form; all-or-nothing through run_import."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from dangvien.accounts.models import User
from dangvien.candidates import services
from dangvien.candidates.models import OPEN_STATES, Candidate, Certificate, ClassKind, Source
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.importing import SEX_WORDS
from dangvien.members.models import Membership
from dangvien.orgs.importing import cell_from_code, writable_cells
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.people.models import Person
from dangvien.people.ownership import OTHER_SCOPE
from dangvien.people.services import PersonData, validate_person
from dangvien.pipeline.frame import run_import

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
    cells = writable_cells(scope)
    writable_ids = {pk for pk, _kind in cells.values()}
    today = timezone.localdate()

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        seen: dict[str, int] = {}
        orgs: dict[int, Organization] = {}  # loaded once per cell, not once per row
        mentors: dict[str, Membership | None] = {}
        for line, v in sheet:
            result.rows += 1
            errors: list[RowError] = []

            birth = date_cell(v, "birth_date", h, line, errors, required=True)
            listed_on = date_cell(v, "listed_on", h, line, errors)
            cert_date = date_cell(v, "certificate_date", h, line, errors)
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
            cell_id = cell_from_code(code, cells, h["cell"], line, errors)
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
            if card and cell_id is not None:
                if card not in mentors:
                    mentors[card] = (
                        Membership.objects.filter(card_number=card, is_active=True)
                        .select_related("person")
                        .first()
                    )
                mentor = mentors[card]
                if mentor is None or mentor.cell_id != cell_id:
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
            assert cell_id is not None and source is not None
            existing = _existing(person)
            if existing is not None:
                if existing.cell_id not in writable_ids:  # another commune's: say nothing of it
                    result.errors.append(
                        RowError(line, h["cccd" if person.cccd else "full_name"], OTHER_SCOPE)
                    )
                elif existing.cell_id != cell_id:
                    result.errors.append(
                        RowError(line, h["cell"], f"đã có trong danh sách của {existing.cell.name}")
                    )
                elif (
                    cert_date is not None
                    and not Certificate.objects.filter(
                        person=existing.person, kind=ClassKind.AWARENESS, issued_on=cert_date
                    ).exists()
                ):
                    services.certificate_record(
                        actor=actor,
                        person=existing.person,
                        kind=ClassKind.AWARENESS,
                        issued_on=cert_date,
                        audit=False,
                    )
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            if cell_id not in orgs:
                orgs[cell_id] = Organization.objects.get(pk=cell_id)
            try:
                c = services.candidate_add(
                    actor=actor,
                    person=person,
                    cell=orgs[cell_id],
                    source=source,
                    listed_on=listed_on,
                    mentor=mentor,
                    certificate_date=cert_date,
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


def _existing(person: PersonData) -> Candidate | None:
    qs = Candidate.objects.filter(state__in=OPEN_STATES).select_related("cell", "person")
    if person.cccd:
        p = Person.objects.filter(cccd=person.cccd).first()
        return qs.filter(person=p).first() if p else None
    return qs.filter(person__name_search=fold(person.full_name), person__birth_date=person.birth_date).first()
