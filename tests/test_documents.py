"""The official forms: every form renders from a real dossier with its key facts; what is
not known is a blank, not a guess; the dossier's ZIP holds every paper in order; the
papers are scoped like the dossier."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from dangvien.cases.services import admission_record_ceremony
from dangvien.documents.context import BLANK, date_words, vn_percent
from dangvien.documents.forms import FORMS
from dangvien.documents.models import GeneratedDocument
from dangvien.documents.services import document_generate, dossier_zip, forms_for

from .cases_helpers import candidate, fresh, officials, open_case, prepare, through_decision, vote

pytestmark = pytest.mark.django_db
D = dt.date


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def admitted(tree):
    officials(tree.xa_c1, 12)
    case = prepare(
        open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="Giới thiệu")
    )
    vote(case, held_on=D(2026, 1, 8), yes=13, doc_ref="NQ 05-NQ/CB")  # 13 of 14
    case = through_decision(case, resolution=D(2026, 1, 8), decided=D(2026, 2, 10), received=D(2026, 2, 12))
    admission_record_ceremony(actor=None, case=case, expected_version=case.version, held_on=D(2026, 3, 3))
    return fresh(case)


def test_dates_and_percentages_are_written_the_vietnamese_way():
    assert date_words(D(2024, 3, 5)) == "ngày 05 tháng 3 năm 2024"
    assert date_words(D(2024, 2, 12)) == "ngày 12 tháng 02 năm 2024"
    assert vn_percent(28, 42) == "66,67%" and vn_percent(12, 12) == "100,00%"


def test_every_form_of_the_dossier_renders_with_its_key_facts(admitted):
    papers = {f.code: f for f in forms_for(admitted, admitted.membership.recognition)}
    assert "6-KNĐ" in papers and "9-KNĐ" in papers and "13-KNĐ" in papers and "4-KNĐ" not in papers
    for form in papers.values():
        doc = document_generate(actor=None, form_code=form.code, case=admitted)
        text = text_of(bytes(doc.content))
        assert "Nguyễn Thị Hằng" in text, form.code
        assert form.title in text, form.code
        assert "{{" not in text and "}}" not in text, form.code
        assert doc.template.startswith("default:") and len(doc.sha256) == 64
    six = text_of(bytes(GeneratedDocument.objects.filter(form="6-KNĐ").first().content))
    assert "08/01/2026" in six and "NQ 05-NQ/CB" in six and "86,67%" in six and "Chi bộ Thôn 1" in six
    nine = text_of(bytes(GeneratedDocument.objects.filter(form="9-KNĐ").first().content))
    from django.utils import timezone

    assert f"An Phú, {date_words(timezone.localdate())}" in six  # the place and date line
    assert "QĐ 15-QĐ/ĐU" in nine and "15/03/1998" in nine
    # The recognition has not been voted yet: its figures are blanks to fill, never invented.
    thirteen = text_of(bytes(GeneratedDocument.objects.filter(form="13-KNĐ").first().content))
    assert BLANK in thirteen and "03/03/2027" in thirteen  # the end of probation is known


def test_the_dossier_zip_holds_every_paper_in_order(admitted):
    data = dossier_zip(actor=None, case=admitted)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    expected = [
        f.code.replace("Đ", "D")
        for f in FORMS
        if f.code in {x.code for x in forms_for(admitted, admitted.membership.recognition)}
    ]
    assert [n[3:].rsplit("-nguyen", 1)[0] for n in names] == expected
    assert names[0].startswith("01-CN-NTVD") and names[5].startswith("06-6-KND")


def test_a_name_with_markup_stays_text(tree):
    officials(tree.xa_c1, 3)
    case = open_case(candidate(tree.xa_c1))
    case.person.home_town = 'Xã <b>An</b> & "Phú"'
    case.person.save()
    text = text_of(bytes(document_generate(actor=None, form_code="1-KNĐ", case=fresh(case)).content))
    assert 'Xã <b>An</b> & "Phú"' in text


def test_papers_are_scoped_like_the_dossier(admitted, users, login):
    url = reverse("web:case_document", args=[admitted.pk, "6-KNĐ"])
    assert login(users.binh).post(url).status_code == 404
    assert login(users.xem1).post(url).status_code == 404  # a viewer reads the case, does not generate papers
    response = login(users.bithu1).post(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "Nguyễn Thị Hằng" in text_of(response.content)
    z = login(users.an).post(reverse("web:case_dossier", args=[admitted.pk]))
    assert z.status_code == 200 and zipfile.ZipFile(io.BytesIO(z.content)).namelist()


def test_the_command_line_renders_a_form_and_the_dossier(admitted, tmp_path):
    out = tmp_path / "6.docx"
    call_command("documents", "render", "--case", str(admitted.pk), "--form", "6-KNĐ", "-o", str(out))
    assert "Nguyễn Thị Hằng" in text_of(out.read_bytes())
    z = tmp_path / "hs.zip"
    call_command("documents", "dossier", "--case", str(admitted.pk), "-o", str(z))
    assert len(zipfile.ZipFile(z).namelist()) == len(forms_for(admitted, admitted.membership.recognition))


def test_the_case_page_offers_the_papers_to_those_who_write_it(admitted, users, login):
    page = login(users.bithu1).get(reverse("web:case_detail", args=[admitted.pk])).content.decode()
    assert "Giấy tờ theo mẫu" in page and reverse("web:case_document", args=[admitted.pk, "6-KNĐ"]) in page
    assert (
        "Giấy tờ theo mẫu"
        not in login(users.xem1).get(reverse("web:case_detail", args=[admitted.pk])).content.decode()
    )
    r = admitted.membership.recognition
    page = login(users.an).get(reverse("web:recognition_detail", args=[r.pk])).content.decode()
    assert reverse("web:recognition_document", args=[r.pk, "13-KNĐ"]) in page
