"""Which template a paper is made from, and the administrator's replacements: upload (for
the whole system or one province), validation, rollback. A template that is not a DOCX,
does not parse, or names a field the system does not have is refused with the reason,
and the active one stays."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.db import IntegrityError, transaction
from django.db.models import Max

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.documents.context import KNOWN, Fields
from dangvien.documents.forms import BY_CODE
from dangvien.documents.models import FormTemplate
from dangvien.documents.papers import PAPERS
from dangvien.documents.render import default_template, render_docx
from dangvien.documents.sandbox import TemplateRefused, form_environment
from dangvien.orgs.models import PATH_STEP, Organization
from dangvien.orgs.scope import ScopeDenied, scope_for

MAX_BYTES = 5 * 1024 * 1024


def province_of(org: Organization) -> Organization | None:
    """The root of the org's tree (its province), from the materialized path."""
    root_path = org.path[:PATH_STEP]
    return Organization.objects.filter(path=root_path).first() if root_path else None


def uploaded_template(form_code: str, org: Organization | None) -> tuple[bytes, str] | None:
    """The active uploaded template for a paper of `org`: its province's, else the
    system's; None when neither exists. Returns the bytes and the version label."""
    reaches = [""]
    if org is not None and org.path:
        root = province_of(org)
        if root is not None:
            reaches.insert(0, root.code)
    rows = {
        t.reach: t
        for t in FormTemplate.objects.filter(form=form_code, reach__in=reaches, active=True).only(
            "pk", "reach", "version", "content"
        )
    }
    for reach in reaches:
        t = rows.get(reach)
        if t is not None:
            return bytes(t.content), f"{form_code} {t.label}"
    return None


def template_for(form_code: str, cell: Organization | None) -> tuple[bytes, str]:
    """The active template for a paper of `cell`: an uploaded one, else the packaged default."""
    return uploaded_template(form_code, cell) or default_template(form_code)


def validate_template(data: bytes, known: frozenset[str] = KNOWN) -> None:
    """Refuse what would break the papers: not a DOCX, a Jinja syntax error, an unknown field
    (`known`: the top-level names of the paper's fields, the forms' by default)."""
    from docxtpl import DocxTemplate

    if len(data) > MAX_BYTES:
        raise ServiceError("documents.template_too_large", field="file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ServiceError("documents.template_not_docx", field="file")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "word/document.xml" not in z.namelist():
            raise ServiceError("documents.template_no_body", field="file")
    try:
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=form_environment())
    except TemplateRefused as exc:
        raise ServiceError("documents.template_refused_upload", field="file", detail=str(exc)[:300]) from None
    except Exception as exc:  # jinja2 TemplateSyntaxError and the XML errors of a damaged file
        raise ServiceError("documents.template_syntax", v1=str(exc)[:200], field="file") from None
    unknown = sorted(set(names) - known)
    if unknown:
        raise ServiceError("documents.unknown_fields", field="file", fields=", ".join(unknown))
    try:
        render_docx(data, Fields({k: Fields() for k in known}))
    except Exception as exc:
        raise ServiceError("documents.template_fails", v1=str(exc)[:200], field="file") from None


def _require_admin(actor: User | None) -> None:
    if not scope_for(actor).is_admin:
        raise ScopeDenied


@transaction.atomic
def template_upload(
    *, actor: User | None, form_code: str, data: bytes, province: Organization | None = None, note: str = ""
) -> FormTemplate:
    _require_admin(actor)
    if form_code not in BY_CODE and form_code not in PAPERS:
        raise ServiceError("documents.no_such_template", field="form")
    if province is not None and province.parent_id is not None:
        raise ServiceError("documents.province_missing", field="province")
    validate_template(data, PAPERS[form_code].known if form_code in PAPERS else KNOWN)
    reach = province.code if province else ""
    current = FormTemplate.objects.select_for_update().filter(form=form_code, reach=reach)
    version = (current.aggregate(v=Max("version"))["v"] or 0) + 1
    current.filter(active=True).update(active=False)
    try:
        with transaction.atomic():
            t = FormTemplate.objects.create(
                form=form_code,
                province=province,
                reach=reach,
                version=version,
                content=data,
                sha256=hashlib.sha256(data).hexdigest(),
                note=note.strip()[:300],
                uploaded_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError:  # two uploads at the same moment
        raise ServiceError("documents.template_race") from None
    audit_log(
        actor=actor,
        action="documents.template_upload",
        obj=t,
        changes={"form": form_code, "reach": reach, "version": version},
    )
    return t


@transaction.atomic
def template_activate(
    *, actor: User | None, template: FormTemplate | None, form_code: str, reach: str
) -> None:
    """Make an earlier version active again — or, with None, go back to the default."""
    _require_admin(actor)
    FormTemplate.objects.select_for_update().filter(form=form_code, reach=reach, active=True).update(
        active=False
    )
    if template is not None:
        FormTemplate.objects.filter(pk=template.pk).update(active=True)
    audit_log(
        actor=actor,
        action="documents.template_activate",
        obj=template,
        changes={"form": form_code, "reach": reach, "version": template.version if template else "default"},
    )
