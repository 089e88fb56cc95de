"""Papers of a dossier in the browser: one form, or the whole dossier as a ZIP. Generating
is a write (the paper is recorded with its template version): POST, for those who may
write the dossier; out of scope is 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from dangvien.cases.models import Case, Recognition
from dangvien.cases.recognition_selectors import recognition_get
from dangvien.cases.selectors import case_get
from dangvien.core.errors import ServiceError
from dangvien.documents.services import document_generate, dossier_zip
from dangvien.web.context import acting_user, request_scope

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, name: str, mime: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _writable_case(request: HttpRequest, pk: int) -> Case:
    scope = request_scope(request)
    try:
        case = case_get(scope, pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if not scope.can_write(case.cell):
        raise Http404
    return case


@require_POST
def case_document(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    case = _writable_case(request, pk)
    try:
        doc = document_generate(actor=acting_user(request), form_code=form, case=case)
    except ServiceError:
        raise Http404 from None
    return _download(bytes(doc.content), doc.file_name, DOCX)


@require_POST
def case_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    return _download(
        dossier_zip(actor=acting_user(request), case=case), f"ho-so-ket-nap-{case.pk}.zip", "application/zip"
    )


@require_POST
def recognition_document(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    scope = request_scope(request)
    try:
        r = recognition_get(scope, pk)
    except Recognition.DoesNotExist:
        raise Http404 from None
    if not scope.can_write(r.membership.cell):
        raise Http404
    try:
        doc = document_generate(actor=acting_user(request), form_code=form, recognition=r)
    except ServiceError:
        raise Http404 from None
    return _download(bytes(doc.content), doc.file_name, DOCX)
