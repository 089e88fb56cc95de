"""DOCX → PDF with LibreOffice in headless mode, so the PDF is the Word paper; several
papers → one PDF for printing (pypdf). Without LibreOffice the app says so and still
serves DOCX."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfWriter

from dangvien.core.errors import ServiceError

TIMEOUT_SECONDS = 120


class PdfUnavailable(ServiceError):
    def __init__(self) -> None:
        super().__init__("documents.pdf_unavailable")


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(files: list[bytes]) -> list[bytes]:
    """Convert DOCX files in one LibreOffice run (its start-up is most of the cost), with a
    profile of its own so that two conversions at once do not share one."""
    exe = converter()
    if exe is None:
        raise PdfUnavailable
    with tempfile.TemporaryDirectory(prefix="dangvien-pdf-") as tmp:
        work = Path(tmp)
        names = []
        for i, data in enumerate(files):
            path = work / f"{i:03d}.docx"
            path.write_bytes(data)
            names.append(str(path))
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *names,
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        return [(work / f"{i:03d}.pdf").read_bytes() for i in range(len(files))]


def merge(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
