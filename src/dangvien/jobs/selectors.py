from __future__ import annotations

import uuid

from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.jobs.models import Job
from dangvien.jobs.services import job_mark_if_lost


def job_of(user: User, job_id: object) -> Job:
    """The user's own job (nobody else's: its result may hold names from their scope),
    marked failed if its worker died."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        raise ServiceError("jobs.not_found") from None
    job = Job.objects.filter(pk=key, user=user).first()
    if job is None:
        raise ServiceError("jobs.not_found")
    return job_mark_if_lost(job)


def jobs_of(user: User, *, limit: int = 20) -> list[Job]:
    return [job_mark_if_lost(j) for j in Job.objects.filter(user=user).order_by("-created_at")[:limit]]
