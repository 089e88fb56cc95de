"""Jobs whose work is the web's own (the printable progress page is an HTML template with
the web's charts): registered with the others through settings.JOB_MODULES."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dangvien.core.errors import ServiceError
from dangvien.jobs.files import job_dir
from dangvien.jobs.models import Job
from dangvien.jobs.progress import Reporter
from dangvien.jobs.registry import handles
from dangvien.orgs.scope import scope_for
from dangvien.reports.pdf import html_to_pdf


@handles("progress_pdf")
def progress_pdf_job(job: Job, reporter: Reporter) -> dict[str, Any]:
    from dangvien.web.views.progress import progress_page_html

    reporter.phase(_("Đang tạo trang báo cáo PDF"))
    scope = scope_for(job.user)
    org = scope.orgs().filter(code=job.params["org"]).first()
    if org is None:
        raise ServiceError("jobs.not_found")
    html = progress_page_html(
        scope, org, job.params["period"], dt.date.fromisoformat(job.params["as_of"]), job.user
    )
    if html is None:
        raise ServiceError("jobs.nothing_to_print")
    name = f"bao-cao-{org.code}-{job.params['period']}.pdf"
    (job_dir(job.pk) / name).write_bytes(html_to_pdf(html))
    return {"file": name, "mime": "application/pdf"}
