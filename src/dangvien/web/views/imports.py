from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvien.committees.importing import COLUMNS as ASSIGNMENT_COLUMNS
from dangvien.committees.importing import HEADCOUNT_COLUMNS, import_assignments, import_headcounts
from dangvien.core.spreadsheet import ImportResult, UploadLimits, safe_upload_name, upload_limits
from dangvien.members.events_import import COLUMNS as EVENT_COLUMNS
from dangvien.members.events_import import import_events
from dangvien.members.importing import COLUMNS as MEMBER_COLUMNS
from dangvien.members.importing import import_members
from dangvien.members.officers import COLUMNS as OFFICER_COLUMNS
from dangvien.members.officers import import_officers
from dangvien.orgs.importing import COLUMNS as ORG_COLUMNS
from dangvien.orgs.importing import import_orgs
from dangvien.ratings.importing import COLUMNS as RATING_COLUMNS
from dangvien.ratings.importing import import_ratings
from dangvien.targets.importing import COLUMNS as TARGET_COLUMNS
from dangvien.targets.importing import import_targets
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import ImportUploadForm

IMPORTERS = {
    "members": import_members,
    "orgs": import_orgs,
    "targets": import_targets,
    "ratings": import_ratings,
    "officers": import_officers,
    "events": import_events,
    "assignments": import_assignments,
    "headcounts": import_headcounts,
}
COLUMNS = {
    "members": MEMBER_COLUMNS,
    "orgs": ORG_COLUMNS,
    "targets": TARGET_COLUMNS,
    "ratings": RATING_COLUMNS,
    "officers": OFFICER_COLUMNS,
    "events": EVENT_COLUMNS,
    "assignments": ASSIGNMENT_COLUMNS,
    "headcounts": HEADCOUNT_COLUMNS,
}
_SESSION_KEY = "pending_import"


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _limits() -> UploadLimits:
    return UploadLimits(
        max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024, max_rows=settings.IMPORT_MAX_ROWS
    )


def import_start(request: HttpRequest) -> HttpResponse:
    """Upload, then a dry run shows what would change and every error; nothing is written
    until the user confirms."""
    scope = request_scope(request)
    if not scope.can_write_anything:
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            form.add_error("file", "Chỉ nhận tệp .xlsx hoặc .csv")
        elif upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            form.add_error(
                "file", f"Tệp lớn hơn {settings.IMPORT_MAX_UPLOAD_MB} MB: hãy dùng lệnh dangvien import"
            )
        else:
            target = _upload_dir() / safe_upload_name(suffix)
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            kind = form.cleaned_data["kind"]
            with upload_limits(_limits()):
                result = IMPORTERS[kind](path=target, actor=acting_user(request), dry_run=True)
            if result.ok:
                token = secrets.token_urlsafe(16)
                request.session[_SESSION_KEY] = {
                    "token": token,
                    "file": target.name,
                    "kind": kind,
                    "name": Path(upload.name).name[:100],
                }
            else:
                target.unlink(missing_ok=True)
    context = {
        "nav": "import",
        "form": form,
        "result": result,
        "token": token,
        "columns": {k: [c for c in v] for k, v in COLUMNS.items()},
    }
    return render(request, "web/imports/start.html", context)


def import_confirm(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:import_start")
    pending = request.session.get(_SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        # A second click, or a stale page: the first confirmation already used the token.
        messages.warning(
            request, _("Tệp này đã được nhập hoặc phiên đã hết hạn. Hãy tải tệp lên lại nếu cần.")
        )
        return redirect("web:import_start")
    del request.session[_SESSION_KEY]
    path = _upload_dir() / Path(pending["file"]).name
    if not path.exists():
        messages.warning(request, _("Không còn tệp đã tải lên. Hãy tải lên lại."))
        return redirect("web:import_start")
    try:
        with upload_limits(_limits()):
            result = IMPORTERS[pending["kind"]](path=path, actor=acting_user(request), dry_run=False)
    finally:
        path.unlink(missing_ok=True)
    if result.ok:
        messages.success(request, _("Đã nhập “{v1}”: {v2}.").format(v1=pending["name"], v2=result.summary()))
    else:
        messages.error(
            request,
            _("Không nhập gì: dữ liệu đã thay đổi từ lúc kiểm tra ({v1} lỗi). Hãy tải tệp lên lại.").format(
                v1=len(result.errors)
            ),
        )
    return redirect("web:import_start")
