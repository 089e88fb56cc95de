"""A cell's meeting register: the list, a new meeting with the roll of that day (a phone
is enough), and a meeting's page where assessments are heard and votes are started."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.candidates.models import OPEN_STATES, Candidate
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import Case, CaseState, Recognition, RecognitionState
from dangvien.cases.recognition import rules as R
from dangvien.cases.recognition.services import probation_assess
from dangvien.committees.meetings import (
    meeting_assess,
    meeting_figures,
    meeting_get,
    meeting_record,
    meetings_of,
    roll_on,
)
from dangvien.committees.models import MeetingKind, Presence
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.documents.minutes import minutes_docx
from dangvien.orgs.models import Organization
from dangvien.orgs.selectors import org_get
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import MeetingAssessForm, MeetingForm, add_service_error
from dangvien.web.views.documents import DOCX


def _cell(request: HttpRequest, code: str) -> Organization:
    org = org_get(request_scope(request), code=code)
    if not org.is_cell:
        raise Http404
    return org


def meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    cell = _cell(request, code)
    rows = [(m, meeting_figures(m)) for m in meetings_of(scope, cell)]
    return render(
        request,
        "web/committees/meetings.html",
        {"nav": "orgs", "org": cell, "rows": rows, "can_write": scope.can_write(cell)},
    )


def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    """GET ?ngay=dd/mm/yyyy shows the roll of that day; POST records the meeting."""
    scope = request_scope(request)
    cell = _cell(request, code)
    if not scope.can_write(cell):
        raise Http404
    today = timezone.localdate()
    day = today
    raw = request.POST.get("held_on") or request.GET.get("ngay", "")
    with contextlib.suppress(DateError):  # the form below says what is wrong with the date
        day = parse_user_date(raw) or today
    form = MeetingForm(request.POST or None, initial={"held_on": day, "kind": MeetingKind.REGULAR})
    form.fields["kind"].choices = MeetingKind.choices  # type: ignore[attr-defined]
    roll = roll_on(cell, min(day, today))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        presence = {r.membership_id: request.POST.get(f"p{r.membership_id}", Presence.ABSENT) for r in roll}
        try:
            meeting = meeting_record(
                actor=acting_user(request),
                cell=cell,
                held_on=d["held_on"],
                kind=d["kind"],
                guests=d["guests"],
                items=d["items"],
                presence=presence,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            f = meeting_figures(meeting)
            messages.success(
                request,
                _("Đã ghi buổi sinh hoạt ngày {on:%d/%m/%Y}: {present}/{total} có mặt.").format(
                    on=meeting.held_on, present=f.present, total=f.summoned + f.exempt
                ),
            )
            return redirect("web:meeting_detail", code=cell.code, pk=meeting.pk)
    return render(
        request,
        "web/committees/meeting_new.html",
        {"nav": "orgs", "org": cell, "form": form, "roll": roll, "day": day, "presences": Presence.choices},
    )


def meeting_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = request_scope(request)
    cell = _cell(request, code)
    meeting = meeting_get(scope, pk)
    if meeting is None or meeting.cell_id != cell.pk:
        raise Http404
    can_write = scope.can_write(cell)
    candidates = list(
        Candidate.objects.filter(cell=cell, state__in=OPEN_STATES)
        .select_related("person")
        .order_by("person__sort_key")
    )
    probationary = list(
        Recognition.objects.filter(membership__cell=cell, state=RecognitionState.OPEN)
        .select_related("membership__person")
        .order_by("membership__person__sort_key")
    )
    form = MeetingAssessForm(request.POST or None)
    form.fields["candidate"].choices = [  # type: ignore[attr-defined]
        *[(f"c{c.pk}", c.person.full_name) for c in candidates],
        *[(f"r{r.pk}", _("{name} (dự bị)").format(name=r.membership.person.full_name)) for r in probationary],
    ]
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            cand = next((c for c in candidates if f"c{c.pk}" == d["candidate"]), None)
            rec = next((r for r in probationary if f"r{r.pk}" == d["candidate"]), None)
            words = {
                "strengths": d["strengths"],
                "weaknesses": d["weaknesses"],
                "conclusion": d["conclusion"],
            }
            if cand is not None or rec is not None:
                try:
                    if cand is not None:
                        meeting_assess(actor=acting_user(request), meeting=meeting, candidate=cand, **words)
                    elif rec is not None:
                        probation_assess(
                            actor=acting_user(request), recognition=rec, meeting=meeting, **words
                        )
                except ServiceError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, _("Đã ghi nhận xét."))
                    return redirect("web:meeting_detail", code=cell.code, pk=meeting.pk)
    attendance = list(
        meeting.attendance.select_related("membership__person").order_by("membership__person__sort_key")
    )
    voting = list(
        Case.objects.filter(cell=cell, state=CaseState.OPEN, step=P.CELL_VOTE).select_related("person")
    )
    reviewing = list(
        Recognition.objects.filter(
            membership__cell=cell, state=RecognitionState.OPEN, step=R.CELL_VOTE
        ).select_related("membership__person")
    )
    return render(
        request,
        "web/committees/meeting.html",
        {
            "nav": "orgs",
            "org": cell,
            "meeting": meeting,
            "figures": meeting_figures(meeting),
            "attendance": attendance,
            "heard": list(meeting.assessments.select_related("assessment__candidate__person")),
            "heard_probation": list(
                meeting.probation_assessments.select_related("recognition__membership__person")
            ),
            "voting": voting,
            "votes": list(meeting.admission_votes.select_related("case__person")),
            "reviewing": reviewing,
            "recognition_votes": list(
                meeting.recognition_votes.select_related("recognition__membership__person")
            ),
            "form": form,
            "can_write": can_write,
        },
    )


def meeting_minutes(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The meeting's minutes (biên bản) as a Word file."""
    scope = request_scope(request)
    cell = _cell(request, code)
    meeting = meeting_get(scope, pk)
    if meeting is None or meeting.cell_id != cell.pk:
        raise Http404
    data = minutes_docx(actor=acting_user(request), meeting=meeting)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-{cell.code}-{meeting.held_on:%Y-%m-%d}.docx"'
    )
    return response
