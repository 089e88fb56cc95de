"""The administrator's screen for the forms' templates: download the one in use, upload a
replacement (whole system or one province), preview it on a real case, roll back."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangvien.cases.models import Case
from dangvien.core.errors import ServiceError
from dangvien.documents import commendation_paper, minutes, year_report
from dangvien.documents.context import FIELD_DOCS, build_fields
from dangvien.documents.forms import BY_CODE, FORMS
from dangvien.documents.models import FormTemplate
from dangvien.documents.papers import MINUTES, PAPERS, PROPOSAL, REPORT
from dangvien.documents.render import default_template, render_docx
from dangvien.documents.sandbox import FILTERS
from dangvien.documents.services import recognition_of
from dangvien.documents.templates_service import template_activate, template_upload, validate_template
from dangvien.orgs.models import Organization
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import add_service_error
from dangvien.web.views.documents import DOCX, _download

# The papers beside the dossiers' forms, and where their packaged template comes from.
DEFAULTS = {
    REPORT.code: year_report.default_template,
    MINUTES.code: minutes.default_template,
    PROPOSAL.code: commendation_paper.default_template,
}


class UploadForm(forms.Form):
    form = forms.ChoiceField(
        label=gettext_lazy("Mẫu"),
        choices=[(f.code, f"{f.code} — {f.label}") for f in FORMS]
        + [(p.code, f"{p.code} — {p.label}") for p in PAPERS.values()],
    )
    province = forms.ChoiceField(label=gettext_lazy("Áp dụng cho"), required=False)
    file = forms.FileField(label=gettext_lazy("Tệp mẫu (.docx)"))
    note = forms.CharField(label=gettext_lazy("Ghi chú (lý do thay)"), max_length=300, required=False)


def _admin(request: HttpRequest) -> None:
    if not request_scope(request).is_admin:
        raise Http404


def _provinces() -> list[tuple[str, str]]:
    return [
        ("", _("Toàn hệ thống")),
        *Organization.objects.filter(parent__isnull=True).order_by("name").values_list("code", "name"),
    ]


def templates_view(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["province"].choices = _provinces()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        province = Organization.objects.filter(code=d["province"]).first() if d["province"] else None
        try:
            t = template_upload(
                actor=acting_user(request),
                form_code=d["form"],
                data=d["file"].read(),
                province=province,
                note=d["note"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Đã dùng mẫu {t.form} bản {t.label}. Hãy xem thử trên một hồ sơ.").format(t=t)
            )
            return redirect("web:form_templates")
    versions: dict[str, list[FormTemplate]] = {}
    for t in FormTemplate.objects.defer("content").select_related("uploaded_by"):
        versions.setdefault(t.form, []).append(t)
    rows = [(f, versions.get(f.code, [])) for f in FORMS]
    paper_rows = [(p, versions.get(p.code, [])) for p in PAPERS.values()]
    return render(
        request,
        "web/documents/templates.html",
        {
            "nav": "templates",
            "rows": rows,
            "paper_rows": paper_rows,
            "form": form,
            "fields": FIELD_DOCS,
            "template_filters": ", ".join(FILTERS),
        },
        status=400 if request.method == "POST" else 200,
    )


def template_download(request: HttpRequest, form: str) -> HttpResponseBase:
    _admin(request)
    if form not in BY_CODE and form not in PAPERS:
        raise Http404
    file = BY_CODE[form].file if form in BY_CODE else slugify(form.replace("Đ", "D"))
    pk = request.GET.get("ban", "")
    if pk.isdigit():
        t = FormTemplate.objects.filter(pk=int(pk), form=form).first()
        if t is None:
            raise Http404
        return _download(bytes(t.content), f"mau-{file}-{t.label.replace(' ', '')}.docx", DOCX)
    data = default_template(form)[0] if form in BY_CODE else DEFAULTS[form]()
    return _download(data, f"mau-{file}-mac-dinh.docx", DOCX)


@require_POST
def template_use(request: HttpRequest, form: str) -> HttpResponseBase:
    """Roll back: make a kept version active again (ban=ID), or the default (ban empty)."""
    _admin(request)
    if form not in BY_CODE and form not in PAPERS:
        raise Http404
    reach = request.POST.get("reach", "")
    pk = request.POST.get("ban", "")
    t = FormTemplate.objects.filter(pk=int(pk), form=form).first() if pk.isdigit() else None
    if pk and t is None:
        raise Http404
    template_activate(actor=acting_user(request), template=t, form_code=form, reach=t.reach if t else reach)
    messages.success(
        request, _("Mẫu {form}: đang dùng {v1}.").format(form=form, v1=t.label if t else _("mẫu mặc định"))
    )
    return redirect("web:form_templates")


@require_POST
def template_preview(request: HttpRequest, form: str) -> HttpResponseBase:
    """Fill a template version (or an uploaded file, not saved) with a real case, without
    recording a paper: what the administrator checks before and after replacing."""
    _admin(request)
    if form not in BY_CODE:
        raise Http404
    case_id = request.POST.get("case", "")
    case = (
        Case.objects.select_related("person", "cell").filter(pk=int(case_id)).first()
        if case_id.isdigit()
        else None
    )
    if case is None:
        messages.error(request, _("Nhập số một hồ sơ kết nạp có thật để xem thử."))
        return redirect("web:form_templates")
    pk = request.POST.get("ban", "")
    upload = request.FILES.get("file")
    if upload is not None:
        data = upload.read()
        try:
            validate_template(data)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("web:form_templates")
    elif pk.isdigit():
        t = FormTemplate.objects.filter(pk=int(pk), form=form).first()
        if t is None:
            raise Http404
        data = bytes(t.content)
    else:
        data = default_template(form)[0]

    recognition = recognition_of(case)
    fdef = BY_CODE[form]
    if fdef.dossier == "recognition" and recognition is None:
        messages.error(request, _("Hồ sơ này chưa có hồ sơ công nhận chính thức: chọn hồ sơ đã kết nạp."))
        return redirect("web:form_templates")
    try:
        content = render_docx(data, build_fields(fdef, case=case, recognition=recognition))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("web:form_templates")
    return _download(content, f"xem-thu-{fdef.file}.docx", DOCX)
