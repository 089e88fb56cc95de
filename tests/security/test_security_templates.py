"""Issue 18, item 1: a form template cannot run code. Every attack below worked before
the sandbox (the rendered paper carried the server's process id); each is now refused on
upload and preview with the reason, and a template stored before the check cannot run."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangvien.core.errors import ServiceError
from dangvien.documents.context import Fields
from dangvien.documents.models import FormTemplate
from dangvien.documents.render import render_docx
from dangvien.documents.sandbox import form_environment
from dangvien.documents.services import document_generate
from dangvien.documents.templates_service import template_upload

from ..cases_helpers import candidate, officials, open_case
from ..conftest import refused
from ..documents.test_document_templates import docx_with
from ..documents.test_documents import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tree):
    officials(tree.xa_c1, 3)
    return open_case(candidate(tree.xa_c1))


PID = str(os.getpid())
RCE = (
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
    "{{ c()._module.__builtins__['__import__']('os').getpid() }}{% endif %}{% endfor %}"
)
ATTACKS = [
    RCE,
    "{{ self }}",
    "{{ config }}",
    "{{ ''.__class__ }}",
    "{{ lipsum }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler }}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "{{ joiner }}",
    "{{ namespace }}",
    "{{ person.full_name.__class__ }}",
    "{{ person['__class__'] }}",
    "{{ person.items() }}",
    "{{ person.full_name|attr('__class__') }}",
    "{{ range(10) }}",
    "{% set x = 1 %}{{ x }}",
    "{% macro m() %}x{% endmacro %}{{ m() }}",
    "{% include 'x' %}",
    "{% extends 'x' %}",
    "{% import 'x' as y %}",
    "{{ person.full_name|format('%s') }}",
    "{% for c in person recursive %}{{ loop(c) }}{% endfor %}",
    "{% with a = person %}{{ a }}{% endwith %}",
    "{{ person[person.full_name] }}",
]


@pytest.mark.parametrize("payload", ATTACKS)
def test_an_upload_that_tries_more_than_fields_is_refused_with_the_reason(case, users, payload):
    with pytest.raises(ServiceError) as err:
        template_upload(actor=users.admin, form_code="1-KNĐ", data=docx_with("Tên: ", payload))
    # Refused for a command that is not allowed, or for a name that is not a field.
    assert err.value.code in ("documents.template_refused_upload", "documents.unknown_fields")
    assert err.value.field == "file"
    assert not FormTemplate.objects.exists()


def test_the_documented_fields_filters_and_tags_still_render(case, users):
    data = docx_with(
        "{{ person.full_name|upper }} / {{ cell.name|lower }} / {{ person.cccd|default('-') }}",
        " {% if person.sex == 'Nữ' %}chị{% else %}anh{% endif %}",
        " {% for x in [1, 2] %}[{{ x }}]{% endfor %}",
    )
    template_upload(actor=users.admin, form_code="1-KNĐ", data=data)
    text = text_of(bytes(document_generate(actor=None, form_code="1-KNĐ", case=case).content))
    assert "NGUYỄN THỊ HẰNG / chi bộ thôn 1 /" in text and "chị" in text and "[1][2]" in text


def test_a_template_stored_before_the_check_cannot_run_when_staff_print_it(case, users):
    # A row written straight into the table, as an upload from before this release is.
    data = docx_with("Tên: ", RCE)
    FormTemplate.objects.create(
        form="1-KNĐ", reach="", version=1, content=data, sha256=hashlib.sha256(data).hexdigest(), active=True
    )
    with refused("documents.template_refused"):
        document_generate(actor=users.an, form_code="1-KNĐ", case=case)


def test_the_preview_of_a_hostile_file_or_stored_version_shows_a_message_not_the_process(
    case,
    users,
    login,
):
    c = login(users.admin)
    url = reverse("web:form_template_preview", args=["1-KNĐ"])
    upload = c.post(url, {"case": case.pk, "file": SimpleUploadedFile("m.docx", docx_with(RCE))}, follow=True)
    assert upload.status_code == 200 and "không được phép" in upload.content.decode()
    data = docx_with("X ", RCE)
    stored = FormTemplate.objects.create(
        form="1-KNĐ", reach="", version=1, content=data, sha256=hashlib.sha256(data).hexdigest()
    )
    page = c.post(url, {"case": case.pk, "ban": stored.pk}, follow=True)
    assert page.status_code == 200 and "không được phép" in page.content.decode()
    assert PID not in page.content.decode()


def test_the_environment_reads_keys_of_our_fields_and_nothing_of_python_objects():
    env = form_environment()
    fields = {"person": Fields(full_name="An")}
    assert env.from_string("{{ person.full_name }}").render(fields) == "An"
    assert env.from_string("{{ person.missing }}").render(fields) == Fields()["x"]  # the dotted blank
    assert env.getattr("text", "upper").__class__.__name__ == "Undefined"
    assert env.getattr(Fields(), "items") == Fields()["x"]  # a key (blank), never dict.items
    assert env.getitem(Fields(a=1), "__class__").__class__.__name__ == "Undefined"
    assert env.globals == {}
    with pytest.raises(Exception, match="cannot call"):
        env.call(None, str, "x")


def test_the_packaged_forms_render_in_the_sandbox(case):
    from dangvien.documents.forms import ADMISSION, FORMS

    for form in FORMS:
        if form.dossier == ADMISSION:
            doc = document_generate(actor=None, form_code=form.code, case=case)
            assert text_of(bytes(doc.content))
    assert render_docx(docx_with("{{ person.full_name }}"), Fields(person=Fields(full_name="B")))
