"""Pickers' searches (htmx): a cell's official members for a mentor or an introducer, by
the words of a name (core.search) or the start of a card number, a few at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dangvien.members.selectors import official_choice, officials_of_cell
from dangvien.orgs.models import Organization
from dangvien.web.context import request_scope
from dangvien.web.forms import PICKER_ROWS


def officials_url(cell: Organization, field: str, *, exclude_person_id: int | None = None) -> str:
    query = {"ten": field, **({"bo": exclude_person_id} if exclude_person_id else {})}
    return reverse("web:cell_officials", args=[cell.code]) + "?" + urlencode(query)


def cell_officials(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    cell = Organization.objects.filter(code=code).first()
    if cell is None or not scope.can_write(cell):
        raise Http404
    field = request.GET.get("ten", "")
    if field not in ("mentor", "introducer"):
        raise Http404
    exclude = request.GET.get("bo", "")
    qs = officials_of_cell(
        cell.pk,
        q=request.GET.get("q", "")[:100],
        exclude_person_id=int(exclude) if exclude.isdigit() else None,
    )
    found = list(qs[: PICKER_ROWS + 1])
    total = len(found) if len(found) <= PICKER_ROWS else qs.count()
    rows = [official_choice(m) for m in found[:PICKER_ROWS]]
    return render(
        request,
        "web/partials/_member_rows.html",
        {"rows": rows, "total": total, "name": field, "current": ""},
    )
