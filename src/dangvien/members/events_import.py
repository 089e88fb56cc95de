"""`dangvien import events FILE`: the past events of members already in the registry
(exemptions and their end, transfers out, removals, deaths…), from the paper records, so
that any count "as of" a past day is right (a cell meeting's denominator in May needs the
exemptions that began in March).

Each member's events are applied in date order through the registry's own rule
(`member_record_event`: the same transitions, the same checks as the form); all or
nothing, with every error as `Dòng N, cột "X": reason`, through the one import pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import EventKind, Membership
from dangvien.members.services import member_record_event
from dangvien.orgs.scope import scope_for
from dangvien.pipeline.frame import run_import
from dangvien.pipeline.matching import find_by
from dangvien.pipeline.rows import run_rows

COLUMNS = [
    Column("card", "Số thẻ đảng viên"),
    Column("cccd", "Số CCCD"),
    Column("kind", "Sự kiện", required=True),
    Column("on", "Ngày", required=True),
    Column("decision_ref", "Số quyết định"),
    Column("note", "Ghi chú"),
]
HEADERS = [c.header for c in COLUMNS]
# The events a file may carry. Admission and recognition come with the member's row (or the
# recognition dossier); a move to another cell is the members file's "Mã chi bộ".
EVENT_WORDS = {
    fold(str(EventKind(k).label)): EventKind(k)
    for k in (
        EventKind.EXEMPTED,
        EventKind.TEMP_EXEMPTED,
        EventKind.EXEMPTION_ENDED,
        EventKind.TRANSFERRED_OUT,
        EventKind.REMOVED,
        EventKind.EXPELLED,
        EventKind.LEFT,
        EventKind.DIED,
        EventKind.MADE_OFFICIAL,
    )
}
EVENT_WORDS.update(
    {
        "mien": EventKind.EXEMPTED,
        "mien cong tac va sinh hoat dang": EventKind.EXEMPTED,
        "tam mien": EventKind.TEMP_EXEMPTED,
        "het mien sinh hoat": EventKind.EXEMPTION_ENDED,
        "het tam mien": EventKind.EXEMPTION_ENDED,
        "chuyen di": EventKind.TRANSFERRED_OUT,
        "chuyen sinh hoat di": EventKind.TRANSFERRED_OUT,
        "chinh thuc": EventKind.MADE_OFFICIAL,
    }
)


@dataclass
class _Row:
    line: int
    card: str
    cccd: str
    kind: EventKind | None  # None: the row has errors (matched, never applied)
    on: dt.date | None
    decision_ref: str
    note: str
    membership: Membership | None = None


def import_events(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Through the pipeline (pipeline/rows.py): rows parsed, each batch's members found by
    card and by CCCD in two queries, then every member's events applied in date order."""
    scope = scope_for(actor)

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        pending: list[_Row] = []

        def parse(line: int, v: dict[str, Any], errors: list[RowError]) -> _Row | None:
            card, cccd = cell_text(v.get("card")), cell_text(v.get("cccd")).replace(" ", "")
            if not card and not cccd:
                errors.append(RowError(line, h["card"], WHO))
            text = cell_text(v.get("kind"))
            kind = EVENT_WORDS.get(fold(text))
            if kind is None:
                errors.append(
                    RowError(
                        line,
                        h["kind"],
                        _(
                            "“{text}” không hợp lệ: miễn sinh hoạt, tạm miễn sinh hoạt, trở lại sinh hoạt, "
                            "chuyển sinh hoạt đi, xóa tên, khai trừ, ra khỏi Đảng, từ trần, công nhận chính "
                            "thức"
                        ).format(text=text[:40]),
                    )
                )
            on = date_cell(v, "on", h, line, errors, required=True)
            ref, note = cell_text(v.get("decision_ref"))[:100], cell_text(v.get("note"))[:300]
            return _Row(line, card, cccd, kind, on, ref, note)

        def match(batch: list[_Row]) -> None:
            members = Membership.objects.select_related("cell")
            by_card = find_by(members, "card_number", [r.card for r in batch if r.card])
            by_cccd = find_by(members, "person__cccd", [r.cccd for r in batch if r.cccd and not r.card])
            for r in batch:
                if not r.card and not r.cccd:
                    continue  # already said by parse
                found = by_card.get(r.card, []) if r.card else by_cccd.get(r.cccd, [])
                # By CCCD: the active membership first, else the latest (a readmitted person).
                found = sorted(found, key=lambda m: (not m.is_active, -m.admission_date.toordinal()))
                m = found[0] if found else None
                if m is None or not scope.can_write(m.cell):
                    result.errors.append(RowError(r.line, h["card"] if r.card else h["cccd"], WHO))
                else:
                    r.membership = m

        def gather(batch: list[_Row]) -> None:
            pending.extend(r for r in batch if r.membership is not None)

        def apply_in_date_order() -> None:
            if result.errors:
                return
            # Date order, then file order: a member's events in the order they happened.
            for r in sorted(pending, key=lambda r: (r.membership.pk if r.membership else 0, r.on, r.line)):
                m = r.membership
                assert m is not None and r.kind is not None and r.on is not None
                try:
                    member_record_event(
                        actor=actor,
                        membership=m,
                        kind=r.kind,
                        on=r.on,
                        decision_ref=r.decision_ref,
                        note=r.note or "Theo tệp nhập",
                    )
                except ServiceError as exc:
                    column = {"on": h["on"], "decision_ref": h["decision_ref"]}.get(
                        exc.field or "", h["kind"]
                    )
                    result.errors.append(RowError(r.line, column, exc.message[0].lower() + exc.message[1:]))
                    continue
                result.created += 1
                if len(result.samples) < 20:
                    result.samples.append(
                        _("{label} ngày {on:%d/%m/%Y}: số thẻ {value}").format(
                            label=EventKind(r.kind).label, on=r.on, value=m.card_number or "—"
                        )
                    )

        run_rows(sheet, result, parse=parse, match=match, write=gather, finish=apply_in_date_order)
        result.errors.sort(key=lambda e: e.row)

    return run_import(kind="events", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)


WHO = _("cần số thẻ đảng viên hoặc số CCCD của một đảng viên trong phạm vi của bạn")
