"""Import of the member registry (DESIGN.md `members` columns), in batches: each batch
is validated, matched against the registry in a few queries, then written in bulk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.accounts.models import User
from dangvien.core.bulk import analyze_on_commit
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.jobs.tasks import analyze_later
from dangvien.members import services
from dangvien.members.lifecycle import STATUS_FROM_IMPORT, check_dates
from dangvien.members.models import EventKind, MemberEvent, Membership, MembershipPeriod, Status
from dangvien.members.tally import tally_deferred
from dangvien.orgs.importing import cell_from_code, writable_cells
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, scope_for
from dangvien.people.models import Person, Sex
from dangvien.people.ownership import OTHER_SCOPE, persons_out_of_reach
from dangvien.people.services import PersonData, person_save_changes, validate_person
from dangvien.pipeline import vocabulary
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by, find_by_name_and_birth
from dangvien.pipeline.rows import run_rows

COLUMNS = [
    Column("full_name", "Họ và tên", required=True),
    Column("birth_date", "Ngày sinh", required=True),
    Column("sex", "Giới tính", required=True),
    Column("cccd", "Số CCCD"),
    Column("card_number", "Số thẻ đảng viên"),
    Column("cell", "Mã chi bộ", required=True),
    Column("admission_date", "Ngày vào Đảng", required=True),
    Column("official_date", "Ngày chính thức"),
    Column("status", "Trạng thái"),
    Column("ethnicity", "Dân tộc"),
    Column("religion", "Tôn giáo"),
    Column("education", "Trình độ học vấn"),
    Column("profession", "Nghề nghiệp"),
    Column("residence_detail", "Nơi cư trú"),
    # The day the status in "Trạng thái" began (miễn / tạm miễn sinh hoạt); empty: the import's day.
    Column("status_since", "Ngày miễn sinh hoạt"),
]
HEADERS = [c.header for c in COLUMNS]
SEX_WORDS = vocabulary.SEXES
OTHER_CARD = gettext_lazy("Số thẻ đảng viên này không dùng được; liên hệ cấp ủy cấp trên")
_PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "education",
    "profession",
    "residence_detail",
)
BATCH = 2000


@dataclass
class _Row:
    line: int
    person: PersonData
    card: str | None
    cell_id: int
    admission_date: dt.date
    official_date: dt.date | None
    status: str | None
    status_since: dt.date | None = None


def _status_of(m: Membership) -> str | None:
    return m.status if m.status in (Status.EXEMPT, Status.TEMP_EXEMPT) else None


def import_members(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    scope = scope_for(actor)
    cells = writable_cells(scope)
    today = timezone.localdate()
    writable_ids = {pk for pk, _kind in cells.values()}

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        seen_cards: dict[str, int] = {}
        seen_cccd: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        matched: list[_Matches] = []

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            row = _parse(line, v, h, cells, today, result)
            if row is None:
                return None
            if row.card:
                if row.card in seen_cards:
                    errors.append(
                        RowError(
                            line,
                            h["card_number"],
                            _("số thẻ {card} trùng với dòng {line}").format(
                                card=row.card, line=seen_cards[row.card]
                            ),
                        )
                    )
                seen_cards.setdefault(row.card, line)
            if row.person.cccd:
                if row.person.cccd in seen_cccd:
                    errors.append(
                        RowError(
                            line,
                            h["cccd"],
                            _("số CCCD trùng với dòng {line}").format(line=seen_cccd[row.person.cccd]),
                        )
                    )
                seen_cccd.setdefault(row.person.cccd, line)
            if not row.card and not row.person.cccd:
                # Without a card or CCCD a human is known by name and birth date: the same
                # twice in one file is a duplicate, not two members (issue 18).
                who = f"{fold(row.person.full_name)}|{row.person.birth_date}"
                if who in seen_names:
                    errors.append(
                        RowError(
                            line,
                            h["full_name"],
                            _("trùng họ tên và ngày sinh với dòng {line}").format(line=seen_names[who]),
                        )
                    )
                seen_names.setdefault(who, line)
            return row

        def match(batch: list[_Row]) -> None:
            matched[:] = [_match(batch, scope, writable_ids)]

        def write(batch: list[_Row]) -> None:
            _write(batch, matched[0], actor, writable_ids, result, h)

        with tally_deferred():  # the counts are read by no row's check
            run_rows(sheet, result, parse=parse, match=match, write=write, batch=BATCH)
        result.errors.sort(key=lambda e: e.row)
        # A rollback (errors, dry run) drops it. A first load is analyzed before the import
        # returns; a later one, where autovacuum is off, by a queued job (core/bulk.py).
        analyze_on_commit(
            [Person, Membership, MemberEvent, MembershipPeriod], added=result.created, later=analyze_later
        )

    return run_import(kind="members", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)


def _parse(
    line: int,
    v: dict[str, Any],
    h: dict[str, str],
    cells: dict[str, tuple[int, str]],
    today: dt.date,
    result: ImportResult,
) -> _Row | None:
    errors: list[RowError] = []
    birth = date_cell(v, "birth_date", h, line, errors, required=True)
    admission = date_cell(v, "admission_date", h, line, errors, required=True)
    official = date_cell(v, "official_date", h, line, errors)
    status_since = date_cell(v, "status_since", h, line, errors) if "status_since" in v else None
    sex_text = cell_text(v.get("sex"))
    sex = SEX_WORDS.get(fold(sex_text))
    if sex is None:
        errors.append(
            RowError(
                line,
                h["sex"],
                _("“{sex_text}” không hợp lệ: {hint}").format(sex_text=sex_text, hint=vocabulary.SEX_HINT),
            )
        )
    cell_id = cell_from_code(cell_text(v.get("cell")), cells, h["cell"], line, errors)
    status_text = cell_text(v.get("status"))
    status_key = fold(status_text)
    if status_key not in STATUS_FROM_IMPORT:
        errors.append(
            RowError(
                line,
                h["status"],
                _(
                    "“{status_text}” không hợp lệ: để trống, hoặc ghi đang sinh hoạt, miễn sinh hoạt, tạm "
                    "miễn sinh hoạt"
                ).format(status_text=status_text),
            )
        )
    status = STATUS_FROM_IMPORT.get(status_key)
    card = cell_text(v.get("card_number")) or None
    if card is not None and (len(card) > 20 or not card.replace("-", "").isalnum()):
        errors.append(RowError(line, h["card_number"], _("số thẻ chỉ gồm chữ số (tối đa 20 ký tự)")))
    person = PersonData(
        full_name=cell_text(v.get("full_name")),
        birth_date=birth or dt.date(2000, 1, 1),
        sex=sex or Sex.MALE,
        cccd=cell_text(v.get("cccd")),
        ethnicity=cell_text(v.get("ethnicity"))[:50],
        religion=cell_text(v.get("religion"))[:50],
        education=cell_text(v.get("education"))[:50],
        profession=cell_text(v.get("profession"))[:100],
        residence_detail=cell_text(v.get("residence_detail"))[:255],
    )
    for key, message in validate_person(person, today=today).items():
        if key == "cccd" and (birth is None or sex is None):
            continue  # judged again once the date and sex are right
        if key in h:
            errors.append(RowError(line, h[key], message))
    if birth and admission:
        problem = check_dates(birth_date=birth, admission_date=admission, official_date=official, today=today)
        if problem is not None:
            assert problem.field is not None
            errors.append(RowError(line, h[problem.field], problem.message[0].lower() + problem.message[1:]))
    if status == Status.EXEMPT and official is None and not errors:
        errors.append(
            RowError(
                line, h["status"], _("đảng viên dự bị (chưa có ngày chính thức) không thể miễn sinh hoạt")
            )
        )
    if status_since is not None and not errors:
        if status is None:
            errors.append(
                RowError(
                    line, h["status_since"], _("chỉ ghi ngày khi đảng viên miễn hoặc tạm miễn sinh hoạt")
                )
            )
        elif status_since > today:
            errors.append(RowError(line, h["status_since"], _("ngày không được sau hôm nay")))
        elif status_since < (official or admission or status_since):
            errors.append(
                RowError(
                    line,
                    h["status_since"],
                    _("ngày miễn sinh hoạt phải từ ngày vào Đảng (chính thức) trở đi"),
                )
            )
    if errors:
        result.errors.extend(errors)
        return None
    assert cell_id is not None and admission is not None
    return _Row(line, person, card, cell_id, admission, official, status, status_since)


@dataclass
class _Matches:
    """What a batch's rows name, found in five queries whatever the batch's size."""

    by_card: dict[str | None, Membership]
    persons_by_cccd: dict[str | None, Person]
    active_by_person: dict[int, Membership]
    by_name: dict[tuple[str, dt.date], list[Membership]]
    out_of_reach: set[int]


def _match(batch: list[_Row], scope: Scope, writable_ids: set[int]) -> _Matches:
    # In lists of 500 (find_by): with one list of a whole batch's 2,000 cards PostgreSQL
    # read the whole membership table of a province instead of its unique index (34 ms
    # against 5 ms a batch, 07/12/2026).
    by_card: dict[str | None, Membership] = {
        card: rows[0]
        for card, rows in find_by(
            Membership.objects.select_related("person"), "card_number", (r.card for r in batch)
        ).items()
    }
    persons_by_cccd: dict[str | None, Person] = {
        cccd: rows[0]
        for cccd, rows in find_by(Person.objects.all(), "cccd", (r.person.cccd for r in batch)).items()
    }
    active_by_person = {
        m.person_id: m
        for m in Membership.objects.filter(
            is_active=True, person_id__any=[p.pk for p in persons_by_cccd.values()]
        )
    }
    # Matched by name and birth date only among the cells this import may write: a
    # namesake elsewhere is another human as far as this file can tell.
    # (The queryset only when a row needs it: filtering by a province's 3,000 cells costs
    # Django 3,000 value checks a batch even when no query runs.)
    pairs = [
        (fold(r.person.full_name), r.person.birth_date) for r in batch if not r.card and not r.person.cccd
    ]
    by_name = (
        find_by_name_and_birth(
            Membership.objects.select_related("person").filter(is_active=True, cell_id__in=writable_ids),
            pairs,
        )
        if pairs
        else {}
    )
    # A row that names another commune's member or person (by card or CCCD) is refused with
    # one sentence that tells nothing of that record (people.ownership); checked per batch.
    out_of_reach = persons_out_of_reach(
        scope, [p.pk for p in persons_by_cccd.values()] + [m.person_id for m in by_card.values()]
    )
    return _Matches(by_card, persons_by_cccd, active_by_person, by_name, set(out_of_reach))


def _write(
    batch: list[_Row],
    found: _Matches,
    actor: User | None,
    writable_ids: set[int],
    result: ImportResult,
    h: dict[str, str],
) -> None:
    by_card, persons_by_cccd, active_by_person = found.by_card, found.persons_by_cccd, found.active_by_person
    out_of_reach = found.out_of_reach
    new_rows: list[tuple[_Row, Person | None]] = []
    for r in batch:
        m = by_card.get(r.card) if r.card else None
        person = persons_by_cccd.get(r.person.cccd) if r.person.cccd else None
        if m is not None and (m.cell_id not in writable_ids or m.person_id in out_of_reach):
            result.errors.append(RowError(r.line, h["card_number"], str(OTHER_CARD)))
            continue
        if person is not None and person.pk in out_of_reach:
            result.errors.append(RowError(r.line, h["cccd"], str(OTHER_SCOPE)))
            continue
        if m is None and person is not None:
            m = active_by_person.get(person.pk)
            if m is not None and r.card and m.card_number and m.card_number != r.card:
                result.errors.append(
                    RowError(
                        r.line,
                        h["cccd"],
                        _("số CCCD đã thuộc đảng viên có số thẻ {card_number}").format(
                            card_number=m.card_number
                        ),
                    )
                )
                continue
        if m is None and not r.card and not r.person.cccd:
            namesakes = found.by_name.get((fold(r.person.full_name), r.person.birth_date), [])
            m = min(namesakes, key=lambda x: x.pk) if namesakes else None
        if m is None:
            if person is not None and (
                person.birth_date != r.person.birth_date or person.sex != r.person.sex
            ):
                result.errors.append(
                    RowError(r.line, h["cccd"], _("số CCCD đã có ở người khác ngày sinh hoặc giới tính"))
                )
                continue
            new_rows.append((r, person))
            continue
        _update_existing(m, r, actor, result, h)
    if new_rows and not result.errors:
        _create_new(new_rows, actor, result)
    elif new_rows:
        result.created += len(new_rows)  # counted for the report; nothing is written anyway


def _update_existing(
    m: Membership, r: _Row, actor: User | None, result: ImportResult, h: dict[str, str]
) -> None:
    person = m.person
    if r.person.cccd and person.cccd and person.cccd != r.person.cccd:
        result.errors.append(RowError(r.line, h["cccd"], _("khác số CCCD đã lưu của đảng viên này")))
        return
    old: dict[str, Any] = {}
    for key in _PERSON_FIELDS:
        new = getattr(r.person, key)
        if key not in ("full_name", "birth_date", "sex") and new == "":
            continue  # an empty optional cell keeps what is stored
        if getattr(person, key) != new:
            old[key] = [getattr(person, key), new]
    if r.person.cccd and not person.cccd:
        old["cccd"] = [None, r.person.cccd]
    changed = bool(old)
    # The old values are kept, one entry per person changed (the file has its own entry);
    # a counted fact (sex, birth date…) is announced, so the kept figures follow.
    person_save_changes(actor=actor, person=person, changes=old, source="import")
    try:
        if r.card and m.card_number != r.card:
            Membership.objects.filter(pk=m.pk).update(card_number=r.card)
            changed = True
        if m.cell_id != r.cell_id:
            services.member_record_event(
                actor=actor,
                membership=m,
                kind=EventKind.CELL_CHANGED,
                on=timezone.localdate(),
                to_cell=Organization.objects.get(pk=r.cell_id),
                note="Theo tệp nhập",
            )
            m.refresh_from_db()
            changed = True
        if r.official_date and m.official_date is None:
            services.member_record_event(
                actor=actor,
                membership=m,
                kind=EventKind.MADE_OFFICIAL,
                on=r.official_date,
                note="Theo tệp nhập",
            )
            m.refresh_from_db()
            changed = True
        if r.status != _status_of(m):
            kind = {
                Status.EXEMPT: EventKind.EXEMPTED,
                Status.TEMP_EXEMPT: EventKind.TEMP_EXEMPTED,
                None: EventKind.EXEMPTION_ENDED,
            }[r.status]  # type: ignore[index]
            services.member_record_event(
                actor=actor,
                membership=m,
                kind=kind,
                on=r.status_since if r.status is not None and r.status_since else timezone.localdate(),
                note="Theo tệp nhập",
            )
            changed = True
    except ServiceError as exc:
        result.errors.append(RowError(r.line, h["status"], exc.message))
        return
    if changed:
        result.updated += 1
        if len(result.samples) < 20:
            result.samples.append(_("Cập nhật {full_name}").format(full_name=person.full_name))
    else:
        result.unchanged += 1


def _create_new(rows: list[tuple[_Row, Person | None]], actor: User | None, result: ImportResult) -> None:
    services.members_bulk_register(
        actor=actor,
        items=[
            services.NewMember(
                person=p or r.person,
                card_number=r.card,
                cell_id=r.cell_id,
                admission_date=r.admission_date,
                official_date=r.official_date,
                status=r.status,
                status_since=r.status_since,
            )
            for r, p in rows
        ],
        note="Nhập từ tệp",
    )
    result.created += len(rows)
    for r, _member in rows[: max(0, 20 - len(result.samples))]:
        result.samples.append(
            _("Thêm {full_name} (vào Đảng {admission_date:%d/%m/%Y})").format(
                full_name=r.person.full_name, admission_date=r.admission_date
            )
        )
