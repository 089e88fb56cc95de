"""`dangvien import events FILE`: the past events of members already in the registry
(exemptions and their end, transfers out, removals, deaths…), from the paper records, so
that any count "as of" a past day is right (a cell meeting's denominator in May needs the
exemptions that began in March).

Each member's events are applied in date order through the registry's own rule
(`member_record_event`: the same transitions, the same checks as the form); all or
nothing, with every error as `Dòng N, cột "X": reason`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import Column, ImportResult, Progress, RowError, Sheet, cell_text, date_cell
from dangvien.core.text import fold
from dangvien.members.models import EventKind, Membership
from dangvien.members.services import member_record_event
from dangvien.orgs.scope import scope_for
from dangvien.pipeline.frame import run_import

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


def import_events(
    *, path: Path, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    scope = scope_for(actor)

    def body(result: ImportResult, progress: Progress | None) -> None:
        sheet = Sheet(path, COLUMNS, progress)
        h = sheet.header_of
        pending: list[tuple[dt.date, int, Membership, EventKind, str, str]] = []
        for line, v in sheet:
            result.rows += 1
            errors: list[RowError] = []
            card, cccd = cell_text(v.get("card")), cell_text(v.get("cccd")).replace(" ", "")
            m = None
            if card:
                m = Membership.objects.select_related("cell").filter(card_number=card).first()
            elif cccd:
                m = (
                    Membership.objects.select_related("cell")
                    .filter(person__cccd=cccd)
                    .order_by("-is_active", "-admission_date")
                    .first()
                )
            if m is None or not scope.can_write(m.cell):
                column = h["card"] if card or not cccd else h["cccd"]
                errors.append(
                    RowError(
                        line,
                        column,
                        "cần số thẻ đảng viên hoặc số CCCD của một đảng viên trong phạm vi của bạn",
                    )
                )
            text = cell_text(v.get("kind"))
            kind = EVENT_WORDS.get(fold(text))
            if kind is None:
                errors.append(
                    RowError(
                        line,
                        h["kind"],
                        f"“{text[:40]}” không hợp lệ: miễn sinh hoạt, tạm miễn sinh hoạt, trở lại sinh hoạt, "
                        "chuyển sinh hoạt đi, xóa tên, khai trừ, ra khỏi Đảng, từ trần, công nhận chính thức",
                    )
                )
            on = date_cell(v, "on", h, line, errors, required=True)
            if errors:
                result.errors.extend(errors)
                continue
            assert m is not None and kind is not None and on is not None
            pending.append(
                (on, line, m, kind, cell_text(v.get("decision_ref"))[:100], cell_text(v.get("note"))[:300])
            )
        if result.errors:
            return
        # Date order, then file order: a member's events in the order they happened.
        for on, line, m, kind, ref, note in sorted(pending, key=lambda p: (p[2].pk, p[0], p[1])):
            try:
                member_record_event(
                    actor=actor,
                    membership=m,
                    kind=kind,
                    on=on,
                    decision_ref=ref,
                    note=note or "Theo tệp nhập",
                )
            except ServiceError as exc:
                column = {"on": h["on"], "decision_ref": h["decision_ref"]}.get(exc.field or "", h["kind"])
                result.errors.append(RowError(line, column, exc.message[0].lower() + exc.message[1:]))
                continue
            result.created += 1
            if len(result.samples) < 20:
                result.samples.append(
                    f"{EventKind(kind).label} ngày {on:%d/%m/%Y}: số thẻ {m.card_number or '—'}"
                )

    return run_import(kind="events", path=path, actor=actor, dry_run=dry_run, progress=progress, body=body)
