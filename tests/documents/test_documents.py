"""The official forms: every form renders from a real dossier with its key facts; what is
not known is a blank, not a guess; the dossier's ZIP holds every paper in order; the
papers are scoped like the dossier."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from dangvien.cases.admission.services import admission_record_ceremony
from dangvien.documents.context import BLANK, date_words, vn_percent
from dangvien.documents.forms import FORMS
from dangvien.documents.models import GeneratedDocument
from dangvien.documents.services import document_generate, dossier_zip, forms_for, papers_of

from ..cases_helpers import candidate, fresh, officials, open_case, prepare, through_decision, vote

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
    assert "An Phú, ngày 08 tháng 01 năm 2026" in six  # a resolution is dated its meeting
    assert "An Phú, ngày 10 tháng 02 năm 2026" in nine  # a decision its signing
    assert "QĐ 15-QĐ/ĐU" in nine and "15/03/1998" in nine
    # The recognition has not been voted yet: its figures are blanks to fill, never invented.
    thirteen = text_of(bytes(GeneratedDocument.objects.filter(form="13-KNĐ").first().content))
    assert BLANK in thirteen and "03/03/2027" in thirteen  # the end of probation is known


def test_the_dossier_zip_holds_every_paper_in_order(admitted):
    data = dossier_zip(actor=None, case=admitted)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    expected = []
    for f in FORMS:
        if f.code in {x.code for x in forms_for(admitted, admitted.membership.recognition)}:
            # 3-KNĐ is one paper per introducing member (issue 19): this dossier has two.
            expected += [f.code.replace("Đ", "D")] * (2 if f.code == "3-KNĐ" else 1)
    assert [n[3:].rsplit("-nguyen", 1)[0] for n in names] == expected
    assert names[0].startswith("01-CN-NTVD") and names[6].startswith("07-6-KND")


def test_the_dossier_and_the_single_form_fill_every_paper_the_same_way(admitted):
    """Issue 19: the dossier's ZIP printed 8-KNĐ blank and 9-KNĐ without its number (the
    recognition's empty vote and decision covered the admission's) and one 3-KNĐ for two
    introducers, while the single form was right. One function fills both now."""
    from dangvien.documents.context import member_introductions

    zipped = zipfile.ZipFile(io.BytesIO(dossier_zip(actor=None, case=admitted)))
    by_form: dict[str, list[str]] = {}
    for name in zipped.namelist():
        code = name[3:].rsplit("-nguyen", 1)[0].replace("KND", "KNĐ").replace("NTVD", "NTVĐ")
        by_form.setdefault(code, []).append(text_of(zipped.read(name)))
    recognition = admitted.membership.recognition
    for code, texts in by_form.items():
        if code == "3-KNĐ":
            singles = [
                text_of(
                    bytes(
                        document_generate(actor=None, form_code=code, case=admitted, introduction=i).content
                    )
                )
                for i in member_introductions(admitted)
            ]
        else:
            singles = [text_of(bytes(document_generate(actor=None, form_code=code, case=admitted).content))]
        assert texts == singles, code
    eight, nine = by_form["8-KNĐ"][0], by_form["9-KNĐ"][0]
    assert "QĐ 15-QĐ/ĐU" in nine
    assert "88,89%" in eight  # 8 of 9 committee members, as recorded
    first, second = by_form["3-KNĐ"]
    assert "Giới thiệu" in first and "Giới thiệu" in second and first != second
    assert recognition is not None


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
    # One file a paper: every form, 3-KNĐ once per introducing member.
    assert len(zipfile.ZipFile(z).namelist()) == len(papers_of(admitted, admitted.membership.recognition))


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


needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler are not installed (make test installs them when run as root)",
)


def dark_share(pdf: bytes, tmp_path) -> float:  # type: ignore[no-untyped-def]
    """The share of dark pixels on the first page, rendered by poppler as a grey PGM."""
    src = tmp_path / "page.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(src), str(tmp_path / "p")], check=True
    )
    (pgm,) = tmp_path.glob("p*.pgm")
    data = pgm.read_bytes()
    # P5 header: magic, width, height, maxval, each followed by whitespace.
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pixels = data[pos + 1 :]
    return sum(1 for b in pixels if b < 128) / len(pixels)


@needs_office
def test_a_form_as_pdf_has_the_text_in_a_font_with_every_diacritic(admitted, tmp_path):
    from dangvien.documents.services import document_pdf

    _doc, pdf = document_pdf(actor=None, form_code="6-KNĐ", case=admitted)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())  # a line may break inside the name
    assert "Nguyễn Thị Hằng" in text and "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN" in text
    assert abs(float(reader.pages[0].mediabox.width) - 595) < 2  # A4
    assert 0.003 < dark_share(pdf, tmp_path) < 0.3  # a page with text, neither blank nor black
    src = tmp_path / "f.pdf"
    src.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(src)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    # Every font embedded, and each one a family with the whole Vietnamese alphabet: no
    # fallback to a font whose missing glyphs print as boxes.
    assert rows and all(r.split()[0].split("+")[-1].startswith(("Liberation", "DejaVu")) for r in rows), fonts
    assert all(" yes " in r for r in rows), fonts


@needs_office
def test_the_dossier_as_one_pdf_has_every_paper(admitted):
    from dangvien.documents.services import dossier_pdf

    reader = PdfReader(io.BytesIO(dossier_pdf(actor=None, case=admitted)))
    assert len(reader.pages) >= len(forms_for(admitted, admitted.membership.recognition))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert (
        text.index("ĐƠN XIN VÀO ĐẢNG")
        < text.index("QUYẾT ĐỊNH KẾT NẠP ĐẢNG VIÊN")
        < text.index("BẢN TỰ KIỂM ĐIỂM")
    )


@needs_office
def test_the_dossier_pdf_on_the_web_is_a_job_whose_file_only_its_starter_fetches(admitted, users, login):
    from dangvien.jobs.models import Job

    from ..jobs_helpers import finish

    url = reverse("web:case_dossier", args=[admitted.pk])
    assert login(users.xem1).post(url, {"format": "pdf"}).status_code == 404  # a viewer starts nothing
    assert login(users.binh).post(url, {"format": "pdf"}).status_code == 404
    assert not Job.objects.exists()
    c = login(users.bithu1)
    page = finish(c, c.post(url, {"format": "pdf"}))
    assert "ho-so-ket-nap-" in page
    link = page.split('id="job-file"')[1].split('href="')[1].split('"')[0]
    response = c.get(link)
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(content)).pages) >= len(
        forms_for(admitted, admitted.membership.recognition)
    )
    assert login(users.an).get(link).status_code == 404  # staff above, but not their job


def test_without_libreoffice_the_page_says_so_and_serves_word(admitted, users, login, monkeypatch):
    from dangvien.documents import pdf

    monkeypatch.setattr(pdf, "converter", lambda: None)  # a server without LibreOffice
    c = login(users.bithu1)
    url = reverse("web:case_document", args=[admitted.pk, "6-KNĐ"])
    response = c.post(url, {"format": "pdf"}, follow=True)
    assert "chưa cài LibreOffice" in response.content.decode()
    assert c.post(url, {"format": "docx"}).status_code == 200


def test_every_form_renders_for_a_demo_case_and_the_step_shows_its_forms(users, login):
    from dangvien.cases.models import Case, CaseState
    from dangvien.demo.generate import generate

    generate("commune", seed=5)
    case = (
        Case.objects.filter(state=CaseState.ADMITTED).select_related("person", "cell", "membership").first()
    )
    recognition = case.membership.recognition
    for form in forms_for(case, recognition):
        text = text_of(bytes(document_generate(actor=None, form_code=form.code, case=case).content))
        assert case.person.full_name in text and form.title in text, form.code
        short = case.cell.name.removeprefix("Chi bộ ")
        # The personal history is the person's own; the introduction names the introducer's cell.
        assert short in text or form.code in ("2-KNĐ", "3-KNĐ"), form.code
    page = login(users.admin).get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:case_document", args=[case.pk, "6-KNĐ"]) in page and "Giấy tờ đã tạo" in page


def test_each_paper_is_dated_and_numbered_by_its_act_and_named_as_that_day(admitted):
    """Issue 19: papers were dated the day they were printed; 6-KNĐ left "Số ……" blank
    although the resolution's number was recorded; a renamed cell's old papers took its
    new name."""
    from dangvien.orgs.services import org_rename

    def paper(code: str, **kw: object) -> str:
        return text_of(bytes(document_generate(actor=None, form_code=code, case=admitted, **kw).content))

    assert "ngày 10 tháng 11 năm 2025" in paper("1-KNĐ")  # the application's day
    assert "ngày 22 tháng 11 năm 2025" in paper("2-KNĐ")  # the history's
    assert "ngày 23 tháng 11 năm 2025" in paper("3-KNĐ")  # the introduction's
    assert "ngày 30 tháng 11 năm 2025" in paper("5-KNĐ")  # the opinions'
    six = paper("6-KNĐ")
    assert "Số NQ 05-NQ/CB" in six and "ngày 08 tháng 01 năm 2026" in six
    assert "Số QĐ 15-QĐ/ĐU" in paper("9-KNĐ")
    today = date_words(dt.date.today())
    for code in ("CN-NTVĐ", "1-KNĐ", "6-KNĐ", "8-KNĐ", "9-KNĐ", "13-KNĐ"):
        assert today not in paper(code), code  # never the day it was printed
    # A paper certificate (no class recorded): the date is left to write by hand.
    assert date_words(None) in paper("CN-NTVĐ")
    # The cell renamed after its resolution: the resolution keeps the name of its day.
    org_rename(actor=None, org=admitted.cell, name="Chi bộ Thôn Một Mới", effective_on=D(2026, 6, 1))
    admitted.cell.refresh_from_db()
    six = paper("6-KNĐ")
    assert "CHI BỘ THÔN 1" in six and "THÔN MỘT MỚI" not in six


def test_an_act_not_yet_recorded_leaves_the_date_blank(tree):
    officials(tree.xa_c1, 3)
    case = open_case(candidate(tree.xa_c1))
    text = text_of(bytes(document_generate(actor=None, form_code="1-KNĐ", case=case).content))
    assert date_words(None) in text and date_words(dt.date.today()) not in text
