"""The framework's tasks: run a job by its id (everything a job needs is on its row), and
refresh the planner's statistics after a load where autovacuum is off (core/bulk.py)."""

from __future__ import annotations

from django_tasks import task

from dangvien.core.bulk import analyze_labels
from dangvien.jobs.services import job_run


@task()
def run_job(job_id: str) -> None:
    job_run(job_id)


@task()
def analyze_tables(labels: list[str]) -> None:
    """ANALYZE these models' tables: what autovacuum would have done after a load. No page
    and no audit entry: it changes no data, only the statistics PostgreSQL plans by."""
    analyze_labels(labels)


def analyze_later(labels: list[str]) -> None:
    analyze_tables.enqueue(labels)
