"""A job's files: the upload it reads and the file it makes, in the data folder under
jobs/<id>/, never under the web root; served only through the job's own page."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings


def job_dir(job_id: object) -> Path:
    path = Path(settings.DATA_DIR) / "jobs" / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_files_remove(job_id: object) -> None:
    shutil.rmtree(Path(settings.DATA_DIR) / "jobs" / str(job_id), ignore_errors=True)
