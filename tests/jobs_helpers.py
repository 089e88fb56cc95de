"""Running the queued jobs inside a test: the framework's own worker code (claim, run,
record) on each ready task, in the test's transaction. `dangvien worker` itself is run as a
real process in tests/jobs/test_worker_process.py."""

from __future__ import annotations

from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_jobs() -> int:
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    n = 0
    while (task := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        task.claim("test")
        worker.run_task(task)
        n += 1
    return n


def finish(client: Client, response) -> str:  # type: ignore[no-untyped-def]
    """A page that started a job redirects to the job's page: run the job, read the page."""
    assert response.status_code == 302 and response["Location"].startswith("/viec/"), response
    run_jobs()
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()
