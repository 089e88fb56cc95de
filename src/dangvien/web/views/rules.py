"""Administrators' pages for the rule packs and the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.errors import ServiceError
from dangvien.orgs.models import Organization, OrgKind
from dangvien.rules import services
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.models import CalendarDay, RuleOverride
from dangvien.rules.packs import CONFIDENCE_LABELS, PACKS, PARAMS
from dangvien.rules.selectors import rules_overview
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import CalendarDayForm, RuleOverrideForm, add_service_error


def _admin_only(request: HttpRequest) -> None:
    if not request_scope(request).is_admin:
        raise Http404


def rules_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    provinces = list(
        Organization.objects.filter(kind=OrgKind.PROVINCE, dissolved_on__isnull=True)
        .order_by("name")
        .values_list("pk", "name")
    )
    form = RuleOverrideForm(
        request.POST or None,
        params=[(k, _(p.label)) for k, p in PARAMS.items()],
        provinces=[(str(pk), name) for pk, name in provinces],
        initial={"key": request.GET.get("key", "")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.rule_override(
                actor=acting_user(request),
                key=d["key"],
                value=d["value"],
                effective_from=d["effective_from"],
                reason=d["reason"],
                province=Organization.objects.filter(pk=int(d["province"])).first()
                if d["province"]
                else None,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu điều chỉnh. Các kiểm tra từ ngày áp dụng dùng giá trị mới."))
            return redirect("web:rules")
    return render(
        request,
        "web/rules/rules.html",
        {
            "nav": "rules",
            "rows": rules_overview(today=timezone.localdate()),
            "packs": PACKS,
            "confidence": CONFIDENCE_LABELS,
            "form": form,
            # The parameters' codes (admission.min_age_months…) are for whoever reads the
            # settings or the code: shown on request only.
            "show_keys": request.GET.get("ma") == "1",
        },
    )


@require_POST
def rule_override_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    override = get_object_or_404(RuleOverride, pk=pk)
    try:
        services.rule_override_revoke(
            actor=acting_user(request), override=override, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy điều chỉnh: giá trị trước đó áp dụng trở lại."))
    return redirect("web:rules")


def calendar_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                services.calendar_day_remove(
                    actor=acting_user(request), date=dt.date.fromisoformat(request.POST["remove"])
                )
            except (ServiceError, ValueError):
                messages.error(request, _("Không tìm thấy ngày này trong danh sách điều chỉnh."))
            else:
                messages.success(request, _("Đã bỏ ngày điều chỉnh."))
            return redirect(f"{request.path}?nam={year}")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.calendar_day_set(
                    actor=acting_user(request), date=d["date"], working=d["working"], reason=d["reason"]
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu ngày {date}.").format(date=f"{d['date']:%d/%m/%Y}"))
                return redirect(f"{request.path}?nam={d['date'].year}")
    public = Calendar()
    holidays = [(d, public.holiday_name(d)) for d in _days(year) if public.holiday_name(d)]
    swaps = [d for d in _days(year) if d.weekday() >= 5 and public.is_working_day(d)]
    cal = calendar_from_db()
    return render(
        request,
        "web/rules/calendar.html",
        {
            "nav": "rules",
            "year": year,
            "holidays": holidays,
            "swaps": swaps,
            "declared": CalendarDay.objects.filter(date__year=year).select_related("created_by"),
            "working_days": cal.working_days_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)),
            "form": form,
        },
    )


def _days(year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    return [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]
