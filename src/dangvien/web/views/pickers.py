"""Pickers' searches (htmx): a cell's official members for a mentor or an introducer, by
the words of a name (core.search) or the start of a card number, a few at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dangvien.core.search import name_filter
from dangvien.members.models import Membership, Status
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
    q = request.GET.get("q", "")[:100].strip()
    qs = Membership.objects.filter(cell=cell, status=Status.OFFICIAL)
    exclude = request.GET.get("bo", "")
    if exclude.isdigit():
        qs = qs.exclude(person_id=int(exclude))
    if q:
        qs = qs.filter(name_filter(q, "person__name_search") | Q(card_number__startswith=q))
    found = list(
        qs.order_by("person__sort_key", "pk").values_list(
            "pk", "person__full_name", "person__birth_date", "card_number"
        )[: PICKER_ROWS + 1]
    )
    total = len(found) if len(found) <= PICKER_ROWS else qs.count()
    rows = [
        (str(pk), f"{name} ({born:%Y})" + (f" — {card}" if card else ""))
        for pk, name, born, card in found[:PICKER_ROWS]
    ]
    return render(
        request,
        "web/partials/_member_rows.html",
        {"rows": rows, "total": total, "name": field, "current": ""},
    )
