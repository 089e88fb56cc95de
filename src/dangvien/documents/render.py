"""Rendering a form: the template (the packaged default) filled with the dossier's fields."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from docxtpl import DocxTemplate

from dangvien.documents.context import Fields
from dangvien.documents.forms import BY_CODE

DEFAULTS = Path(__file__).resolve().parent / "templates"


@cache
def default_template(code: str) -> tuple[bytes, str]:
    """The packaged template's bytes and its version ("default:" + the first 12 hex of its hash)."""
    data = (DEFAULTS / f"{BY_CODE[code].file}.docx").read_bytes()
    return data, "default:" + hashlib.sha256(data).hexdigest()[:12]


def render_docx(template: bytes, fields: Fields) -> bytes:
    # autoescape: a name with "<" or "&" stays text, it does not break the document's XML.
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(fields, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
