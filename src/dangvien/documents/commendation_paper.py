"""The committee's proposal of commendations for a year (tờ trình đề nghị khen thưởng,
issue 21): the units the rule proposes, with their targets, admissions and ratings, and the
decisions already recorded. The wording is in a docxtpl template rendered in the forms'
sandbox; a FormTemplate of code TT-KT replaces the packaged one."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from dangvien.accounts.audit import audit_export
from dangvien.accounts.models import User
from dangvien.core.text import vn_int, vn_pct
from dangvien.documents.context import Fields, date_words, name_on, place_on
from dangvien.documents.layout import loop_table, new_page, para, to_bytes
from dangvien.documents.papers import PROPOSAL
from dangvien.documents.render import render_docx
from dangvien.documents.templates_service import uploaded_template
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_read, scope_for
from dangvien.targets.commendations import CommendationRow, commendation_rows

PROPOSAL_CODE = PROPOSAL.code


def _unit(r: CommendationRow) -> Fields:
    share = vn_pct(round(100 * r.good_or_better / r.rated, 2)) if r.rated else "—"
    return Fields(
        name=r.org.name,
        target=vn_int(r.target) if r.target is not None else "—",
        admitted=vn_int(r.admitted),
        percent=vn_pct(r.percent) if r.percent is not None else "—",
        good_share=share,
        decision=f"{r.decision.level}, {r.decision.decision_ref}, {r.decision.decided_on:%d/%m/%Y}"
        if r.decision
        else "",
    )


def proposal_fields(*, actor: User | None, org: Organization, year: int, on: dt.date) -> Fields:
    report = commendation_rows(scope_for(actor), org=org, year=year)
    name = name_on(org, on)
    return Fields(
        org=Fields(
            name=name, name_upper=name.upper(), parent_upper=(org.parent.name.upper() if org.parent else "")
        ),
        place=place_on(org, on),
        date_words=date_words(on),
        year=str(year),
        proposed=[_unit(r) for r in report.rows if r.proposed],
        decided=[_unit(r) for r in report.rows if r.decision is not None],
        count=len([r for r in report.rows if r.proposed]),
    )


@cache
def default_template() -> bytes:
    doc = new_page()
    center, justify, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ org.parent_upper }}", align=center, size=13)
    para(doc, "{{ org.name_upper }}", align=center, size=13, bold=True)
    para(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, bold=True)
    para(doc, "{{ place }}, {{ date_words }}", align=right, italic=True)
    para(doc, "TỜ TRÌNH", align=center, bold=True, size=15)
    para(
        doc,
        "Đề nghị khen thưởng tổ chức đảng có thành tích trong công tác phát triển đảng viên năm {{ year }}",
        align=center,
        bold=True,
    )
    para(
        doc,
        "Căn cứ kết quả thực hiện chỉ tiêu kết nạp đảng viên năm {{ year }}, đề nghị khen thưởng {{ count }} tổ chức đảng đạt chỉ tiêu năm, không có hồ sơ chậm trong năm và có tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên đạt yêu cầu:",
        align=justify,
    )
    loop_table(
        doc,
        ["Tổ chức đảng", "Chỉ tiêu", "Đã kết nạp", "Tỷ lệ", "Hoàn thành tốt trở lên"],
        "proposed",
        ["{{ u.name }}", "{{ u.target }}", "{{ u.admitted }}", "{{ u.percent }}", "{{ u.good_share }}"],
    )
    para(doc, "{% if decided %}Đã có quyết định khen thưởng:{% endif %}", align=justify)
    loop_table(doc, ["Tổ chức đảng", "Quyết định"], "decided", ["{{ u.name }}", "{{ u.decision }}"])
    para(doc, "")
    para(doc, "T/M {{ org.name_upper }}", align=right, bold=True)
    return to_bytes(doc)


def proposal_docx(*, actor: User | None, org: Organization, year: int) -> bytes:
    require_read(scope_for(actor), org)
    template, version = uploaded_template(PROPOSAL_CODE, org) or (default_template(), "default")
    content = render_docx(template, proposal_fields(actor=actor, org=org, year=year, on=timezone.localdate()))
    audit_export(actor=actor, what=f"commendations {year} ({version})", rows=1, fmt="docx", org=org.code)
    return content
