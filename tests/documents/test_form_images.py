"""Issue 19, item 5: the first page of 6-KNĐ, 8-KNĐ and 9-KNĐ of one fixed dossier, printed
through LibreOffice, is compared with a reviewed reference image (tests/reference), so that
a layout regression (a field that moved, a signature block that lost its name, a table that
broke) fails a test. Small differences of font rendering are allowed: the images are 30 dpi
grey, and the comparison is a mean difference and a share of strongly different pixels.

To review new references after a deliberate change of a form: delete the reference, run the
test (it writes the new one and a PNG in test-artifacts/ to look at, and fails once)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from dangvien.documents.pdf import docx_to_pdf
from dangvien.documents.services import document_generate
from dangvien.members.models import Office
from dangvien.members.officers import officer_appoint

from ..cases_helpers import officials
from .test_documents import admitted  # noqa: F401  (the fixed dossier)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
        reason="LibreOffice and poppler are needed (make test installs them when run as root)",
    ),
]
REFERENCE = Path(__file__).resolve().parent / "reference"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FORMS = ("6-KNĐ", "8-KNĐ", "9-KNĐ")


def grey_page(pdf: bytes, tmp: Path) -> tuple[int, int, bytes]:
    """The first page as 8-bit grey pixels at 30 dpi (pdftoppm's PGM)."""
    src = tmp / "p.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", str(src), str(tmp / "g")], check=True
    )
    data = next(tmp.glob("g*.pgm")).read_bytes()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(width), int(height), rest[: int(width) * int(height)]


def difference(a: bytes, b: bytes) -> tuple[float, float]:
    """(mean absolute difference, share of pixels differing by more than 64)."""
    total = strong = 0
    for x, y in zip(a, b, strict=True):
        d = abs(x - y)
        total += d
        strong += d > 64
    return total / len(a), strong / len(a)


def test_the_resolution_and_decision_pages_look_as_reviewed(admitted, users, tmp_path):  # noqa: F811
    secretary = officials(admitted.cell, 1, prefix="Bí thư")[0]
    officer_appoint(
        actor=None, organization=admitted.cell, office=Office.SECRETARY, membership=secretary,
        valid_from=admitted.opened_on,
    )  # fmt: skip
    docs = [bytes(document_generate(actor=None, form_code=code, case=admitted).content) for code in FORMS]
    pdfs = docx_to_pdf(docs)
    problems = []
    for code, pdf in zip(FORMS, pdfs, strict=True):
        work = tmp_path / code
        work.mkdir()
        width, height, pixels = grey_page(pdf, work)
        name = code.replace("Đ", "D")
        ref = REFERENCE / f"{name}.pgm.gz"
        if not ref.exists():
            ARTIFACTS.mkdir(exist_ok=True)
            png = ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(work / "p.pdf")]
            subprocess.run([*png, str(ARTIFACTS / f"reference-{name}")], check=True)
            REFERENCE.mkdir(exist_ok=True)
            ref.write_bytes(gzip.compress(f"{width} {height}\n".encode() + pixels, mtime=0))
            problems.append(f"{code}: no reference yet; written, review test-artifacts/reference-{name}.png")
            continue
        header, stored = gzip.decompress(ref.read_bytes()).split(b"\n", 1)
        if header.decode() != f"{width} {height}":
            problems.append(f"{code}: page size {width}×{height}, reference {header.decode()}")
            continue
        mean, strong = difference(pixels, stored)
        if mean > 3.0 or strong > 0.02:
            problems.append(f"{code}: differs from the reference (mean {mean:.2f}, strong {strong:.2%})")
    assert problems == []
