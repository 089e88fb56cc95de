"""The one task of the framework: run a job by its id. Everything a job needs is on its row."""

from __future__ import annotations

from django_tasks import task

from dangvien.jobs.services import job_run


@task()
def run_job(job_id: str) -> None:
    job_run(job_id)
