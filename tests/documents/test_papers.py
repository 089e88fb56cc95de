"""Issue 21: the report, the minutes and the proposal are papers an administrator can
replace like the forms: their fields stay within the names the upload check allows, their
packaged templates pass that check, and an uploaded one is used instead."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from dangvien.committees.meetings import meeting_record
from dangvien.documents import commendation_paper, minutes, year_report
from dangvien.documents.papers import MINUTES, PAPERS, PROPOSAL, REPORT
from dangvien.documents.templates_service import template_upload, validate_template
from dangvien.orgs.scope import scope_for

from ..conftest import refused, register

D = dt.date


def test_each_papers_fields_are_the_names_its_template_may_use(tree):
    register(tree.xa_c1, "Nguyễn Văn An")
    meeting = meeting_record(actor=None, cell=tree.xa_c1, held_on=D(2026, 2, 10), presence={})
    made = {
        REPORT.code: year_report.year_report_fields(
            scope_for(None), org=tree.xa, period="2026", as_of=D(2026, 6, 30)
        ),
        MINUTES.code: minutes.minutes_fields(meeting),
        PROPOSAL.code: commendation_paper.proposal_fields(
            actor=None, org=tree.xa, year=2026, on=D(2026, 12, 1)
        ),
    }
    for code, fields in made.items():
        assert set(fields) == PAPERS[code].known, code
    for code, build in ((REPORT.code, year_report.default_template), (MINUTES.code, minutes.default_template),
                        (PROPOSAL.code, commendation_paper.default_template)):  # fmt: skip
        validate_template(build(), PAPERS[code].known)


def _docx(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_uploaded_minutes_template_is_used_and_a_foreign_field_refused(tree, users, login):
    register(tree.xa_c1, "Nguyễn Văn An")
    meeting = meeting_record(actor=None, cell=tree.xa_c1, held_on=D(2026, 2, 10), presence={})
    with refused("documents.unknown_fields"):
        template_upload(actor=users.admin, form_code=MINUTES.code, data=_docx("{{ person.full_name }}"))
    template_upload(
        actor=users.admin,
        form_code=MINUTES.code,
        data=_docx("Biên bản của {{ cell.name }} ngày {{ held_on }}"),
    )
    data = minutes.minutes_docx(actor=None, meeting=meeting)
    assert Document(io.BytesIO(data)).paragraphs[0].text == "Biên bản của Chi bộ Thôn 1 ngày 10/02/2026"
    c = login(users.admin)
    page = c.get(reverse("web:form_templates")).content.decode()
    assert "BB-SHCB" in page and "BC-PTĐV" in page and "TT-KT" in page
    default = c.get(reverse("web:form_template_download", args=[REPORT.code]))
    assert default.status_code == 200 and "{{ admitted }}" in "\n".join(
        p.text for p in Document(io.BytesIO(default.content)).paragraphs
    )
    r = c.post(
        reverse("web:form_templates"),
        {
            "form": PROPOSAL.code,
            "province": "",
            "note": "x",
            "file": SimpleUploadedFile("t.docx", _docx("{{ year }}")),
        },
    )
    assert r.status_code == 302


@pytest.mark.parametrize("user", ["an", "bithu1"])
def test_only_an_administrator_replaces_a_papers_template(tree, users, user):
    from dangvien.orgs.scope import ScopeDenied

    with pytest.raises(ScopeDenied):
        template_upload(actor=getattr(users, user), form_code=REPORT.code, data=_docx("{{ year }}"))
