"""Papers of a dossier in the browser: one form (Word or PDF), or the whole dossier as a ZIP
or one PDF. Generating is a write (the paper is recorded with its template version): POST,
for those who may write the dossier; out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.cases.admission.selectors import case_get
from dangvien.cases.models import Case, Recognition
from dangvien.cases.recognition.selectors import recognition_get
from dangvien.core.errors import ServiceError
from dangvien.documents.pdf import PdfUnavailable, converter
from dangvien.documents.services import document_generate, document_pdf, dossier_zip
from dangvien.jobs.services import job_start
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


def _paper(request: HttpRequest, form: str, back: str, **dossier: Any) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        if request.POST.get("format") == "pdf":
            doc, pdf = document_pdf(actor=actor, form_code=form, **dossier)
            return _download(pdf, doc.file_name.replace(".docx", ".pdf"), "application/pdf")
        doc = document_generate(actor=actor, form_code=form, **dossier)
    except PdfUnavailable as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except ServiceError:
        raise Http404 from None
    return _download(bytes(doc.content), doc.file_name, DOCX)


@require_POST
def case_document(request: HttpRequest, pk: int, form: str) -> HttpResponseBase:
    case = _writable_case(request, pk)
    return _paper(request, form, reverse("web:case_detail", args=[case.pk]), case=case)


@require_POST
def case_dossier(request: HttpRequest, pk: int) -> HttpResponseBase:
    case = _writable_case(request, pk)
    actor = acting_user(request)
    if request.POST.get("format") == "pdf":  # every paper through LibreOffice: seconds, as a job
        if converter() is None:
            messages.error(request, PdfUnavailable().message)
            return redirect("web:case_detail", pk=case.pk)
        job = job_start(
            actor=actor,
            kind="dossier_pdf",
            title=_("Hồ sơ kết nạp của {name} (PDF)").format(name=case.person.full_name),
            params={"case": case.pk},
        )
        return redirect("web:job_detail", pk=job.pk)
    return _download(dossier_zip(actor=actor, case=case), f"ho-so-ket-nap-{case.pk}.zip", "application/zip")


@require_POST
def recognition_document(request: HttpRequest, pk: int, form: str) -> HttpResponseBase:
    scope = request_scope(request)
    try:
        r = recognition_get(scope, pk)
    except Recognition.DoesNotExist:
        raise Http404 from None
    if not scope.can_write(r.membership.cell):
        raise Http404
    return _paper(request, form, reverse("web:recognition_detail", args=[r.pk]), recognition=r)
