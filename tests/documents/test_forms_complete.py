"""Issue 19, item 5: a paper checked the way a clerk checks it. Every form of a finished
demo dossier (admission, and a recognition that went to its decision) is filled for every
field the dossier holds: a dotted blank is allowed only where docs/forms.md says the system
cannot know the fact (documents.forms.UNKNOWABLE). The fields are read from the packaged
templates themselves, so a field added to a form is checked without anyone listing it."""

from __future__ import annotations

import re
import zipfile

import pytest

from dangvien.documents.context import BLANK, build_fields
from dangvien.documents.forms import ADMISSION, FORMS, RECOGNITION, UNKNOWABLE
from dangvien.documents.render import DEFAULTS

pytestmark = pytest.mark.django_db


def fields_of(form) -> list[str]:  # type: ignore[no-untyped-def]
    xml = zipfile.ZipFile(DEFAULTS / f"{form.file}.docx").read("word/document.xml").decode()
    return sorted(set(re.findall(r"\{\{\s*([a-z_.]+)\s*\}\}", re.sub(r"<[^>]+>", "", xml))))


def blanks(form, fields) -> set[str]:  # type: ignore[no-untyped-def]
    out = set()
    for path in fields_of(form):
        value = fields
        for part in path.split("."):
            value = value[part] if isinstance(value, dict) else ""
        if BLANK[:6] in str(value):
            out.add(path)
    return out


def test_every_paper_of_a_finished_dossier_prints_full():
    from dangvien.cases.models import Case, CaseState, Recognition, RecognitionState
    from dangvien.demo.generate import generate

    generate("commune", seed=5)
    case = Case.objects.filter(state=CaseState.ADMITTED).select_related("person", "cell").first()
    checked = []
    for form in FORMS:
        if form.dossier != ADMISSION or form.step not in case.steps or form.code == "4-KNĐ":
            continue
        found = blanks(form, build_fields(form, case=case, recognition=None))
        assert not found - UNKNOWABLE.get(form.code, set()), (form.code, sorted(found))
        checked.append(form.code)
    # A recognition that went to its decision (from the registry's paper history).
    r = Recognition.objects.filter(state=RecognitionState.OFFICIAL, mentors__isnull=False).first()
    for form in FORMS:
        if form.dossier != RECOGNITION or form.step not in r.steps:
            continue
        found = blanks(form, build_fields(form, case=None, recognition=r))
        assert not found - UNKNOWABLE.get(form.code, set()), (form.code, sorted(found))
        checked.append(form.code)
    assert len(checked) >= 14, checked


def test_docs_list_every_field_of_every_form():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "forms.md").read_text()
    for form in FORMS:
        section = doc.split(f"## {form.code}", 1)
        assert len(section) == 2, form.code
        body = section[1].split("\n## ", 1)[0]
        for path in fields_of(form):
            assert f"`{path}`" in body, (form.code, path)
