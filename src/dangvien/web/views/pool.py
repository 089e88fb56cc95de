"""The pool and the classes in the browser: the list of outstanding people, a person's page
with their mentors, assessments, certificate and dossiers, and the classes. Thin: the
candidates services write, the selectors read, out of scope is 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.candidates import services as pool
from dangvien.candidates.models import (
    OPEN_STATES,
    Attendance,
    Candidate,
    ClassKind,
    Source,
    State,
    TrainingClass,
)
from dangvien.candidates.selectors import (
    ASSESSMENT_MONTHS,
    candidate_list,
    candidate_queryset,
    certificate_status,
    class_report,
    pool_survey,
)
from dangvien.cases.admission import services
from dangvien.cases.models import Case
from dangvien.core.dates import DateError, add_months, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.search import name_filter
from dangvien.members.models import Membership, Status
from dangvien.members.selectors import cell_official_choices
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import cells_in_scope
from dangvien.people.models import Person
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_page
from dangvien.web import case_forms as F
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import LazyForms, add_service_error
from dangvien.web.fragments import kept_body, kept_html
from dangvien.web.views.cases import _org_from_request
from dangvien.web.views.pickers import officials_url


def candidates(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    state = request.GET.get("tinh-trang", "")
    if state not in State.values:
        state = ""
    today = timezone.localdate()
    raw = request.GET.get("trang", "")
    number = min(int(raw), 100_000) if raw.isdigit() and int(raw) > 0 else 1

    def part() -> dict[str, object]:
        survey = pool_survey(scope, org=org, today=today)
        paginator = Paginator(candidate_list(scope, org=org, today=today, state=state), 50)
        if not state:
            paginator.count = survey.total  # the same rows, already counted by the survey
        return {
            "org": org,
            "state": state,
            "survey": survey,
            "sources": [(label, survey.by_source.get(value, 0)) for value, label in Source.choices],
            "page": paginator.get_page(number),
            "assessed_since": add_months(today, -ASSESSMENT_MONTHS),
        }

    return render(
        request,
        "web/cases/candidates.html",
        {
            "nav": "candidates",
            "org": org,
            "state": state,
            "states": State.choices,
            "today": today,
            # The survey and the page, counted and drawn once per data version and day: a
            # cell's secretary opens it every day (web/fragments.py).
            "pool_html": kept_html(
                "pool", scope, org, (today, state, number), "web/cases/_candidates.html", part
            ),
        },
    )


def _get_candidate(scope: Scope, pk: int) -> Candidate:
    c = (
        candidate_queryset(scope, open_only=False)
        .select_related("person", "cell", "introducer__person")
        .filter(pk=pk)
        .first()
    )
    if c is None:
        raise Http404
    return c


def _candidate_forms(cand: Candidate, data: Any = None, action: str = "") -> LazyForms:
    """The candidate's action forms, built when the page reads them (web.forms.LazyForms)."""

    def bound(name: str) -> Any:
        return data if name == action else None

    today = timezone.localdate()
    return LazyForms(
        {
            "open": lambda: F.OpenForm(bound("open"), initial={"opened_on": today}, auto_id="open_%s"),
            "mentor": lambda: F.MentorForm(
                bound("mentor"),
                members=cell_official_choices(cand.cell_id),
                picker_url=officials_url(cand.cell, "mentor"),
                initial={"on": today, "version": cand.version},
                auto_id="mentor_%s",
            ),
            "assess": lambda: F.AssessmentForm(bound("assess"), initial={"on": today}, auto_id="assess_%s"),
            "certificate": lambda: F.CertificateForm(bound("certificate"), auto_id="certificate_%s"),
            "withdraw": lambda: F.WithdrawForm(
                bound("withdraw"), initial={"on": today, "version": cand.version}, auto_id="withdraw_%s"
            ),
        }
    )


def _candidate_page(cand: Candidate, today: dt.date) -> dict[str, object]:
    """What the candidate's page reads besides its forms."""
    return {
        "cand": cand,
        "certificate": certificate_status(cand.person, on=today, org=cand.cell),
        "mentors": list(cand.mentorships.select_related("mentor__person")),
        "assessments": list(cand.assessments.all()),
        "attendances": list(
            cand.person.attendances.select_related("training_class").order_by("-training_class__starts_on")
        ),
        "cases": list(Case.objects.filter(person=cand.person).order_by("-opened_on")),
    }


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request_scope(request)
    today = timezone.localdate()
    # Read once per data version and day by everyone who sees what this user sees (seven
    # queries); any write makes the next visit read it afresh (core/keep.py). An action
    # is recorded against the row read afresh (candidate_action).
    version = data_version()  # once for both kept parts
    page = kept_page(
        "candidate-page",
        scope,
        (pk, today),
        lambda: _candidate_page(_get_candidate(scope, pk), today),
        version=version,
    )
    cand = page["cand"]
    assert isinstance(cand, Candidate)
    # Drawn as rarely as it is read (web.fragments.kept_body).
    body = kept_body(
        request,
        "candidate",
        scope,
        (pk, today),
        "web/cases/_candidate.html",
        lambda: _candidate_context(scope, page, _candidate_forms(cand)),
        version=version,
    )
    return render(request, "web/cases/candidate.html", {"nav": "candidates", "cand": cand, "body": body})


def _candidate_context(
    scope: Scope, page: dict[str, object], forms_: Mapping[str, forms.Form], action: str = ""
) -> dict[str, object]:
    """The candidate's body (web/cases/_candidate.html); nothing of the request."""
    cand = page["cand"]
    assert isinstance(cand, Candidate)
    return {
        **page,
        "f": forms_,
        "action": action,
        "can_write": scope.can_write(cand.cell),
        "is_open": cand.state in OPEN_STATES,
        "can_open": cand.state in (State.SOURCING, State.IN_CLASS, State.READY),
    }


def _render_candidate(
    request: HttpRequest, page: dict[str, object], forms_: Mapping[str, forms.Form], action: str = ""
) -> HttpResponse:
    """The candidate's page drawn afresh: a form sent back with its errors."""
    context = _candidate_context(request_scope(request), page, forms_, action)
    return render(
        request, "web/cases/candidate.html", {"nav": "candidates", **context}, status=400 if action else 200
    )


def candidate_add(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    cells = [
        (str(pk), f"{name} ({code})")
        for pk, name, code in cells_in_scope(scope, write=True).values_list("pk", "name", "code")[:2000]
    ]
    if not cells:
        raise Http404
    form = F.CandidateForm(request.POST or None, cells=cells, initial={"listed_on": timezone.localdate()})
    introducer = None
    if request.method == "POST":
        form.is_valid()  # every field's complaint, and the introducer's, in one pass
        card = (getattr(form, "cleaned_data", {}).get("introducer") or "").strip()
        if card:
            introducer = (
                Membership.objects.filter(card_number=card, is_active=True)
                .filter(scope.org_filter("cell"))
                .first()
            )
            if introducer is None:
                form.add_error("introducer", _("Không có đảng viên số thẻ này trong phạm vi của bạn"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cand = pool.candidate_add(
                actor=acting_user(request),
                person=form.person_data(),
                cell=Organization.objects.get(pk=int(d["cell"])),
                source=d["source"],
                listed_on=d["listed_on"],
                listed_ref=d["listed_ref"],
                certificate_date=d["certificate_date"],
                introducer=introducer,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã đưa {cand.person.full_name} vào danh sách. Hãy phân công người giúp đỡ.").format(
                    cand=cand
                ),
            )
            return redirect("web:candidate_detail", pk=cand.pk)
    return render(request, "web/cases/candidate_add.html", {"nav": "candidates", "form": form})


@require_POST
def candidate_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    scope = request_scope(request)
    cand = _get_candidate(scope, pk)
    if action not in ("mentor", "assess", "certificate", "withdraw") or not scope.can_write(cand.cell):
        raise Http404
    forms_ = _candidate_forms(cand, request.POST, action)
    form = forms_[action]
    if form.is_valid():
        d = form.cleaned_data
        actor = acting_user(request)
        try:
            if action == "mentor":
                # The form's choices are the cell's official members; the service checks again.
                mentor = Membership.objects.select_related("person").get(pk=int(d["mentor"]))
                pool.candidate_assign_mentor(
                    actor=actor, candidate=cand, mentor=mentor, on=d["on"], expected_version=d["version"]
                )
                message = _("Đã phân công {full_name} giúp đỡ.").format(full_name=mentor.person.full_name)
            elif action == "assess":
                pool.candidate_assess(
                    actor=actor,
                    candidate=cand,
                    on=d["on"],
                    conclusion=d["conclusion"],
                    strengths=d["strengths"],
                    weaknesses=d["weaknesses"],
                )
                message = _("Đã ghi nhận xét.")
            elif action == "certificate":
                pool.certificate_record(
                    actor=actor,
                    person=cand.person,
                    kind=ClassKind.AWARENESS,
                    issued_on=d["issued_on"],
                    number=d["number"],
                )
                message = _("Đã ghi giấy chứng nhận.")
            else:
                pool.candidate_withdraw(
                    actor=actor, candidate=cand, on=d["on"], reason=d["reason"], expected_version=d["version"]
                )
                message = _("Đã đưa ra khỏi danh sách.")
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect("web:candidate_detail", pk=cand.pk)
    return _render_candidate(request, _candidate_page(cand, timezone.localdate()), forms_, action)


@require_POST
def case_open(request: HttpRequest, pk: int) -> HttpResponseBase:
    scope = request_scope(request)
    cand = _get_candidate(scope, pk)
    if not scope.can_write(cand.cell):
        raise Http404
    forms_ = _candidate_forms(cand, request.POST, "open")
    form = forms_["open"]
    if form.is_valid():
        d = form.cleaned_data
        try:
            case = services.admission_open(
                actor=acting_user(request),
                candidate=cand,
                opened_on=d["opened_on"],
                route=d["route"],
                education_exception=d["education_exception"],
                over_age_agreement=d["over_age_agreement"],
                readmission_agreement=d["readmission_agreement"],
                prior_exit=d["prior_exit"],
                conviction_cleared_on=d["conviction_cleared_on"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã mở hồ sơ kết nạp."))
            return redirect("web:case_detail", pk=case.pk)
    return _render_candidate(request, _candidate_page(cand, timezone.localdate()), forms_, "open")


def classes(request: HttpRequest) -> HttpResponse:
    """Classes held and attendees over a period, per organizer and per organization."""

    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    error = ""
    try:
        start = parse_user_date(request.GET.get("tu")) or today.replace(month=1, day=1)
        end = parse_user_date(request.GET.get("den")) or today
    except DateError as exc:
        error = _("Ngày không hợp lệ: {exc}. Viết theo dạng 01/01/2026.").format(exc=exc)
        start, end = today.replace(month=1, day=1), today
    if start > end:
        error = _("“Từ ngày” phải trước “đến ngày”.")
        start, end = end, start
    report = class_report(scope, org=org, start=start, end=end)
    return render(
        request,
        "web/cases/classes.html",
        {"nav": "candidates", "org": org, "r": report, "error": error},
        status=400 if error else 200,
    )


def class_add(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    orgs = [
        (str(pk), f"{name} ({code})")
        for pk, name, code in scope.orgs(write=True)
        .exclude(kind__in=["cell", "base_cell"])
        .filter(dissolved_on__isnull=True)
        .order_by("path")
        .values_list("pk", "name", "code")[:1000]
    ]
    if not orgs:
        raise Http404
    form = F.ClassForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            tc = pool.class_create(
                actor=acting_user(request),
                kind=d["kind"],
                name=d["name"],
                organizer=Organization.objects.get(pk=int(d["organizer"])),
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                place=d["place"],
                organizer_name=d["organizer_name"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã mở lớp. Hãy ghi danh học viên."))
            return redirect("web:class_detail", pk=tc.pk)
    return render(request, "web/cases/class_add.html", {"nav": "candidates", "form": form})


def _enrollable(scope: Scope, tc: TrainingClass) -> QuerySet[Any]:
    """Who may be enrolled: open candidates (awareness class) or probationary members
    (new-member class) under the organizer, in the user's write scope, not yet enrolled;
    as (person id, name, cell name) rows in the Vietnamese order. Never cut: the picker
    shows a page of it at a time, the enrolment checks ids against all of it."""
    enrolled = tc.attendances.values("person_id")
    qs: QuerySet[Any]
    if tc.kind == ClassKind.AWARENESS:
        qs = candidate_queryset(scope, org=tc.organizer).filter(
            scope.org_filter("cell", write=True), state__in=[State.SOURCING, State.READY]
        )
    else:
        qs = Membership.objects.filter(
            scope.org_filter("cell", write=True),
            cell__path__startswith=tc.organizer.path,
            status=Status.PROBATIONARY,
        )
    return qs.exclude(person_id__in=enrolled).order_by("person__sort_key", "pk")


PICKER_ROWS = 50


def _pick(rows: QuerySet[Any], q: str, cell: str) -> tuple[list[tuple[str, str]], int]:
    """A page of the enrollable, narrowed by a name typed (core.search) and a cell."""
    if q.strip():
        rows = rows.filter(name_filter(q, "person__name_search"))
    if cell:
        rows = rows.filter(cell__code=cell)
    found = list(rows.values_list("person_id", "person__full_name", "cell__name")[: PICKER_ROWS + 1])
    total = len(found) if len(found) <= PICKER_ROWS else rows.count()
    return [(str(pid), f"{name} — {cell_name}") for pid, name, cell_name in found[:PICKER_ROWS]], total


def class_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The enrolment picker's rows (HTMX): at most 50, searched and filtered by cell."""
    scope = request_scope(request)
    tc = TrainingClass.objects.select_related("organizer").filter(pk=pk).first()
    if tc is None or not scope.can_write(tc.organizer):
        raise Http404
    q, cell = request.GET.get("q", "")[:100], request.GET.get("chi-bo", "")[:32]
    people, total = _pick(_enrollable(scope, tc), q, cell)
    return render(request, "web/cases/_enroll_choices.html", {"people": people, "total": total, "q": q})


def _class_forms(
    scope: Scope, tc: TrainingClass, data: Any = None, action: str = ""
) -> dict[str, forms.Form]:
    return {
        "enroll": F.EnrollForm(data if action == "enroll" else None, allowed=_enrollable(scope, tc)),
        "result": F.ResultForm(
            data if action == "result" else None, initial={"certificate_date": tc.ends_on}
        ),
    }


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_class(request, pk)


@require_POST
def class_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    scope = request_scope(request)
    tc = TrainingClass.objects.select_related("organizer").filter(pk=pk).first()
    if tc is None or action not in ("enroll", "result") or not scope.can_write(tc.organizer):
        raise Http404
    forms_ = _class_forms(scope, tc, request.POST, action)
    form = forms_[action]
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "enroll":
                people = list(Person.objects.filter(pk__in=[int(x) for x in d["people"]]))
                n = pool.class_enroll(actor=acting_user(request), training_class=tc, people=people)
                message = _("Đã ghi danh {n} học viên.").format(n=n)
            else:
                attendance = Attendance.objects.filter(pk=d["attendance"], training_class=tc).first()
                if attendance is None:
                    raise ServiceError("web.no_such_attendee")
                pool.class_record_result(
                    actor=acting_user(request),
                    attendance=attendance,
                    result=d["result"],
                    certificate_number=d["certificate_number"],
                    certificate_date=d["certificate_date"],
                )
                message = _("Đã ghi kết quả.")
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect("web:class_detail", pk=tc.pk)
    return _render_class(request, pk, forms_, action)


def _render_class(
    request: HttpRequest, pk: int, forms_: dict[str, forms.Form] | None = None, action: str = ""
) -> HttpResponse:
    """A class and its attendees. Attendees are shown only where the user may see them
    (a candidacy or membership in scope); the others are counted, not named."""
    scope = request_scope(request)
    tc = TrainingClass.objects.select_related("organizer").filter(pk=pk).first()
    if tc is None:
        raise Http404
    visible_people = set(
        candidate_queryset(scope, open_only=False)
        .filter(person__attendances__training_class=tc)
        .values_list("person_id", flat=True)
    ) | set(
        Membership.objects.filter(
            scope.org_filter("cell"), person__attendances__training_class=tc
        ).values_list("person_id", flat=True)
    )
    organizer_readable = scope.can_read(tc.organizer)
    if not visible_people and not organizer_readable:
        raise Http404
    rows = list(tc.attendances.select_related("person", "certificate").order_by("person__sort_key"))
    shown = [a for a in rows if a.person_id in visible_people or organizer_readable]
    can_write = scope.can_write(tc.organizer)
    people, total = _pick(_enrollable(scope, tc), "", "") if can_write else ([], 0)
    cells = (
        list(
            cells_in_scope(scope, write=True)
            .filter(path__startswith=tc.organizer.path)
            .order_by("code")
            .values_list("code", "name")[:2000]
        )
        if can_write
        else []
    )
    return render(
        request,
        "web/cases/class.html",
        {
            "people": people,
            "total": total,
            "pick_cells": cells,
            "nav": "candidates",
            "tc": tc,
            "rows": shown,
            "hidden": len(rows) - len(shown),
            "can_write": can_write,
            "f": forms_ or (_class_forms(scope, tc) if can_write else {}),
            "action": action,
        },
        status=400 if action else 200,
    )
