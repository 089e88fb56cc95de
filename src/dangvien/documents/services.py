"""Generating the papers of a dossier. Reads are scoped by the caller (the case or the
recognition is fetched through a selector); every paper generated is recorded."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.models import Case, Introduction, Recognition
from dangvien.core.errors import ServiceError
from dangvien.documents.context import build_fields, member_introductions
from dangvien.documents.forms import ADMISSION, BY_CODE, FORMS, RECOGNITION, FormDef
from dangvien.documents.models import GeneratedDocument
from dangvien.documents.render import render_docx
from dangvien.documents.templates_service import template_for


def recognition_of(case: Case) -> Recognition | None:
    """The recognition of the member a case admitted, if it went that far."""
    return (
        Recognition.objects.filter(membership_id=case.membership_id).first() if case.membership_id else None
    )


@dataclass(frozen=True)
class Paper:
    """One paper of a dossier: a form, and for a form made once per act the act's row."""

    form: FormDef
    introduction: Introduction | None = None


def papers_of(case: Case, recognition: Recognition | None) -> list[Paper]:
    """Every paper of the dossier, in order: 3-KNĐ once per introducing member."""
    out: list[Paper] = []
    for form in forms_for(case, recognition):
        if form.code == "3-KNĐ":
            out += [Paper(form, i) for i in member_introductions(case)] or [Paper(form)]
        else:
            out.append(Paper(form))
    return out


def forms_for(case: Case | None, recognition: Recognition | None) -> list[FormDef]:
    """The papers of a dossier, in order: the admission's forms for the steps it goes
    through, then the recognition's."""
    out = []
    if case is not None:
        out += [f for f in FORMS if f.dossier == ADMISSION and f.step in case.steps]
        if case.route == "members":
            out = [f for f in out if f.code != "4-KNĐ"]
    if recognition is not None:
        out += [f for f in FORMS if f.dossier == RECOGNITION and f.step in recognition.steps]
    return out


def _file_name(form: FormDef, person: str) -> str:
    from django.utils.text import slugify

    return f"{form.code.replace('Đ', 'D')}-{slugify(person.replace('Đ', 'D').replace('đ', 'd'))}.docx"


@transaction.atomic
def document_generate(
    *,
    actor: User | None,
    form_code: str,
    case: Case | None = None,
    recognition: Recognition | None = None,
    introduction: Introduction | None = None,
) -> GeneratedDocument:
    form = BY_CODE.get(form_code)
    if form is None:
        raise ServiceError("documents.no_such_form", v1=form_code[:20], field="form")
    if form.dossier == RECOGNITION and recognition is None and case is not None:
        recognition = recognition_of(case)
    if form.dossier == RECOGNITION and recognition is None:
        raise ServiceError("documents.form_needs_recognition", form=form)
    if form.dossier == ADMISSION and case is None:
        raise ServiceError("documents.form_needs_case", form=form)
    cell = case.cell if case is not None and form.dossier == ADMISSION else recognition.membership.cell  # type: ignore[union-attr]
    template, version = template_for(form.code, cell)
    fields = build_fields(form, case=case, recognition=recognition, introduction=introduction)
    content = render_docx(template, fields)
    person = (case.person if case is not None else recognition.membership.person).full_name  # type: ignore[union-attr]
    doc = GeneratedDocument.objects.create(
        case=case if form.dossier == ADMISSION else None,
        recognition=recognition if form.dossier == RECOGNITION else None,
        form=form.code,
        template=version,
        file_name=_file_name(form, person),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        generated_by=actor if actor is not None and actor.pk else None,
    )
    audit_log(
        actor=actor,
        action="documents.generate",
        obj=doc,
        changes={"form": form.code, "case": case.pk if case else None, "template": version},
    )
    return doc


def dossier_zip(*, actor: User | None, case: Case) -> bytes:
    """Every paper of the case (and of the member's recognition, if any), in order, named
    by form number."""
    recognition = recognition_of(case)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, paper in enumerate(papers_of(case, recognition), start=1):
            doc = document_generate(
                actor=actor,
                form_code=paper.form.code,
                case=case,
                recognition=recognition,
                introduction=paper.introduction,
            )
            z.writestr(f"{i:02d}-{doc.file_name}", bytes(doc.content))
    return buf.getvalue()


def document_pdf(
    *, actor: User | None, form_code: str, case: Case | None = None, recognition: Recognition | None = None
) -> tuple[GeneratedDocument, bytes]:
    """The paper as PDF, converted from the very DOCX recorded."""
    from dangvien.documents.pdf import PdfUnavailable, converter, docx_to_pdf

    if converter() is None:
        raise PdfUnavailable
    doc = document_generate(actor=actor, form_code=form_code, case=case, recognition=recognition)
    (pdf,) = docx_to_pdf([bytes(doc.content)])
    return doc, pdf


def dossier_pdf(*, actor: User | None, case: Case) -> bytes:
    """Every paper of the case in one PDF, in form order, for printing."""
    from dangvien.documents.pdf import PdfUnavailable, converter, docx_to_pdf, merge

    if converter() is None:
        raise PdfUnavailable
    recognition = recognition_of(case)
    docs = [
        document_generate(
            actor=actor,
            form_code=p.form.code,
            case=case,
            recognition=recognition,
            introduction=p.introduction,
        )
        for p in papers_of(case, recognition)
    ]
    return merge(docx_to_pdf([bytes(d.content) for d in docs]))
