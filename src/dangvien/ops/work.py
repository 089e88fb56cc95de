"""The kinds of long work and what each does in the worker (issue 22). Each handler
checks its user's scope again in the worker, as the page that started it did: a job
carries ids, never a permission."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dangvien.candidates.importing import import_candidates
from dangvien.cases.admission.selectors import case_get
from dangvien.cases.models import Case
from dangvien.committees.importing import import_assignments, import_headcounts
from dangvien.core.errors import ServiceError
from dangvien.core.spreadsheet import ImportResult, Progress, UploadLimits, upload_limits
from dangvien.documents.services import dossier_pdf
from dangvien.jobs.files import job_dir
from dangvien.jobs.models import Job
from dangvien.jobs.progress import Reporter
from dangvien.jobs.registry import handles
from dangvien.members.events_import import import_events
from dangvien.members.exporting import member_export_name, member_export_write
from dangvien.members.importing import import_members
from dangvien.members.officers import import_officers
from dangvien.orgs.importing import import_orgs
from dangvien.orgs.scope import scope_for
from dangvien.ratings.importing import import_ratings
from dangvien.targets.importing import import_targets
from dangvien.watch.services import tick

Importer = Callable[..., ImportResult]
# Every kind of file, for the command line and the web alike.
IMPORTERS: dict[str, Importer] = {
    "orgs": import_orgs,
    "members": import_members,
    "candidates": import_candidates,
    "targets": import_targets,
    "ratings": import_ratings,
    "officers": import_officers,
    "events": import_events,
    "assignments": import_assignments,
    "headcounts": import_headcounts,
}


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploads_prune(*, older_than_hours: int = 24) -> int:
    """Uploads checked but never confirmed (the user went away) are deleted after a day."""
    import time

    cutoff = time.time() - older_than_hours * 3600
    old = [p for p in upload_dir().iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def web_limits() -> UploadLimits:
    return UploadLimits(
        max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024, max_rows=settings.IMPORT_MAX_ROWS
    )


def _upload(job: Job) -> Path:
    # The name was made by safe_upload_name on upload; Path().name keeps it in the folder.
    path = upload_dir() / Path(job.params["file"]).name
    if not path.exists():
        raise ServiceError("jobs.file_gone")
    return path


def _import(job: Job, reporter: Reporter, *, dry_run: bool) -> ImportResult:
    reporter.phase(_("Đang đọc và kiểm tra tệp") if dry_run else _("Đang ghi vào cơ sở dữ liệu"))
    progress: Progress = reporter
    with upload_limits(web_limits()):
        return IMPORTERS[job.params["kind"]](
            path=_upload(job), actor=job.user, dry_run=dry_run, progress=progress
        )


def _import_result(result: ImportResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "summary": result.summary(),
        "rows": result.rows,
        "samples": list(result.samples),
        "changes": result.created + result.updated,
        "notices": list(result.notices),
        "errors": [str(e) for e in result.errors[:500]],
        "error_count": len(result.errors),
    }


@handles("import_check")
def import_check(job: Job, reporter: Reporter) -> dict[str, Any]:
    """The dry run: every error, nothing written. A file with errors is deleted at once."""
    result = _import(job, reporter, dry_run=True)
    if not result.ok:
        _upload(job).unlink(missing_ok=True)
    return _import_result(result)


@handles("import_apply")
def import_apply(job: Job, reporter: Reporter) -> dict[str, Any]:
    """The writing, all or nothing (one transaction: a worker killed midway writes nothing);
    the upload is deleted whatever the outcome."""
    try:
        result = _import(job, reporter, dry_run=False)
    finally:
        (upload_dir() / Path(job.params["file"]).name).unlink(missing_ok=True)
    return _import_result(result)


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@handles("dossier_pdf")
def dossier_pdf_job(job: Job, reporter: Reporter) -> dict[str, Any]:
    reporter.phase(_("Đang tạo các giấy tờ và ghép thành một tệp PDF"))
    scope = scope_for(job.user)
    try:
        case = case_get(scope, job.params["case"])
    except Case.DoesNotExist:
        raise ServiceError("jobs.not_found") from None
    if not scope.can_write(case.cell):
        raise ServiceError("jobs.not_found")
    name = f"ho-so-ket-nap-{case.pk}.pdf"
    (job_dir(job.pk) / name).write_bytes(dossier_pdf(actor=job.user, case=case))
    return {"file": name, "mime": PDF}


@handles("member_export")
def member_export_job(job: Job, reporter: Reporter) -> dict[str, Any]:
    """The members the user may see, in the import's columns; the rows counted as written."""
    scope = scope_for(job.user)
    code = job.params.get("cell") or ""
    root = scope.orgs().filter(code=code).first() if code else None
    if code and root is None:
        raise ServiceError("jobs.not_found")
    fmt = "csv" if job.params.get("format") == "csv" else "xlsx"
    total = int(job.params.get("total") or 0)
    reporter.phase(_("Đang ghi danh sách đảng viên"), total)

    name = member_export_name(root, fmt)
    with (job_dir(job.pk) / name).open("wb") as out:
        n = member_export_write(
            out, scope=scope, root=root, fmt=fmt, actor=job.user, each=lambda i: reporter(i, max(total, i))
        )
    reporter(n, n)
    return {"file": name, "mime": XLSX if fmt == "xlsx" else "text/csv", "rows": n}


@handles("tick")
def tick_job(job: Job, reporter: Reporter) -> dict[str, Any]:
    import datetime as dt

    reporter.phase(_("Đang rà soát thời hạn và gửi thông báo"))
    as_of = dt.date.fromisoformat(job.params["day"]) if job.params.get("day") else None
    result = tick(as_of=as_of, send_mail=job.params.get("mail", True))
    return {"day": result.as_of.isoformat(), "items": result.items, "created": result.created}
