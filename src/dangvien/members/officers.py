"""Office holders: who was the cell's secretary, the committee's members, its secretary and
deputies, its standing committee, on any day. Papers are signed by the holder of the day
("T/M CHI BỘ / BÍ THƯ / Nguyễn Văn A") and 8-KNĐ counts the committee as it stood at the
meeting. Set by the committee's staff (an organization's own officers are the committee
above's business), imported with `dangvien import officers`, kept as history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import clean_name, fold
from dangvien.members.models import SINGLE_OFFICES, Membership, Office, OfficeHolder
from dangvien.orgs.models import Organization, OrgKind
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by
from dangvien.pipeline.rows import run_rows


def _check(
    *,
    organization: Organization,
    office: str,
    membership: Membership | None,
    full_name: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
    exclude_pk: int | None = None,
) -> str:
    """The problem with this appointment, or "" (also used row by row by the import)."""
    if office not in Office.values:
        return _("chức vụ không hợp lệ: Bí thư, Phó Bí thư, Ủy viên Ban Thường vụ hoặc Cấp ủy viên")
    if not full_name:
        return _("chưa có họ và tên (hoặc số thẻ đảng viên)")
    if valid_to is not None and valid_to <= valid_from:
        return _("ngày kết thúc phải sau ngày bắt đầu")
    if membership is not None and not membership.cell.path.startswith(organization.path):
        return _("đồng chí {full_name} không sinh hoạt trong {organization.name}").format(
            full_name=full_name, organization=organization
        )
    overlapping = OfficeHolder.objects.filter(
        organization=organization, valid_from__lt=valid_to or dt.date.max
    )
    overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if office in SINGLE_OFFICES:
        other = overlapping.filter(office=office).first()
        if other is not None:
            return _(
                "trong thời gian này {organization.name} đã có {v1}: {other.full_name} "
                "(từ {other.valid_from:%d/%m/%Y}); hãy ghi ngày kết thúc cho người "
                "trước"
            ).format(organization=organization, v1=other.get_office_display(), other=other)
    same_person = (
        overlapping.filter(membership=membership)
        if membership is not None
        else overlapping.filter(membership__isnull=True, full_name=full_name)
    )
    if same_person.filter(office=office).exists():
        return _("đồng chí {full_name} đã giữ chức vụ này trong thời gian đó").format(full_name=full_name)
    return ""


@transaction.atomic
def officer_appoint(
    *,
    actor: User | None,
    organization: Organization,
    office: str,
    valid_from: dt.date,
    membership: Membership | None = None,
    full_name: str = "",
    valid_to: dt.date | None = None,
    note: str = "",
    audit: bool = True,
) -> OfficeHolder:
    if not scope_for(actor).can_manage(organization):
        raise ScopeDenied
    name = membership.person.full_name if membership is not None else clean_name(full_name)[:120]
    problem = _check(
        organization=organization,
        office=office,
        membership=membership,
        full_name=name,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    if problem:
        raise ServiceError("core.reason", field="office", reason=problem[0].upper() + problem[1:])
    holder = OfficeHolder.objects.create(
        organization=organization,
        office=office,
        membership=membership,
        full_name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip()[:300],
    )
    if audit:
        audit_log(
            actor=actor,
            action="orgs.officer_appoint",
            obj=holder,
            changes={"org": organization.code, "office": office, "from": valid_from, "to": valid_to},
        )
    return holder


@transaction.atomic
def officer_end(*, actor: User | None, holder: OfficeHolder, on: dt.date) -> OfficeHolder:
    h = OfficeHolder.objects.select_for_update().select_related("organization").get(pk=holder.pk)
    if not scope_for(actor).can_manage(h.organization):
        raise ScopeDenied
    if on <= h.valid_from:
        raise ServiceError("members.office_ends_before_start", field="on")
    if h.valid_to is not None and h.valid_to <= on:
        raise ServiceError("members.office_already_ended", h=h, field="on")
    old = h.valid_to
    h.valid_to = on
    h.save(update_fields=["valid_to"])
    audit_log(actor=actor, action="orgs.officer_end", obj=h, changes={"to": [old, on]})
    return h


# -- reads ------------------------------------------------------------------------------


def base_committee_of(cell: Organization) -> Organization | None:
    """The committee above the cell that resolves on its proposals (past a section
    committee); a base cell (chi bộ cơ sở) is its own."""
    if cell.kind == OrgKind.BASE_CELL:
        return cell
    org = cell.parent
    while org is not None and org.kind == OrgKind.SECTION:
        org = org.parent
    return org


def check_committee_size(organization: Organization | None, day: dt.date, members: int) -> None:
    """A committee vote's "total members" agrees with the office holders of that day, when
    they are recorded (the paper's "Tổng số ủy viên" is read from them)."""
    size = committee_size_on(organization, day) if organization is not None else None
    if size is not None and size != members:
        assert organization is not None
        raise ServiceError(
            "members.committee_size_differs",
            day=day,
            organization=organization,
            size=size,
            members=members,
            field="members",
        )


# Offices in the order a committee lists them.
RANK = {office: i for i, office in enumerate(Office.values)}


def holders_on(organization: Organization, day: dt.date) -> list[OfficeHolder]:
    holders = (
        OfficeHolder.objects.filter(organization=organization, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("valid_from", "pk")
    )
    return sorted(holders, key=lambda h: RANK.get(h.office, len(RANK)))


def committee_size_on(organization: Organization, day: dt.date) -> int | None:
    """The committee's members that day (each person once), None when none is recorded."""
    people = {
        (h.membership_id, h.full_name if h.membership_id is None else "")
        for h in holders_on(organization, day)
    }
    return len(people) or None


@dataclass(frozen=True)
class Signer:
    title: str  # "BÍ THƯ" or "PHÓ BÍ THƯ"
    name: str


def signer_on(organization: Organization, day: dt.date | None) -> Signer | None:
    """Who signs for the organization on that day: its secretary, else a deputy."""
    if day is None:
        return None
    holders = holders_on(organization, day)
    for office in (Office.SECRETARY, Office.DEPUTY):
        found = [h for h in holders if h.office == office]
        if found:
            return Signer(str(Office(office).label).upper(), found[0].full_name)
    return None


def officer_history(organization: Organization) -> list[OfficeHolder]:
    holders = OfficeHolder.objects.filter(organization=organization).order_by("-valid_from", "pk")
    # The current holders first, each group in the committee's order of offices.
    return sorted(holders, key=lambda h: (h.valid_to is not None, -h.valid_from.toordinal(), RANK[h.office]))


# -- import -----------------------------------------------------------------------------

COLUMNS = [
    Column("org", "Mã tổ chức", required=True),
    Column("full_name", "Họ và tên"),
    Column("card", "Số thẻ đảng viên"),
    Column("office", "Chức vụ", required=True),
    Column("valid_from", "Từ ngày", required=True),
    Column("valid_to", "Đến ngày"),
]
HEADERS = [c.header for c in COLUMNS]
OFFICE_WORDS = {fold(str(label)): value for value, label in Office.choices}
OFFICE_WORDS.update(
    {
        "bi thu chi bo": Office.SECRETARY,
        "pho bi thu chi bo": Office.DEPUTY,
        "thuong vu": Office.STANDING,
        "uy vien thuong vu": Office.STANDING,
        "uy vien ban thuong vu": Office.STANDING,
        "uy vien": Office.COMMITTEE,
        "chi uy vien": Office.COMMITTEE,
        "dang uy vien": Office.COMMITTEE,
        "cap uy vien": Office.COMMITTEE,
    }
)


@dataclass
class _Row:
    line: int
    code: str
    office: str | None  # None: the row has errors (matched, never written)
    start: dt.date | None
    end: dt.date | None
    card: str
    name: str
    org: Organization | None = None
    membership: Membership | None = None
    same: OfficeHolder | None = None


def import_officers(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Through the pipeline (pipeline/rows.py): rows parsed, each batch's organizations,
    members and already recorded holders found in three queries, then each office
    checked and written in the file's order (a later row may close an earlier one)."""
    scope = scope_for(actor)

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            office_text = cell_text(v.get("office"))
            office = OFFICE_WORDS.get(fold(office_text))
            if office is None:
                errors.append(
                    RowError(
                        line,
                        h["office"],
                        _(
                            "“{v1}” không hợp lệ: Bí thư, Phó Bí thư, Ủy viên Ban Thường vụ, Cấp ủy viên"
                        ).format(v1=office_text[:40]),
                    )
                )
            start = date_cell(v, "valid_from", h, line, errors, required=True)
            end = date_cell(v, "valid_to", h, line, errors)
            card = cell_text(v.get("card"))
            name = clean_name(cell_text(v.get("full_name")))
            if not name and not card:
                errors.append(RowError(line, h["full_name"], _("cần họ và tên hoặc số thẻ đảng viên")))
            return _Row(line, cell_text(v.get("org")), office, start, end, card, name)

        def match(batch: list[_Row]) -> None:
            orgs = find_by(Organization.objects.all(), "code", [r.code for r in batch])
            members = find_by(
                Membership.objects.select_related("person", "cell"), "card_number", [r.card for r in batch]
            )
            for r in batch:
                found = orgs.get(r.code, [])
                r.org = found[0] if found and scope.can_manage(found[0]) else None
                if r.org is None:
                    result.errors.append(
                        RowError(
                            r.line,
                            h["org"],
                            _("không có tổ chức mã “{v1}” trong phạm vi của bạn").format(v1=r.code[:30]),
                        )
                    )
                if r.card:
                    cards = members.get(r.card, [])
                    r.membership = cards[0] if cards else None
                    if r.membership is None or (r.org is not None and not scope.can_read(r.membership.cell)):
                        result.errors.append(
                            RowError(
                                r.line, h["card"], _("không có đảng viên số thẻ {v1}").format(v1=r.card[:20])
                            )
                        )
                        r.membership = None
                        r.org = None
                    else:
                        r.name = r.membership.person.full_name
            held = OfficeHolder.objects.filter(organization_id__in={r.org.pk for r in batch if r.org})
            recorded = {(o.organization_id, o.office, o.valid_from, o.full_name): o for o in held}
            for r in batch:
                if r.org is not None and r.office is not None and r.start is not None:
                    r.same = recorded.get((r.org.pk, r.office, r.start, r.name[:120]))

        def write(batch: list[_Row]) -> None:
            for r in batch:
                if r.org is not None and not (r.card and r.membership is None):
                    _write(r)

        written: dict[tuple[int, str, dt.date, str], OfficeHolder] = {}

        def _write(r: _Row) -> None:
            org, same, line, name = r.org, r.same, r.line, r.name
            assert org is not None and r.office is not None and r.start is not None
            key = (org.pk, r.office, r.start, name[:120])
            same = same or written.get(key)  # the same office twice in one file
            if same is not None:
                if same.valid_to is None and r.end is not None:
                    # The office ended since the last file: through the service (checked, audited).
                    try:
                        officer_end(actor=actor, holder=same, on=r.end)
                    except ServiceError as exc:
                        result.errors.append(RowError(line, h["valid_to"], exc.message))
                        return
                    result.updated += 1
                elif same.valid_to != r.end:  # an end already recorded is corrected on the page
                    assert same.valid_to is not None
                    result.errors.append(
                        RowError(
                            line,
                            h["valid_to"],
                            _("đã ghi đồng chí {name} thôi chức vụ này từ {same.valid_to:%d/%m/%Y}").format(
                                name=name, same=same
                            ),
                        )
                    )
                else:
                    result.unchanged += 1
                return
            problem = _check(
                organization=org,
                office=r.office,
                membership=r.membership,
                full_name=name[:120],
                valid_from=r.start,
                valid_to=r.end,
            )
            if problem:
                result.errors.append(RowError(line, h["office"], problem))
                return
            written[key] = officer_appoint(
                actor=actor,
                organization=org,
                office=r.office,
                valid_from=r.start,
                valid_to=r.end,
                membership=r.membership,
                full_name=name,
                audit=False,
            )
            result.created += 1
            if len(result.samples) < 20:
                result.samples.append(
                    _("{name}: {v1}, {org.name}, từ {r.start:%d/%m/%Y}").format(
                        name=name, v1=Office(r.office).label, org=org, r=r
                    )
                )

        run_rows(sheet, result, parse=parse, match=match, write=write)
        result.errors.sort(key=lambda e: e.row)

    return run_import(kind="officers", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
