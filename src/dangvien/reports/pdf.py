"""A report page (HTML with its SVG charts) printed to PDF by headless Chromium: the same
engine that draws it on screen, so the paper looks like the page. No network, a throw-away
profile per run. The page is our own template (every text escaped, no script in it);
Chromium's switch that turns scripts off also stops it from printing, so it is not used.
Without Chromium the app says so; the page itself still prints from any browser (its print
style sheet fits one A4 page)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from dangvien.core.errors import ServiceError

TIMEOUT_SECONDS = 60


class ReportPdfUnavailable(ServiceError):
    def __init__(self) -> None:
        super().__init__("reports.pdf_unavailable")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def html_to_pdf(html: str) -> bytes:
    exe = chromium()
    if exe is None:
        raise ReportPdfUnavailable
    with tempfile.TemporaryDirectory(prefix="dangvien-report-") as tmp:
        work = Path(tmp)
        page = work / "report.html"
        page.write_text(html, encoding="utf-8")
        out = work / "report.pdf"
        subprocess.run(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={work / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        return out.read_bytes()
