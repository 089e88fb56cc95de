"""Probation and official recognition in the browser: the list of probationary members,
the recognition page with one form per action, the "living here" list. Thin: selectors
read, services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.cases.admission.selectors import cell_voters
from dangvien.cases.models import Outcome, Recognition
from dangvien.cases.recognition import rules as R
from dangvien.cases.recognition import services as S
from dangvien.cases.recognition.selectors import (
    RecognitionView,
    living_here,
    probation_list,
    recognition_get,
    recognition_view,
)
from dangvien.committees.meetings import meeting_figures, meeting_get
from dangvien.committees.models import Meeting
from dangvien.core.errors import ServiceError
from dangvien.documents.models import GeneratedDocument
from dangvien.documents.services import forms_for
from dangvien.members.models import Membership
from dangvien.members.selectors import cell_official_choices, member_get
from dangvien.web import followup_forms as F
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import run_versioned
from dangvien.web.views.cases import _by_step, _org_from_request
from dangvien.web.views.pickers import officials_url


def probation(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    rows, total = probation_list(scope, org=org, today=today)
    return render(
        request,
        "web/probation/list.html",
        {
            "nav": "probation",
            "org": org,
            "rows": rows,
            "total": total,
            "today": today,
            "roots": scope.roots,
            "overdue": sum(1 for r in rows if r.flag == "overdue"),
            "soon": sum(1 for r in rows if r.flag == "soon"),
        },
    )


def living_here_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    return render(
        request,
        "web/probation/living_here.html",
        {"nav": "members", "org": org, "members": living_here(scope, org=org)[:1000], "roots": scope.roots},
    )


@require_POST
def recognition_start(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Open the recognition dossier of a probationary member entered from paper."""
    scope = request_scope(request)
    m = member_get(scope, pk)
    if not scope.can_write(m.cell):
        raise Http404
    try:
        r = S.recognition_open(actor=acting_user(request), membership=m)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("web:member_detail", pk=m.pk)
    return redirect("web:recognition_detail", pk=r.pk)


def _get(request: HttpRequest, pk: int) -> Recognition:
    try:
        return recognition_get(request_scope(request), pk)
    except Recognition.DoesNotExist:
        raise Http404 from None


def _vote_initial(r: Recognition, meeting: Meeting | None) -> dict[str, Any]:
    """The registry's proposal (official members of the cell today; probationary ones do
    not vote), or the total of a meeting's attendance and its day."""
    if r.step != R.CELL_VOTE:
        return {}
    if meeting is not None:
        return {
            "meeting": meeting.pk,
            "held_on": meeting.held_on,
            "denominator": meeting_figures(meeting).denominator,
        }
    return {"denominator": cell_voters(r.membership.cell, timezone.localdate())[0]}


def _forms(
    r: Recognition, data: Any = None, action: str = "", meeting: Meeting | None = None
) -> dict[str, forms.Form]:
    initial: dict[str, Any] = {"version": r.version}

    def make(name: str, cls: type[forms.Form], **kw: Any) -> forms.Form:
        return cls(
            data if name == action else None,
            initial=initial | kw.pop("initial", {}),
            auto_id=f"{name}_%s",
            **kw,
        )

    return {
        "mentor": make(
            "mentor",
            F.MentorForm,
            members=cell_official_choices(r.membership.cell_id, exclude_person_id=r.membership.person_id),
            picker_url=officials_url(r.membership.cell, "mentor", exclude_person_id=r.membership.person_id),
        ),
        "papers": make("papers", F.PapersForm, initial={name: getattr(r, name) for name, _ in R.END_PAPERS}),
        "cell_vote": make("cell_vote", F.RecognitionVoteForm, initial=_vote_initial(r, meeting)),
        "section_review": make("section_review", F.SectionReviewForm),
        "committee_vote": make("committee_vote", F.CommitteeVoteForm),
        "decision": make(
            "decision", F.RecognitionDecisionForm, initial={"outcome": r.proposal or Outcome.OFFICIAL}
        ),
    }


def _render(
    request: HttpRequest, view: RecognitionView, forms_: dict[str, forms.Form], action: str = ""
) -> HttpResponse:
    r = view.recognition
    return render(
        request,
        "web/probation/recognition.html",
        {
            "nav": "probation",
            "v": view,
            "r": r,
            "m": r.membership,
            "f": forms_,
            "action": action,
            "can_write": request_scope(request).can_write(r.membership.cell),
            "step_label": R.BY_CODE[r.step].label,
            "paper_forms": forms_for(None, r) if request_scope(request).can_write(r.membership.cell) else [],
            "step_forms": _by_step(forms_for(None, r))
            if request_scope(request).can_write(r.membership.cell)
            else {},
            "generated": list(
                GeneratedDocument.objects.filter(recognition=r)
                .defer("content")
                .select_related("generated_by")[:20]
            )
            if request_scope(request).can_write(r.membership.cell)
            else [],
            "obj_pk": r.pk,
            "dossier_kind": "recognition",
            "today": timezone.localdate(),
        },
        status=400 if action else 200,
    )


def recognition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _get(request, pk)
    scope = request_scope(request)
    view = recognition_view(scope, pk, today=timezone.localdate())
    raw = request.GET.get("buoi", "")
    meeting = meeting_get(scope, int(raw)) if raw.isdigit() else None
    if meeting is not None and meeting.cell_id != r.membership.cell_id:
        meeting = None
    return _render(request, view, _forms(r, meeting=meeting))


ACTIONS: dict[str, Callable[[Any, Recognition, dict[str, Any]], str]] = {}


def _action(name: str) -> Callable[[Callable[[Any, Recognition, dict[str, Any]], str]], Any]:
    def deco(fn: Callable[[Any, Recognition, dict[str, Any]], str]) -> Any:
        ACTIONS[name] = fn
        return fn

    return deco


@_action("mentor")
def _mentor(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    mentor = Membership.objects.filter(pk=int(d["mentor"] or 0)).first()
    if mentor is None:
        raise ServiceError("web.mentor_missing", field="mentor")
    S.recognition_assign_mentor(
        actor=actor, recognition=r, expected_version=d["version"], mentor=mentor, on=d["on"]
    )
    return _("Đã phân công {mentor.person.full_name} giúp đỡ.").format(mentor=mentor)


@_action("papers")
def _papers(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    S.recognition_record_papers(
        actor=actor,
        recognition=r,
        expected_version=d["version"],
        dates={name: d[name] for name, _ in R.END_PAPERS},
    )
    return _("Đã ghi hồ sơ cuối thời gian dự bị.")


def _vote_message(outcome: str, failed: int, escalated: bool) -> str:
    if outcome:
        return _("Biểu quyết đạt: {v1}.").format(v1=Outcome(outcome).label)
    if escalated:
        return _(
            "Lần thứ {failed} biểu quyết không đủ 2/3: hồ sơ đã chuyển lên cấp ủy cấp trên và cấp ủy có "
            "thẩm quyền xem xét, quyết định."
        ).format(failed=failed)
    return _(
        "Biểu quyết KHÔNG đủ 2/3 cho bên nào (lần {failed}). Kết quả đã được ghi; chi bộ họp xét lại."
    ).format(failed=failed)


@_action("cell_vote")
def _cell_vote(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    vote = S.recognition_record_cell_vote(
        actor=actor,
        recognition=r,
        expected_version=d["version"],
        held_on=d["held_on"],
        denominator=d["denominator"],
        yes=d["yes"],
        no=d["no"],
        doc_ref=d["doc_ref"],
        meeting=Meeting.objects.filter(pk=d.get("meeting") or 0, cell_id=r.membership.cell_id).first(),
    )
    after = Recognition.objects.get(pk=r.pk)
    failed = after.votes.filter(body="cell", outcome="").count()
    return _vote_message(vote.outcome, failed, after.escalated_on is not None)


@_action("section_review")
def _section(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    S.recognition_record_section_review(
        actor=actor,
        recognition=r,
        expected_version=d["version"],
        done_on=d["done_on"],
        doc_ref=d["doc_ref"],
        note=d["note"],
    )
    return _("Đã ghi thẩm định của đảng ủy bộ phận.")


@_action("committee_vote")
def _committee(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    vote = S.recognition_record_committee_vote(
        actor=actor,
        recognition=r,
        expected_version=d["version"],
        held_on=d["held_on"],
        members=d["members"],
        yes=d["yes"],
        no=d["no"],
        doc_ref=d["doc_ref"],
    )
    after = Recognition.objects.get(pk=r.pk)
    failed = after.votes.filter(body="base_committee", outcome="").count()
    return _vote_message(vote.outcome, failed, after.escalated_on is not None)


@_action("decision")
def _decision(actor: Any, r: Recognition, d: dict[str, Any]) -> str:
    after = S.recognition_record_decision(
        actor=actor,
        recognition=r,
        expected_version=d["version"],
        decided_on=d["decided_on"],
        decision_ref=d["decision_ref"],
        outcome=d["outcome"],
        decided_by=d["decided_by"],
    )
    if d["outcome"] == Outcome.OFFICIAL:
        return _(
            "Đã công nhận {r.membership.person.full_name} là đảng viên chính thức từ ngày "
            "{after.ends_on:%d/%m/%Y} (ngày hết thời gian dự bị)."
        ).format(r=r, after=after)
    return _("Đã ghi quyết định xóa tên {r.membership.person.full_name} trong danh sách đảng viên.").format(
        r=r
    )


@require_POST
def recognition_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    scope = request_scope(request)
    r = _get(request, pk)
    if action not in ACTIONS or not scope.can_write(r.membership.cell):
        raise Http404
    forms_ = _forms(r, request.POST, action)
    form = forms_[action]
    if run_versioned(request, form, r.version, lambda d: ACTIONS[action](acting_user(request), r, d)):
        return redirect("web:recognition_detail", pk=r.pk)
    view = recognition_view(scope, pk, today=timezone.localdate())
    return _render(request, view, forms_, action)
