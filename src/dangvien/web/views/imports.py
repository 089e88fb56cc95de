"""Importing a file on the web: upload, then a check in the background (every error,
nothing written) shown on the job's page with its progress; the user confirms, and the
writing runs as a second job, all or nothing. A web worker never waits on a file."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvien.candidates.importing import COLUMNS as CANDIDATE_COLUMNS
from dangvien.committees.importing import COLUMNS as ASSIGNMENT_COLUMNS
from dangvien.committees.importing import HEADCOUNT_COLUMNS
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import safe_upload_name
from dangvien.jobs.models import Status
from dangvien.jobs.selectors import job_of
from dangvien.jobs.services import job_start
from dangvien.members.events_import import COLUMNS as EVENT_COLUMNS
from dangvien.members.importing import COLUMNS as MEMBER_COLUMNS
from dangvien.members.officers import COLUMNS as OFFICER_COLUMNS
from dangvien.ops.work import upload_dir
from dangvien.orgs.importing import COLUMNS as ORG_COLUMNS
from dangvien.ratings.importing import COLUMNS as RATING_COLUMNS
from dangvien.targets.importing import COLUMNS as TARGET_COLUMNS
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import ImportUploadForm
from dangvien.web.import_samples import sample_workbook

COLUMNS = {
    "members": MEMBER_COLUMNS,
    "orgs": ORG_COLUMNS,
    "candidates": CANDIDATE_COLUMNS,
    "targets": TARGET_COLUMNS,
    "ratings": RATING_COLUMNS,
    "officers": OFFICER_COLUMNS,
    "events": EVENT_COLUMNS,
    "assignments": ASSIGNMENT_COLUMNS,
    "headcounts": HEADCOUNT_COLUMNS,
}


def import_start(request: HttpRequest) -> HttpResponse:
    """Upload; the check runs as a job and its page shows what would change and every
    error. Nothing is written until the user confirms there."""
    scope = request_scope(request)
    if not scope.can_write_anything:
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            form.add_error("file", _("Chỉ nhận tệp .xlsx hoặc .csv"))
        elif upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            form.add_error(
                "file",
                _("Tệp lớn hơn {mb} MB: hãy dùng lệnh dangvien import").format(
                    mb=settings.IMPORT_MAX_UPLOAD_MB
                ),
            )
        else:
            target = upload_dir() / safe_upload_name(suffix)
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            name = Path(upload.name).name[:100]
            kind = form.cleaned_data["kind"]
            job = job_start(
                actor=acting_user(request),
                kind="import_check",
                title=_("Kiểm tra tệp “{name}” ({kind})").format(name=name, kind=form.kind_label(kind)),
                params={"kind": kind, "file": target.name, "name": name},
            )
            return redirect("web:job_detail", pk=job.pk)
    context = {
        "nav": "import",
        "form": form,
        "columns": {k: list(v) for k, v in COLUMNS.items()},
        "kinds": [(k, label) for k, label in form.fields["kind"].choices],  # type: ignore[attr-defined]
    }
    return render(request, "web/imports/start.html", context)


def import_sample(request: HttpRequest, kind: str) -> HttpResponse:
    """The blank workbook for one kind (web/import_samples.py), for whoever may import."""
    if not request_scope(request).can_write_anything or kind not in COLUMNS:
        raise Http404
    label = ImportUploadForm().kind_label(kind)
    body = sample_workbook(list(COLUMNS[kind]), _("Nhập dữ liệu: {kind}").format(kind=label))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


def import_confirm(request: HttpRequest) -> HttpResponse:
    """Write a checked file: once (a second click, or a stale page, is told so)."""
    if request.method != "POST":
        return redirect("web:import_start")
    user = acting_user(request)
    try:
        check = job_of(user, request.POST.get("job", ""))
    except ServiceError:
        raise Http404 from None
    if check.kind != "import_check" or check.status != Status.DONE or not (check.result or {}).get("ok"):
        messages.warning(request, ServiceError("jobs.check_failed").message)
        return redirect("web:import_start")
    try:
        job = job_start(
            actor=user,
            kind="import_apply",
            title=_("Nhập tệp “{name}”").format(name=check.params.get("name", "")),
            params={k: check.params[k] for k in ("kind", "file", "name")},
            follows=check,
        )
    except ServiceError as exc:  # already confirmed: show where it went
        messages.warning(request, exc.message)
        follower = getattr(check, "followed_by", None)
        if follower is not None:
            return redirect("web:job_detail", pk=follower.pk)
        return redirect("web:import_start")
    return redirect("web:job_detail", pk=job.pk)
