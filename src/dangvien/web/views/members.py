from __future__ import annotations

from dataclasses import fields

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import mask
from dangvien.cases.models import OPEN_TRANSFER_STATES, Recognition
from dangvien.cases.timeline import member_history
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.replica import reads_replica
from dangvien.jobs.services import job_start
from dangvien.members import services
from dangvien.members.exporting import member_export_count, member_export_name, member_export_write
from dangvien.members.models import ACTIVE_STATUSES, Status
from dangvien.members.selectors import (
    MemberFilter,
    member_get,
    member_list,
    person_other_memberships,
    possible_duplicates,
)
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import cells_in_scope, org_ancestors
from dangvien.people.ages import AGE_BANDS
from dangvien.people.cccd import CccdError, validate_cccd
from dangvien.people.models import Sex
from dangvien.people.services import PersonData
from dangvien.people.units import province_name, ward_name, wards_of
from dangvien.reports.kept import kept_page
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import MemberEventForm, MemberForm, add_service_error


def _cell_choices(scope: Scope) -> list[tuple[str, str]]:
    return [
        (str(pk), f"{name} ({code})")
        for pk, name, code in cells_in_scope(scope, write=True).values_list("pk", "name", "code")
    ]


CELL_SELECT_LIMIT = 300


def member_list_view(request: HttpRequest) -> HttpResponse:
    """Search and filters come by POST: a name or a CCCD must not sit in a URL, where
    browser history and proxies keep it."""
    scope = request_scope(request)
    data = request.POST if request.method == "POST" else request.GET
    cell_code = data.get("cell", "")
    cell = scope.orgs().filter(code=cell_code).first() if cell_code else None
    f = MemberFilter(
        q=data.get("q", "")[:100],
        cell=cell,
        status=data.get("status", ""),
        sex=data.get("sex", ""),
        age_band=data.get("age_band", ""),
    )
    try:
        page_no = int(data.get("page", "1"))
    except ValueError:
        page_no = 1
    page = member_list(scope, f, page=page_no)
    partial = bool(request.htmx)  # type: ignore[attr-defined]
    context = {
        "nav": "members",
        "page": page,
        "f": f,
        "cell_code": cell_code,
        # A province has thousands of cells: past a few hundred a select list is useless
        # (and slow to render); the page then asks for an organization code instead.
        "cells": []
        if partial
        else list(cells_in_scope(scope).values_list("code", "name")[: CELL_SELECT_LIMIT + 1]),
        "cell_select_limit": CELL_SELECT_LIMIT,
        "statuses": [(s.value, s.label) for s in Status],
        "active_statuses": ACTIVE_STATUSES,
        "sexes": Sex.choices,
        "age_bands": [b[0] for b in AGE_BANDS],
        "can_add": scope.can_write_anything,
    }
    template = "web/members/_results.html" if partial else "web/members/list.html"
    return render(request, template, context)


def _member_page(scope: Scope, pk: int) -> dict[str, object]:
    m = member_get(scope, pk)
    person = m.person
    can_write = scope.can_write(m.cell)
    return {
        "m": m,
        "p": person,
        "history": member_history(m),
        "recognition": Recognition.objects.filter(membership=m).first(),
        "open_transfer": m.transfers.filter(state__in=OPEN_TRANSFER_STATES).first(),
        "exemptions": list(m.exemptions.all()),
        "residence": m.residences.filter(ended_on__isnull=True).select_related("cell").first(),
        "others": person_other_memberships(m),
        "can_write": can_write,
        # A viewer sees the CCCD masked (008*******81): identity numbers are for the staff.
        "cccd": person.cccd if can_write else mask(person.cccd),
        "ancestors": [a for a in org_ancestors(m.cell) if scope.can_read(a)],
        "province": province_name(person.residence_province) if person.residence_province else "",
        "ward": ward_name(person.residence_ward) if person.residence_ward else "",
    }


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request_scope(request)
    # Read once per data version and day by everyone who sees what this user sees (eight
    # queries); any write makes the next visit read it afresh (core/keep.py). Everything
    # that depends on the user (masking, ancestors) depends only on that scope.
    page = kept_page("member-page", scope, (pk, timezone.localdate()), lambda: _member_page(scope, pk))
    return render(request, "web/members/detail.html", {"nav": "members", **page})


def member_add(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    cells = _cell_choices(scope)
    if not cells:
        raise Http404
    initial = {}
    if request.GET.get("cell"):
        initial["cell"] = request.GET["cell"]
    form = MemberForm(request.POST or None, cells=cells, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cell = Organization.objects.get(pk=int(d["cell"]))
            m = services.member_register(
                actor=acting_user(request),
                person=form.person_data(),
                cell=cell,
                admission_date=d["admission_date"],
                card_number=d["card_number"],
                ceremony_date=d["ceremony_date"],
                official_date=d["official_date"],
                status=d["status"] or None,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm đảng viên {m.person.full_name}.").format(m=m))
            return redirect("web:member_detail", pk=m.pk)
    return render(
        request, "web/members/form.html", {"nav": "members", "form": form, "title": _("Thêm đảng viên")}
    )


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request_scope(request)
    m = member_get(scope, pk)
    if not scope.can_write(m.cell):
        raise Http404
    p = m.person
    initial = {f.name: getattr(p, f.name) for f in fields(PersonData)}
    initial.update(card_number=m.card_number, ceremony_date=m.ceremony_date)
    form = MemberForm(request.POST or None, cells=[], editing=True, initial=initial)
    version = request.POST.get("version", m.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=acting_user(request),
                membership=m,
                expected_version=int(version),
                person=form.person_data(),
                card_number=form.cleaned_data["card_number"],
                ceremony_date=form.cleaned_data["ceremony_date"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("web:member_detail", pk=m.pk)
    return render(
        request,
        "web/members/form.html",
        {"nav": "members", "form": form, "m": m, "version": version, "title": f"Sửa: {p.full_name}"},
    )


def member_event(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request_scope(request)
    m = member_get(scope, pk)
    if not scope.can_write(m.cell):
        raise Http404
    cells = [c for c in _cell_choices(scope) if c[0] != str(m.cell_id)]
    form = MemberEventForm(request.POST or None, cells=cells, initial={"version": m.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        to_cell = Organization.objects.filter(pk=int(d["to_cell"])).first() if d["to_cell"] else None
        try:
            services.member_record_event(
                actor=acting_user(request),
                membership=m,
                kind=d["kind"],
                on=d["on"],
                expected_version=d["version"],
                to_cell=to_cell,
                decision_ref=d["decision_ref"],
                note=d["note"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi."))
            return redirect("web:member_detail", pk=m.pk)
    return render(request, "web/members/event.html", {"nav": "members", "form": form, "m": m})


def check_cccd(request: HttpRequest) -> HttpResponse:
    """Inline check while typing: says at once what is wrong with the number."""

    number = request.POST.get("cccd", "").strip()
    message = ""
    if number:
        try:
            birth = parse_user_date(request.POST.get("birth_date"))
        except DateError:
            birth = None
        sex = request.POST.get("sex") or None
        try:
            validate_cccd(number, sex=sex, birth_date=birth)
        except CccdError as exc:
            message = str(exc)
    return render(request, "web/partials/field_error.html", {"message": message})


def wards_options(request: HttpRequest) -> HttpResponse:
    province = request.GET.get("residence_province", "")
    wards = wards_of(int(province)) if province.isdigit() else []
    return render(request, "web/partials/ward_options.html", {"wards": wards})


def duplicates(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    return render(
        request,
        "web/members/duplicates.html",
        {"nav": "members", "groups": possible_duplicates(scope), "sees_identity": scope.can_write_anything},
    )


EXPORT_INLINE_ROWS = 3000  # more rows than this are written by a job, with its progress


@reads_replica
def member_export(request: HttpRequest) -> HttpResponseBase:
    """The members the user may see, in the import's columns (re-importable), as XLSX or CSV:
    at once for a cell or a commune, as a job for more."""
    import tempfile

    from django.http import FileResponse

    scope = request_scope(request)
    code = request.GET.get("cell", "")
    root = scope.orgs().filter(code=code).first() if code else None
    if code and root is None:
        raise Http404
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    total = member_export_count(scope, root)
    if total > EXPORT_INLINE_ROWS:
        job = job_start(
            actor=acting_user(request),
            kind="member_export",
            title=_("Danh sách đảng viên {org} ({fmt})").format(
                org=root.name if root else _("trong phạm vi"), fmt=fmt.upper()
            ),
            params={"cell": code, "format": fmt, "total": total},
        )
        return redirect("web:job_detail", pk=job.pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    member_export_write(out, scope=scope, root=root, fmt=fmt, actor=acting_user(request))
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=member_export_name(root, fmt))
