"""Import of the candidate pool (DESIGN.md `candidates` columns), through the one import
pipeline (pipeline/): all-or-nothing, matched per batch, written by the web form's service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.candidates import services
from dangvien.candidates.models import OPEN_STATES, Candidate, Certificate, ClassKind
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import Membership
from dangvien.orgs.importing import cell_from_code, writable_cells
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.people.ownership import OTHER_SCOPE
from dangvien.people.services import PersonData, validate_person
from dangvien.pipeline import vocabulary
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by, find_by_name_and_birth
from dangvien.pipeline.rows import run_rows

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


@dataclass
class _Row:
    line: int
    person: PersonData
    cell_id: int
    source: str
    listed_on: dt.date | None
    certificate_date: dt.date | None
    mentor: Membership | None
    existing: Candidate | None = None


def import_candidates(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Through the pipeline (pipeline/rows.py): each row parsed and checked, each batch's
    people already in the pool found in two queries (by CCCD, by name and birth date), each
    new candidate added by the same service as the web form."""
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

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            birth = date_cell(v, "birth_date", h, line, errors, required=True)
            listed_on = date_cell(v, "listed_on", h, line, errors)
            cert_date = date_cell(v, "certificate_date", h, line, errors)
            sex_text = cell_text(v.get("sex"))
            sex = vocabulary.SEXES.get(fold(sex_text))
            if sex is None:
                errors.append(
                    RowError(
                        line,
                        h["sex"],
                        _("“{sex_text}” không hợp lệ: {hint}").format(
                            sex_text=sex_text, hint=vocabulary.SEX_HINT
                        ),
                    )
                )
            source_text = cell_text(v.get("source"))
            source = vocabulary.SOURCES.get(fold(source_text))
            if source is None:
                errors.append(
                    RowError(
                        line,
                        h["source"],
                        _("“{source_text}” không hợp lệ: {hint}").format(
                            source_text=source_text, hint=vocabulary.SOURCE_HINT
                        ),
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
                if card not in mentors:  # one query per distinct mentor, most rows share a few
                    mentors[card] = (
                        Membership.objects.filter(card_number=card, is_active=True)
                        .select_related("person")
                        .first()
                    )
                mentor = mentors[card]
                if mentor is None or mentor.cell_id != cell_id:
                    errors.append(
                        RowError(
                            line,
                            h["mentor"],
                            _("không có đảng viên số thẻ {card} ở chi bộ {code}").format(
                                card=card, code=code
                            ),
                        )
                    )
            who = person.cccd or f"{fold(person.full_name)}|{birth}"
            if not errors and who in seen:
                errors.append(
                    RowError(line, h["full_name"], _("trùng với dòng {line}").format(line=seen[who]))
                )
            seen.setdefault(who, line)
            if errors:
                return None
            assert cell_id is not None and source is not None
            return _Row(line, person, cell_id, source, listed_on, cert_date, mentor)

        def match(batch: list[_Row]) -> None:
            """The open candidacies of the batch's people: by CCCD, else by name and birth."""
            pool = Candidate.objects.filter(state__in=OPEN_STATES).select_related("cell", "person")
            by_cccd = find_by(pool, "person__cccd", [r.person.cccd for r in batch])
            by_name = find_by_name_and_birth(
                pool, [(fold(r.person.full_name), r.person.birth_date) for r in batch if not r.person.cccd]
            )
            for r in batch:
                if r.person.cccd:
                    found = by_cccd.get(r.person.cccd, [])
                else:
                    found = by_name.get((fold(r.person.full_name), r.person.birth_date), [])
                r.existing = found[0] if found else None

        def write(batch: list[_Row]) -> None:
            for r in batch:
                _write(r)

        def _write(r: _Row) -> None:
            line, existing = r.line, r.existing
            if existing is not None:
                if existing.cell_id not in writable_ids:  # another commune's: say nothing of it
                    result.errors.append(
                        RowError(line, h["cccd" if r.person.cccd else "full_name"], str(OTHER_SCOPE))
                    )
                elif existing.cell_id != r.cell_id:
                    result.errors.append(
                        RowError(
                            line,
                            h["cell"],
                            _("đã có trong danh sách của {name}").format(name=existing.cell.name),
                        )
                    )
                elif (
                    r.certificate_date is not None
                    and not Certificate.objects.filter(
                        person=existing.person, kind=ClassKind.AWARENESS, issued_on=r.certificate_date
                    ).exists()
                ):
                    services.certificate_record(
                        actor=actor,
                        person=existing.person,
                        kind=ClassKind.AWARENESS,
                        issued_on=r.certificate_date,
                        audit=False,
                    )
                    result.updated += 1
                else:
                    result.unchanged += 1
                return
            if r.cell_id not in orgs:
                orgs[r.cell_id] = Organization.objects.get(pk=r.cell_id)
            try:
                c = services.candidate_add(
                    actor=actor,
                    person=r.person,
                    cell=orgs[r.cell_id],
                    source=r.source,
                    listed_on=r.listed_on,
                    mentor=r.mentor,
                    certificate_date=r.certificate_date,
                    audit=False,
                )
            except ServiceError as exc:
                column = {"listed_on": h.get("listed_on"), "issued_on": h.get("certificate_date")}.get(
                    exc.field or "", h.get(exc.field or "", h["full_name"])
                )
                result.errors.append(RowError(line, column or h["full_name"], exc.message))
                return
            result.created += 1
            if len(result.samples) < 20:
                result.samples.append(
                    _("Thêm {full_name} vào danh sách của {name}").format(
                        full_name=c.person.full_name, name=c.cell.name
                    )
                )

        run_rows(sheet, result, parse=parse, match=match, write=write)
        result.errors.sort(key=lambda e: e.row)

    return run_import(
        kind="candidates", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body
    )
