"""Rendering a form: the template (the packaged default) filled with the dossier's fields."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError

from dangvien.core.errors import ServiceError
from dangvien.documents.context import Fields
from dangvien.documents.forms import BY_CODE
from dangvien.documents.sandbox import TemplateRefused, form_environment

DEFAULTS = Path(__file__).resolve().parent / "templates"


@cache
def default_template(code: str) -> tuple[bytes, str]:
    """The packaged template's bytes and its version ("default:" + the first 12 hex of its hash)."""
    data = (DEFAULTS / f"{BY_CODE[code].file}.docx").read_bytes()
    return data, "default:" + hashlib.sha256(data).hexdigest()[:12]


def render_docx(template: bytes, fields: Fields) -> bytes:
    """Every template, packaged or uploaded, runs in the forms' sandbox (documents.sandbox):
    a template that tries more than reading fields raises TemplateRefused or SecurityError."""
    doc = DocxTemplate(io.BytesIO(template))
    try:
        doc.render(fields, jinja_env=form_environment(), autoescape=True)
    except (TemplateRefused, SecurityError) as exc:
        # A stored template from before the upload check, or one the check missed.
        raise ServiceError("documents.template_refused", detail=str(exc)[:300]) from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
