"""Replaceable templates: an administrator uploads one (for the whole system or one
province), a broken one is refused and the active one stays, a field split by a word
processor still renders, earlier versions come back, and only administrators reach it."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from dangvien.documents.models import FormTemplate
from dangvien.documents.services import document_generate
from dangvien.documents.templates_service import template_activate, template_for, template_upload
from dangvien.orgs.scope import ScopeDenied

from ..cases_helpers import candidate, officials, open_case
from ..conftest import refused
from .test_documents import text_of

pytestmark = pytest.mark.django_db


def docx_with(*runs: str) -> bytes:
    """A DOCX whose one paragraph is made of these runs (Word splits text into runs at
    every change of formatting or spell-check boundary: a field may be cut anywhere)."""
    doc = Document()
    p = doc.add_paragraph()
    for i, text in enumerate(runs):
        p.add_run(text).bold = bool(i % 2)  # alternate formatting, as an edit leaves it
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def case(tree):
    officials(tree.xa_c1, 3)
    return open_case(candidate(tree.xa_c1))


def test_an_uploaded_template_is_used_and_a_field_split_across_runs_renders(case, users):
    data = docx_with("Mẫu của tỉnh: {{ per", "son.full", "_name }} — ", "{{ cell.name }}")
    template_upload(actor=users.admin, form_code="1-KNĐ", data=data, note="thử")
    doc = document_generate(actor=None, form_code="1-KNĐ", case=case)
    assert "Mẫu của tỉnh: Nguyễn Thị Hằng — Chi bộ Thôn 1" in text_of(bytes(doc.content))
    assert doc.template == "1-KNĐ v1"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_template_saved_by_libreoffice_renders(case, users, tmp_path):
    src = tmp_path / "mau.docx"
    src.write_bytes(docx_with("Họ tên: {{ person.", "full_name }}; sinh ngày {{ person.birth_date }}"))
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'p'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    saved = (out / "mau.docx").read_bytes()
    assert saved != src.read_bytes()  # written by LibreOffice, with its own XML
    template_upload(actor=users.admin, form_code="1-KNĐ", data=saved)
    text = text_of(bytes(document_generate(actor=None, form_code="1-KNĐ", case=case).content))
    assert "Họ tên: Nguyễn Thị Hằng; sinh ngày 15/03/1998" in text


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04 not really a zip", "documents.template_not_docx"),
        (b"%PDF-1.7", "documents.template_not_docx"),
        (docx_with("{{ person.full_name }"), "documents.template_syntax"),
        (docx_with("{{ luong_thang }}"), "documents.unknown_fields"),
    ],
)
def test_a_broken_template_is_refused_and_the_active_one_stays(case, users, data, code):
    good = template_upload(
        actor=users.admin, form_code="1-KNĐ", data=docx_with("Tốt: {{ person.full_name }}")
    )
    with refused(code) as err:
        template_upload(actor=users.admin, form_code="1-KNĐ", data=data)
    if code == "documents.unknown_fields":
        assert err.value.params["fields"] == "luong_thang"  # the reason names the field
    assert list(FormTemplate.objects.filter(active=True)) == [good]
    assert "Tốt: Nguyễn Thị Hằng" in text_of(
        bytes(document_generate(actor=None, form_code="1-KNĐ", case=case).content)
    )


def test_a_provinces_template_applies_in_its_subtree_only_and_versions_come_back(case, tree, users):
    from dangvien.orgs.models import OrgKind
    from dangvien.orgs.services import org_create

    other = org_create(actor=None, code="T2", name="Đảng bộ tỉnh Khác", kind=OrgKind.PROVINCE, parent=None)
    v1 = template_upload(
        actor=users.admin, form_code="1-KNĐ", data=docx_with("Toàn quốc {{ person.full_name }}")
    )
    template_upload(
        actor=users.admin,
        form_code="1-KNĐ",
        data=docx_with("Tỉnh Thử {{ person.full_name }}"),
        province=tree.province,
    )
    assert template_for("1-KNĐ", tree.xa_c1)[1] == "1-KNĐ v1 (PROV)"
    assert template_for("1-KNĐ", other)[1] == "1-KNĐ v1"
    v2 = template_upload(
        actor=users.admin, form_code="1-KNĐ", data=docx_with("Toàn quốc mới {{ person.full_name }}")
    )
    assert v2.version == 2 and not FormTemplate.objects.get(pk=v1.pk).active
    template_activate(actor=users.admin, template=v1, form_code="1-KNĐ", reach="")
    assert template_for("1-KNĐ", other)[1] == "1-KNĐ v1"
    template_activate(actor=users.admin, template=None, form_code="1-KNĐ", reach="")
    assert template_for("1-KNĐ", other)[1].startswith("default:")
    with pytest.raises(ScopeDenied):
        template_upload(actor=users.an, form_code="1-KNĐ", data=docx_with("{{ person.full_name }}"))


def test_the_templates_screen_is_for_administrators(case, users, login):
    assert login(users.an).get(reverse("web:form_templates")).status_code == 404
    c = login(users.admin)
    page = c.get(reverse("web:form_templates")).content.decode()
    assert "6-KNĐ" in page and "person.full_name" in page
    bad = c.post(
        reverse("web:form_templates"),
        {"form": "6-KNĐ", "province": "", "file": SimpleUploadedFile("x.docx", b"not a docx"), "note": ""},
    )
    assert bad.status_code == 400 and "không phải văn bản Word" in bad.content.decode()
    ok = c.post(
        reverse("web:form_templates"),
        {
            "form": "6-KNĐ",
            "province": "",
            "file": SimpleUploadedFile("m.docx", docx_with("NQ {{ person.full_name }}")),
        },
    )
    assert ok.status_code == 302 and FormTemplate.objects.filter(form="6-KNĐ", active=True).count() == 1
    preview = c.post(reverse("web:form_template_preview", args=["1-KNĐ"]), {"case": case.pk})
    assert preview.status_code == 200 and "Nguyễn Thị Hằng" in text_of(preview.content)
    assert c.get(reverse("web:form_template_download", args=["6-KNĐ"])).status_code == 200
    # Roll back to the default through the screen; an unknown version is 404.
    assert c.post(reverse("web:form_template_use", args=["6-KNĐ"]), {"ban": "999999"}).status_code == 404
    assert c.post(reverse("web:form_template_use", args=["6-KNĐ"]), {"reach": ""}).status_code == 302
    assert not FormTemplate.objects.filter(form="6-KNĐ", active=True).exists()
    assert (
        login(users.an).post(reverse("web:form_template_use", args=["6-KNĐ"]), {"reach": ""}).status_code
        == 404
    )
