"""The minutes of a cell meeting (biên bản sinh hoạt chi bộ, issue 21): the day, who was
summoned and who came (from the meeting's attendance), who attended from above, what was
discussed, the assessments heard and the votes taken there, signed by the chair (the
cell's secretary of that day, else a deputy). The wording is in a docxtpl template rendered
in the forms' sandbox; a FormTemplate of code BB-SHCB replaces the packaged one."""

from __future__ import annotations

from functools import cache

from docx.enum.text import WD_ALIGN_PARAGRAPH

from dangvien.accounts.audit import audit_export
from dangvien.accounts.models import User
from dangvien.committees.meetings import EXEMPT, meeting_figures
from dangvien.committees.models import Meeting, MeetingKind, Presence
from dangvien.documents.context import BLANK, Fields, date_words, name_on, place_on
from dangvien.documents.layout import new_page, para, to_bytes
from dangvien.documents.papers import MINUTES
from dangvien.documents.render import render_docx
from dangvien.documents.templates_service import uploaded_template
from dangvien.members.officers import signer_on
from dangvien.orgs.scope import require_read, scope_for

MINUTES_CODE = MINUTES.code


def minutes_fields(meeting: Meeting) -> Fields:
    cell = meeting.cell
    f = meeting_figures(meeting)
    rows = list(
        meeting.attendance.select_related("membership__person").order_by("membership__person__sort_key")
    )
    absent_leave = [a.membership.person.full_name for a in rows if a.presence == Presence.EXCUSED]
    absent = [
        a.membership.person.full_name
        for a in rows
        if a.presence == Presence.ABSENT and a.status_then not in EXEMPT
    ]
    heard = [
        Fields(
            name=f"quần chúng {h.assessment.candidate.person.full_name}",
            strengths=h.assessment.strengths or "—",
            weaknesses=h.assessment.weaknesses or "—",
            conclusion=h.assessment.conclusion,
        )
        for h in meeting.assessments.select_related("assessment__candidate__person")
    ] + [
        Fields(
            name=f"đảng viên dự bị {h.recognition.membership.person.full_name}",
            strengths=h.strengths or "—",
            weaknesses=h.weaknesses or "—",
            conclusion=h.conclusion,
        )
        for h in meeting.probation_assessments.select_related("recognition__membership__person")
    ]
    votes = [
        Fields(name=v.case.person.full_name, yes=v.yes, no=v.no, denominator=v.denominator,
               result="đạt" if v.passed else "không đạt", what="kết nạp")
        for v in meeting.admission_votes.select_related("case__person")
    ] + [
        Fields(name=v.recognition.membership.person.full_name, yes=v.yes, no=v.no, denominator=v.denominator,
               result=v.get_outcome_display() if v.outcome else "không bên nào đủ 2/3", what="công nhận chính thức")
        for v in meeting.recognition_votes.select_related("recognition__membership__person")
    ]  # fmt: skip
    signer = signer_on(cell, meeting.held_on)
    name = name_on(cell, meeting.held_on)
    return Fields(
        cell=Fields(name=name, name_upper=name.upper(), parent_upper=(cell.parent.name.upper() if cell.parent else "")),
        place=place_on(cell.parent or cell, meeting.held_on),
        date_words=date_words(meeting.held_on),
        held_on=f"{meeting.held_on:%d/%m/%Y}",
        kind="thường kỳ" if meeting.kind == MeetingKind.REGULAR else "bất thường",
        guests=meeting.guests or "không",
        items=meeting.items or BLANK,
        summoned=f.summoned,
        present=f.present,
        exempt_present=f.exempt_present,
        absent_leave=", ".join(absent_leave) or "không",
        absent=", ".join(absent) or "không",
        heard=heard,
        votes=votes,
        chair=signer.name if signer else BLANK,
        chair_title=signer.title if signer else "BÍ THƯ",
    )  # fmt: skip


@cache
def default_template() -> bytes:
    """The packaged template, built here (python-docx) with the docxtpl fields in place."""
    doc = new_page()
    center, justify, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ cell.parent_upper }}", align=center, size=13)
    para(doc, "{{ cell.name_upper }}", align=center, size=13, bold=True)
    para(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, bold=True)
    para(doc, "{{ place }}, {{ date_words }}", align=right, italic=True)
    para(doc, "BIÊN BẢN", align=center, bold=True, size=15)
    para(doc, "Sinh hoạt chi bộ ({{ kind }}) ngày {{ held_on }}", align=center, bold=True)
    para(
        doc,
        "Đảng viên được triệu tập: {{ summoned }}. Có mặt: {{ present }} (trong đó {{ exempt_present }} đảng viên miễn sinh hoạt).",
        align=justify,
    )
    para(doc, "Vắng có lý do: {{ absent_leave }}. Vắng không có lý do: {{ absent }}.", align=justify)
    para(doc, "Cấp trên dự: {{ guests }}.", align=justify)
    para(doc, "Chủ trì: đồng chí {{ chair }}, {{ chair_title|lower }} chi bộ.", align=justify)
    para(doc, "NỘI DUNG", bold=True)
    para(doc, "{{ items }}", align=justify)
    para(
        doc,
        "{% for h in heard %}Nhận xét {{ h.name }}: ưu điểm: {{ h.strengths }}; khuyết điểm: {{ h.weaknesses }}. Chi bộ kết luận: {{ h.conclusion }}. {% endfor %}",
        align=justify,
    )
    para(
        doc,
        "{% for v in votes %}Biểu quyết {{ v.what }} đối với {{ v.name }}: {{ v.yes }}/{{ v.denominator }} tán thành, {{ v.no }} không tán thành; {{ v.result }}. {% endfor %}",
        align=justify,
    )
    para(doc, "Biên bản được thông qua tại buổi sinh hoạt.", align=justify, italic=True)
    para(doc, "T/M CHI BỘ", align=right, bold=True)
    para(doc, "{{ chair_title }}", align=right, bold=True)
    para(doc, "")
    para(doc, "{{ chair }}", align=right, bold=True)
    return to_bytes(doc)


def minutes_docx(*, actor: User | None, meeting: Meeting) -> bytes:
    """The minutes as a DOCX, for a reader of the cell; the export is audited."""
    require_read(scope_for(actor), meeting.cell)
    template, version = uploaded_template(MINUTES_CODE, meeting.cell) or (default_template(), "default")
    content = render_docx(template, minutes_fields(meeting))
    audit_export(
        actor=actor, what=f"minutes {meeting.pk} ({version})", rows=1, fmt="docx", org=meeting.cell.code
    )
    return content
