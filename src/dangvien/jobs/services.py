"""Starting a job, running it in the worker, and telling a lost job from a slow one."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.replica import pin_to_primary
from dangvien.jobs import progress
from dangvien.jobs.models import Job, Status
from dangvien.jobs.registry import handler_for

logger = logging.getLogger("dangvien.jobs")


def job_start(
    *,
    actor: User | None,
    kind: str,
    title: str,
    params: dict[str, Any],
    follows: Job | None = None,
    key: str | None = None,
) -> Job:
    """The job row and the framework's task row in one transaction: the worker sees both or
    neither. The reader's language goes with it (the job's messages are made in it)."""
    from dangvien.jobs.tasks import run_job

    with transaction.atomic():
        if follows is not None:
            # The check's row locked, then its follower looked for: a double click waits
            # here and is refused (and the one-to-one would refuse it anyway).
            list(Job.objects.select_for_update().filter(pk=follows.pk).values_list("pk"))
            if Job.objects.filter(follows=follows).exists():
                raise ServiceError("jobs.already_followed")
        job = Job.objects.create(
            kind=kind,
            title=title[:200],
            user=actor,
            params={**params, "lang": translation.get_language() or settings.LANGUAGE_CODE},
            follows=follows,
            key=key,
        )
        run_job.enqueue(str(job.pk))
    return job


def job_run(job_id: str) -> None:
    """In the worker: claim the job (once), run its handler with a heartbeat, record the
    outcome. A handler's refusal (ServiceError) is the user's message; anything else is
    logged with the job's id (no data) and told as an unexpected failure."""
    claimed = Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # run already, or marked lost meanwhile
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    reporter = progress.Reporter(job.pk)
    with translation.override(job.params.get("lang", settings.LANGUAGE_CODE)):
        try:
            with progress.Heartbeat(job.pk):
                result = handler_for(job.kind)(job, reporter)
        except ServiceError as exc:
            _finish(job, Status.FAILED, error=exc.message)
            return
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(
                job,
                Status.FAILED,
                error=_(
                    "Có lỗi không lường trước khi chạy việc này; không có gì được ghi. Hãy thử lại; "
                    "nếu vẫn lỗi, báo quản trị viên kèm mã việc {id}."
                ).format(id=str(job.pk)[:8]),
            )
            return
    _finish(job, Status.DONE, result=result)
    pin_to_primary(job.user_id)  # what the job wrote, its user reads at once


def _finish(job: Job, status: str, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=status, result=result, error=error, finished_at=timezone.now()
    )


def lost_message() -> str:
    return _(
        "Tiến trình chạy việc nền đã dừng giữa chừng (máy tắt hoặc khởi động lại), nên việc "
        "này không xong; không có gì được ghi dở. Hãy chạy lại."
    )


def job_mark_if_lost(job: Job, *, now: float | None = None) -> Job:
    """A running job whose heartbeat stopped LOST_AFTER seconds ago is failed, once (the
    update is conditional: two readers at the same moment mark it once). Its import's
    transaction died with the worker: nothing half-written."""
    if job.status != Status.RUNNING:
        return job
    now = now or time.time()
    beat = progress.last_beat(job.pk)
    started = job.started_at.timestamp() if job.started_at else now
    if (beat if beat is not None else started) > now - progress.lost_after():
        return job
    with translation.override(job.params.get("lang", settings.LANGUAGE_CODE)):
        message = lost_message()
    if Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED, error=message, finished_at=timezone.now()
    ):
        logger.warning(
            "job %s (%s) lost: no heartbeat since %.0f s", job.pk, job.kind, now - (beat or started)
        )
    job.refresh_from_db()
    return job


def jobs_mark_lost() -> int:
    """At a worker's start: every running job gone silent is failed (a worker died with it),
    and the framework's task row with it, so that nothing shows it running for ever."""
    from django_tasks_db.models import DBTaskResult

    n = 0
    for job in Job.objects.filter(status=Status.RUNNING):
        if job_mark_if_lost(job).status == Status.FAILED:
            n += 1
            DBTaskResult.objects.filter(status="RUNNING", args_kwargs__args__0=str(job.pk)).update(
                status="FAILED", finished_at=timezone.now()
            )
    return n


def jobs_prune(*, older_than_days: int = 7) -> int:
    """Finished jobs (and their files) a week old are removed: results are fetched at once."""
    from dangvien.jobs.files import job_files_remove

    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    old = list(Job.objects.filter(finished_at__lt=cutoff).values_list("pk", flat=True))
    for pk in old:
        job_files_remove(pk)
    Job.objects.filter(pk__in=old).delete()
    return len(old)


def tick_start(day: dt.date) -> Job | None:
    """The day's tick as a job, once whichever worker asks first (the key is unique)."""
    if Job.objects.filter(key=f"tick:{day.isoformat()}").exists():
        return None
    try:
        return job_start(
            actor=None,
            kind="tick",
            title=_("Rà soát thời hạn ngày {day:%d/%m/%Y}").format(day=day),
            params={"day": day.isoformat()},
            key=f"tick:{day.isoformat()}",
        )
    except IntegrityError:  # another worker, at the same moment
        return None
