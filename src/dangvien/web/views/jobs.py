"""A job's page: its progress while it runs (htmx polls the state every second and stops
when the job is over), then its result: an import's preview with the button to write it,
what was written, or the file to download. Only the user who started a job sees it."""

from __future__ import annotations

import time

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from dangvien.core.errors import ServiceError
from dangvien.jobs import progress
from dangvien.jobs.files import job_dir
from dangvien.jobs.models import Job, Status
from dangvien.jobs.selectors import job_of, jobs_of
from dangvien.web.context import acting_user

# A job queued this long with no worker seen lately: say so, and what to run.
NO_WORKER_AFTER = 15.0


def _job(request: HttpRequest, pk: object) -> Job:
    try:
        return job_of(acting_user(request), pk)
    except ServiceError:
        raise Http404 from None


def _state(job: Job) -> dict[str, object]:
    snap = progress.snapshot(job.pk) if job.status == Status.RUNNING else None
    seen = progress.worker_seen()
    waiting = time.time() - job.created_at.timestamp()
    return {
        "job": job,
        "snap": snap,
        "percent": round(snap.share * 100, 1) if snap and snap.share is not None else None,
        "no_worker": job.status == Status.QUEUED
        and waiting > NO_WORKER_AFTER
        and (seen is None or time.time() - seen > NO_WORKER_AFTER),
        "result": job.result or {},
    }


def job_detail(request: HttpRequest, pk: object) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "web/jobs/detail.html", {"nav": "jobs", **_state(job)})


def job_state(request: HttpRequest, pk: object) -> HttpResponse:
    """The part of the page htmx polls. 286 tells htmx to stop polling: the job is over."""
    job = _job(request, pk)
    response = render(request, "web/jobs/_state.html", _state(job))
    response.session_untouched = True  # type: ignore[attr-defined]  # see core.middleware
    if job.finished:
        response.status_code = 286
    return response


def job_file(request: HttpRequest, pk: object) -> HttpResponseBase:
    job = _job(request, pk)
    result = job.result or {}
    name = result.get("file")
    if job.status != Status.DONE or not name:
        raise Http404
    path = job_dir(job.pk) / str(name).replace("/", "").replace("\\", "")
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=result.get("mime")
    )


def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/jobs/list.html", {"nav": "jobs", "jobs": jobs_of(acting_user(request))})
