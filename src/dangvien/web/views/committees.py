"""The committee's working pages: who answers for which cell and the yearly duty of each
committee member; the survey of the pool (headcounts, members' share, units with no
source left). Read by anyone who sees the organization; written by its committee's staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.committees import services
from dangvien.committees.duties import duties_report
from dangvien.committees.models import Assignment, Covered
from dangvien.committees.selectors import assignments_made, cells_under, survey_history
from dangvien.committees.sourcing import sourcing_report
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.replica import reads_replica
from dangvien.documents.commendation_paper import proposal_docx
from dangvien.members.models import Membership
from dangvien.orgs.models import Organization
from dangvien.orgs.selectors import org_get
from dangvien.targets.commendations import GOOD_SHARE, commendation_record, commendation_rows
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import (
    AssignmentForm,
    CommendationForm,
    HeadcountForm,
    NoSourceForm,
    add_service_error,
)
from dangvien.web.views.documents import DOCX


def _committee(request: HttpRequest, code: str) -> Organization:
    org = org_get(request_scope(request), code=code)
    if org.is_cell:  # a cell answers to a committee; it has none to assign
        raise Http404
    return org


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


@reads_replica
def duties_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    org = _committee(request, code)
    year = _year(request)
    today = timezone.localdate()
    form = AssignmentForm(request.POST or None)
    form.fields["cell"].choices = cells_under(scope, org)  # type: ignore[attr-defined]
    can_manage = scope.can_manage(org)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            member = (
                Membership.objects.filter(card_number=d["card_number"].strip(), is_active=True)
                .filter(scope.org_filter("cell"))
                .select_related("person")
                .first()
            )
            cell = Organization.objects.filter(code=d["cell"]).first()
            if member is None:
                form.add_error("card_number", _("Không có đảng viên số thẻ này trong phạm vi của bạn"))
            elif cell is not None:
                try:
                    services.assignment_create(
                        actor=acting_user(request),
                        committee=org,
                        membership=member,
                        cell=cell,
                        valid_from=d["valid_from"],
                        valid_to=d["valid_to"],
                    )
                except ServiceError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("Đã phân công {name} phụ trách {cell}.").format(
                            name=member.person.full_name, cell=cell.name
                        ),
                    )
                    return redirect(reverse("web:duties", args=[org.code]))
    duties = duties_report(
        scope, org=org, year=year, as_of=today if year == today.year else dt.date(year, 12, 31)
    )
    context = {
        "nav": "orgs",
        "org": org,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "duties": duties,
        "assignments": assignments_made(scope, org),
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "web/committees/duties.html", context)


def _end_on_posted_day(request: HttpRequest, end: Callable[[dt.date], object]) -> bool:
    """End something on the day typed in the row's small form ("on"); a wrong date or a
    refusal becomes the page's message. True when done."""
    try:
        on = parse_user_date(request.POST.get("on", ""))
        if on is None:
            raise DateError(_("chưa có ngày"))
        end(on)
    except DateError as exc:
        messages.error(request, _("Ngày không hợp lệ: {exc}. Viết theo dạng 01/01/2026.").format(exc=exc))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        return True
    return False


@require_POST
def assignment_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = request_scope(request)
    org = _committee(request, code)
    a = Assignment.objects.filter(pk=pk, committee=org).first()
    if a is None or not scope.can_manage(org):
        raise Http404
    if _end_on_posted_day(
        request, lambda on: services.assignment_end(actor=acting_user(request), assignment=a, on=on)
    ):
        messages.success(request, _("Đã ghi ngày thôi phụ trách."))
    return redirect(reverse("web:duties", args=[org.code]))


@reads_replica
def sourcing_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    org = _committee(request, code)
    cells = cells_under(scope, org)
    can_manage = scope.can_manage(org)
    count_form = HeadcountForm(request.POST if request.POST.get("form") == "headcount" else None)
    mark_form = NoSourceForm(request.POST if request.POST.get("form") == "no_source" else None)
    for f in (count_form, mark_form):
        f.fields["cell"].choices = cells  # type: ignore[attr-defined]
    count_form.fields["kind"].choices = Covered.choices  # type: ignore[attr-defined]
    if request.method == "POST":
        if not can_manage:
            raise Http404
        form = count_form if request.POST.get("form") == "headcount" else mark_form
        if form.is_valid():
            d = form.cleaned_data
            unit = Organization.objects.get(code=d["cell"])
            try:
                if form is count_form:
                    services.headcount_record(
                        actor=acting_user(request),
                        organization=unit,
                        on=d["on"],
                        kind=d["kind"],
                        covered=d["covered"],
                    )
                    messages.success(request, _("Đã ghi số người của {name}.").format(name=unit.name))
                else:
                    services.no_source_mark(
                        actor=acting_user(request), organization=unit, since=d["since"], reason=d["reason"]
                    )
                    messages.success(request, _("Đã ghi {name} hết nguồn.").format(name=unit.name))
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                return redirect(reverse("web:sourcing", args=[org.code]))
    today = timezone.localdate()
    counts, marks = survey_history(scope, org)
    context = {
        "nav": "orgs",
        "org": org,
        "report": sourcing_report(scope, org=org, as_of=today),
        "counts": counts,
        "marks": marks,
        "can_manage": can_manage,
        "count_form": count_form,
        "mark_form": mark_form,
    }
    return render(request, "web/committees/sourcing.html", context)


@require_POST
def no_source_end(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    scope = request_scope(request)
    org = _committee(request, code)
    target = Organization.objects.filter(code=unit, path__startswith=org.path).first()
    if target is None or not scope.can_manage(target) or not scope.can_manage(org):
        raise Http404
    if _end_on_posted_day(
        request, lambda on: services.no_source_end(actor=acting_user(request), organization=target, on=on)
    ):
        messages.success(request, _("{name} có nguồn trở lại.").format(name=target.name))
    return redirect(reverse("web:sourcing", args=[org.code]))


def commendations_page(request: HttpRequest, code: str) -> HttpResponse:
    """The year's proposals for commendation under a committee, and the decisions recorded."""
    scope = request_scope(request)
    org = _committee(request, code)
    today = timezone.localdate()
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    can_manage = scope.can_manage(org)
    form = CommendationForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            unit = Organization.objects.filter(code=d["unit"], parent=org).first()
            if unit is None:
                raise Http404
            try:
                commendation_record(
                    actor=acting_user(request),
                    organization=unit,
                    year=year,
                    level=d["level"],
                    decision_ref=d["decision_ref"],
                    decided_on=d["decided_on"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã ghi quyết định khen thưởng {name}.").format(name=unit.name))
                return redirect(reverse("web:commendations", args=[org.code]) + f"?nam={year}")
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    if request.GET.get("xuat") == "to-trinh":
        response = HttpResponse(
            proposal_docx(actor=acting_user(request), org=org, year=year), content_type=DOCX
        )
        response["Content-Disposition"] = (
            f'attachment; filename="to-trinh-khen-thuong-{org.code}-{year}.docx"'
        )
        return response
    report = commendation_rows(scope, org=org, year=year, as_of=min(today, dt.date(year, 12, 31)))
    context = {
        "nav": "orgs",
        "org": org,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "report": report,
        "can_manage": can_manage,
        "good_share": int(GOOD_SHARE * 100),
    }
    return render(request, "web/committees/commendations.html", context)
