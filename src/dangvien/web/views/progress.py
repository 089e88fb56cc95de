"""Targets and progress: "admitted N, reaching P% of the term target", by unit, at any date;
the forecast; setting and revising targets; Excel and the one-page PDF."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.accounts.audit import audit_export
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.replica import reads_replica
from dangvien.core.spreadsheet import write_table
from dangvien.documents.year_report import year_report_docx
from dangvien.jobs.services import job_start
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, ScopeDenied
from dangvien.reports.excel import write_tables
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_report
from dangvien.reports.statistics import funnel, units_without_admission
from dangvien.targets.dashboard import ProgressView, progress_view
from dangvien.targets.exporting import HEADERS as TARGET_HEADERS
from dangvien.targets.exporting import target_rows
from dangvien.targets.groups import GROUPS
from dangvien.targets.periods import parse_period, periods_around
from dangvien.targets.services import period_set_dates, target_set
from dangvien.targets.tables import progress_table
from dangvien.web import charts
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import VnDateField
from dangvien.web.fragments import kept_html
from dangvien.web.views.cases import _org_from_request
from dangvien.web.views.documents import DOCX

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TargetForm(forms.Form):
    value = forms.IntegerField(label=gettext_lazy("Chỉ tiêu"), min_value=0, max_value=1_000_000)
    group = forms.ChoiceField(label=gettext_lazy("Nhóm"), required=False)
    effective_on = VnDateField(
        label=gettext_lazy("Áp dụng từ ngày"),
        required=False,
        help_text=gettext_lazy(
            "Để trống: từ đầu kỳ. Điều chỉnh giữa kỳ: ghi ngày của nghị quyết điều chỉnh."
        ),
    )
    decision_ref = forms.CharField(label=gettext_lazy("Số văn bản"), max_length=100, required=False)
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].choices = [("", _("Tổng số"))] + [(g.key, g.key) for g in GROUPS]  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    starts_on = VnDateField(label=gettext_lazy("Từ ngày"))
    ends_on = VnDateField(label=gettext_lazy("Đến ngày"))


def _params(request: HttpRequest, today: dt.date) -> tuple[str, dt.date, str]:
    """The period (?ky=2025-2030), the as-of day (?ngay=dd/mm/yyyy) and an error to show."""
    error = ""
    term, _year = periods_around(today)
    period = request.GET.get("ky", "") or term
    try:
        period, _kind = parse_period(period)
    except ServiceError as exc:
        error, period = exc.message, term
    as_of = today
    try:
        as_of = parse_user_date(request.GET.get("ngay")) or today
    except DateError as exc:
        error = str(exc)
    return period, as_of, error


def _period_choices(today: dt.date) -> list[str]:
    term, _ = periods_around(today)
    start = int(term[:4])
    terms = [f"{start}-{start + 5}", f"{start - 5}-{start}"]
    years = [str(y) for y in range(today.year + 1, today.year - 6, -1)]
    return terms + years


def progress_charts(view: ProgressView) -> dict[str, object]:
    """The two pictures of a progress view: a bar per child, the line over time."""
    bars = []
    for r in view.children:
        f = view.forecasts.get(r.org_id)
        flag = (
            "done"
            if r.target and r.admitted >= r.target
            else "risk"
            if f is not None and f.at_risk and r.org_id not in view.no_source
            else ""
        )
        bars.append(charts.Bar(r.name, r.admitted, r.target, flag))
    return {
        "bars": charts.bar_chart(bars, title=_("Kết nạp so với chỉ tiêu theo tổ chức trực thuộc"))
        if bars
        else "",
        "line": charts.line_chart(
            view.months,
            start=view.period.start,
            end=view.period.end,
            target=view.top.target,
            title=_("Số đảng viên kết nạp cộng dồn theo thời gian"),
        ),
    }


@reads_replica
def progress_page(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    period, as_of, error = _params(request, today)
    if request.method == "POST":
        return _post(request, org, period)
    # Kept until the data change: a province's report is half a second of work.
    version = data_version()
    view = kept_report(
        "progress",
        scope,
        org,
        (period, as_of, today),
        lambda: progress_view(scope, org, period, as_of=as_of, today=today),
        version=version,
    )
    if view is None:
        raise Http404
    fmt = request.GET.get("xuat", "")
    if fmt == "chi-tieu":  # every target and revision of the subtree, with the import's columns
        out = io.BytesIO()
        n = write_table(out, "xlsx", TARGET_HEADERS, target_rows(scope, org), title=f"Chỉ tiêu {org.code}")
        audit_export(actor=acting_user(request), what="targets", rows=n, fmt="xlsx", org=org.code)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="chi-tieu-{org.code}.xlsx"'
        return response
    if fmt == "bao-cao":  # the committee's written report (issue 21), for a year
        year = str(view.as_of.year) if "-" in period else period
        data = year_report_docx(actor=acting_user(request), org=org, period=year, as_of=view.as_of)
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = (
            f'attachment; filename="bao-cao-phat-trien-dang-vien-{org.code}-{year}.docx"'
        )
        return response
    if fmt == "xlsx":
        out = io.BytesIO()
        n = write_tables(out, [progress_table(view.report, org.name)])
        audit_export(actor=acting_user(request), what=f"progress {period}", rows=n, fmt="xlsx", org=org.code)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="tien-do-{org.code}-{period}.xlsx"'
        return response
    can_set = scope.can_manage(org)
    return render(
        request,
        "web/progress/page.html",
        {
            "nav": "progress",
            "org": org,
            "parent": org.parent if org.parent is not None and scope.can_read(org.parent) else None,
            "v": view,
            "error": error,
            # The figures, the pictures and the units' table, drawn once per kept report (a
            # province's: 100 units; web/fragments.py).
            "report_html": kept_html(
                "progress",
                scope,
                org,
                (period, as_of, today, can_set),
                "web/progress/_report.html",
                lambda: {
                    "v": view,
                    "org": org,
                    "charts": progress_charts(view),
                    "no_source": view.no_source,
                    "can_set": can_set,
                },
                version=version,
            ),
            "periods": _period_choices(today),
            "today": today,
            "form": TargetForm() if can_set else None,
            "period_form": PeriodForm(initial={"starts_on": view.period.start, "ends_on": view.period.end})
            if scope.is_admin
            else None,
        },
    )


def _post(request: HttpRequest, org: Organization, period: str) -> HttpResponse:
    back = f"{request.path}?to-chuc={org.code}&ky={period}"
    actor = acting_user(request)
    try:
        if request.POST.get("action") == "period":
            pform = PeriodForm(request.POST)
            if not pform.is_valid():
                messages.error(request, " ".join(str(e) for errs in pform.errors.values() for e in errs))
                return redirect(back)
            period_set_dates(
                actor=actor,
                period=period,
                starts_on=pform.cleaned_data["starts_on"],
                ends_on=pform.cleaned_data["ends_on"],
            )
            messages.success(request, _("Đã lưu ngày bắt đầu và kết thúc của kỳ {p}.").format(p=period))
            return redirect(back)
        form = TargetForm(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("Chưa lưu chỉ tiêu: {e}").format(
                    e=" ".join(str(e) for errs in form.errors.values() for e in errs)
                ),
            )
            return redirect(back)
        d = form.cleaned_data
        revision = target_set(
            actor=actor,
            org=org,
            period=period,
            value=d["value"],
            group=d["group"] or "",
            effective_on=d["effective_on"],
            reason=d["reason"] or "",
            decision_ref=d["decision_ref"] or "",
        )
    except ScopeDenied:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, _("Chưa lưu chỉ tiêu: {e}").format(e=exc.message))
        return redirect(back)
    if revision is None:
        messages.info(request, _("Chỉ tiêu này đã có với cùng giá trị và ngày áp dụng: không thay đổi gì."))
    else:
        messages.success(
            request,
            _("Đã lưu chỉ tiêu {v} từ ngày {d}; giá trị cũ vẫn được giữ trong lịch sử.").format(
                v=revision.value, d=f"{revision.effective_on:%d/%m/%Y}"
            ),
        )
    return redirect(back)


def progress_page_html(
    scope: Scope, org: Organization, period: str, as_of: dt.date, user: object
) -> str | None:
    """The printable page's HTML: shown in the browser (?xem=html) or made into a PDF by a job."""
    from django.template.loader import render_to_string

    today = timezone.localdate()
    view = progress_view(scope, org, period, as_of=as_of, today=today)
    if view is None:
        return None
    idle, idle_total = units_without_admission(scope, org, as_of, 2, limit=5)
    context = {
        "org": org,
        "v": view,
        "charts": progress_charts(view),
        "children": view.children[:14],
        "more": max(0, len(view.children) - 14),
        "funnel": funnel(scope, org, view.period.start, min(as_of, view.period.end)),
        "idle": idle,
        "idle_total": idle_total,
        "printed": timezone.localtime(),
        "user": user,
    }
    return render_to_string("web/progress/report_pdf.html", context)


def progress_pdf(request: HttpRequest) -> HttpResponse:
    """One printable page of an organization for a period, to attach to a committee report:
    the HTML at once (?xem=html), the PDF as a job (LibreOffice takes seconds)."""
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    period, as_of, _error = _params(request, today)
    if request.GET.get("xem") == "html":  # the same page, to print from the browser
        html = progress_page_html(scope, org, period, as_of, request.user)
        if html is None:
            raise Http404
        return HttpResponse(html)
    job = job_start(
        actor=acting_user(request),
        kind="progress_pdf",
        title=_("Trang báo cáo PDF của {org}, kỳ {period}").format(org=org.name, period=period),
        params={"org": org.code, "period": period, "as_of": as_of.isoformat()},
    )
    return redirect("web:job_detail", pk=job.pk)
