"""Admissions held together on anniversaries: the coming days and the dossiers that fit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.cases.admission.ceremonies import ceremony_day_add, ceremony_day_remove, ceremony_plan
from dangvien.cases.models import CeremonyDay
from dangvien.core.errors import ServiceError
from dangvien.orgs.scope import ScopeDenied
from dangvien.web.context import acting_user, request_scope
from dangvien.web.views.cases import _org_from_request


class CeremonyDayForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên ngày kỷ niệm"), max_length=200)
    day = forms.IntegerField(label=gettext_lazy("Ngày"), min_value=1, max_value=31)
    month = forms.IntegerField(label=gettext_lazy("Tháng"), min_value=1, max_value=12)


def ceremonies_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    can_manage = scope.can_manage(org)
    form = CeremonyDayForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise Http404
        back = f"{request.path}?to-chuc={org.code}"
        try:
            if request.POST.get("action") == "remove":
                row = (
                    CeremonyDay.objects.filter(pk=request.POST.get("id", "0") or 0)
                    .select_related("organization")
                    .first()
                )
                if row is None or not scope.can_read(row.organization):
                    messages.info(request, _("Ngày này đã được bỏ khỏi danh sách."))
                    return redirect(back)
                ceremony_day_remove(actor=acting_user(request), row=row)
                messages.success(request, _("Đã bỏ ngày kỷ niệm."))
                return redirect(back)
            assert form is not None
            if form.is_valid():
                d = form.cleaned_data
                ceremony_day_add(
                    actor=acting_user(request), org=org, name=d["name"], day=d["day"], month=d["month"]
                )
                messages.success(request, _("Đã thêm ngày kỷ niệm {name}.").format(name=d["name"]))
                return redirect(back)
        except ScopeDenied:
            raise Http404 from None
        except ServiceError as exc:
            assert form is not None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    today = timezone.localdate()
    plan = ceremony_plan(scope, org, today)
    local = CeremonyDay.objects.filter(organization__in=[*org.ancestor_ids(), org.pk]).select_related(
        "organization"
    )
    return render(
        request,
        "web/cases/ceremonies.html",
        {
            "nav": "cases",
            "org": org,
            "roots": scope.roots,
            "plan": plan,
            "form": form,
            "local": local,
            "today": today,
        },
    )
