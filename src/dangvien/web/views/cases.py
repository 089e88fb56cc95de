"""The admission pipeline in the browser: the board, the overdue list, the case page with
one form per action (the pool and the classes are in views/pool.py). Thin: selectors read,
services write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.cases.admission import procedure as P
from dangvien.cases.admission import services
from dangvien.cases.admission.selectors import (
    CaseView,
    case_get,
    case_view,
    cell_voters,
    due_soon_items,
    failed_votes,
    overdue_items,
    pipeline_board,
)
from dangvien.cases.models import Case, Exclusion, IntroKind
from dangvien.committees.meetings import meeting_figures, meeting_get
from dangvien.committees.models import Meeting
from dangvien.core.errors import ServiceError
from dangvien.documents.models import GeneratedDocument
from dangvien.documents.services import forms_for
from dangvien.members.models import Membership
from dangvien.members.selectors import cell_official_choices
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import cells_in_scope
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_page
from dangvien.rules.arithmetic import votes_needed
from dangvien.rules.selectors import RuleBook
from dangvien.web import case_forms as F
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import LazyForms, run_versioned
from dangvien.web.fragments import kept_body, kept_html
from dangvien.web.views.pickers import officials_url

CELL_SELECT_LIMIT = 300
FAILED_VOTES_DAYS = 180  # failed votes stay on the board for half a year


def _org_from_request(request: HttpRequest, scope: Scope) -> Organization:
    """The organization asked for (?to-chuc=CODE), if readable; else the user's first root."""
    code = request.GET.get("to-chuc", "")
    if code:
        org = scope.orgs().filter(code=code).first()
        if org is None:
            raise Http404
        return org
    if not scope.roots:
        raise Http404
    return scope.roots[0]


def _cell_filter(
    request: HttpRequest, scope: Scope, org: Organization
) -> tuple[Organization | None, list[Any]]:
    cells = cells_in_scope(scope).filter(path__startswith=org.path)
    options = list(cells.values_list("code", "name")[: CELL_SELECT_LIMIT + 1])
    code = request.GET.get("chi-bo", "")
    cell = cells.filter(code=code).first() if code else None
    return cell, options if len(options) <= CELL_SELECT_LIMIT else []


def board(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    cell, cell_options = _cell_filter(request, scope, org)
    today = timezone.localdate()

    def part() -> dict[str, object]:
        since = today - dt.timedelta(days=FAILED_VOTES_DAYS)
        return {
            "board": pipeline_board(scope, org=org, cell=cell, today=today),
            "failed": failed_votes(scope, org=cell or org, since=since),
            "failed_days": FAILED_VOTES_DAYS,
        }

    return render(
        request,
        "web/cases/board.html",
        {
            "nav": "cases",
            "org": org,
            "cell": cell,
            "cell_options": cell_options,
            # The counts, the cards and the failed votes, counted and drawn once per data
            # version and day (a commune's staff open it all morning; web/fragments.py).
            "board_html": kept_html(
                "board", scope, cell or org, (today, FAILED_VOTES_DAYS), "web/cases/_board.html", part
            ),
            "today": today,
            "roots": scope.roots,
        },
    )


def overdue(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    return render(
        request,
        "web/cases/overdue.html",
        {
            "nav": "cases",
            "org": org,
            "today": today,
            "late": overdue_items(scope, org=org, as_of=today),
            "soon": due_soon_items(scope, org=org, today=today),
        },
    )


# --- The case page ---------------------------------------------------------------------


def _get_case(scope: Scope, pk: int) -> Case:
    try:
        return case_get(scope, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _vote_initial(
    case: Case, meeting: Meeting | None = None, voters: tuple[int, int] | None = None
) -> dict[str, Any]:
    """The registry's proposal for a meeting today, or the figures of the meeting's
    attendance, for the secretary to confirm or correct."""
    if case.step != P.CELL_VOTE:
        return {}
    if meeting is not None:
        f = meeting_figures(meeting)
        return {
            "meeting": meeting.pk,
            "held_on": meeting.held_on,
            "summoned": f.summoned,
            "present": f.present,
            "exempt_present": f.exempt_present,
            "excluded_excused": f.excused_official,
            "denominator": f.denominator,
        }
    official, _ = voters or cell_voters(case.cell, timezone.localdate())
    return {"summoned": official, "denominator": official}


def _forms(
    case: Case,
    data: Any = None,
    action: str = "",
    meeting: Meeting | None = None,
    voters: tuple[int, int] | None = None,
) -> LazyForms:
    """Every action form of the case, built when read; the one posted (action) gets the data."""
    initial = {"version": case.version}
    route = case.route

    def make(name: str, cls: type[forms.Form], **kw: Any) -> forms.Form:
        bound = data if name == action else None
        # Several forms share field names on one page: ids carry the form's name.
        return cls(bound, initial=initial | kw.pop("initial", {}), auto_id=f"{name}_%s", **kw)

    return LazyForms(
        {
            "step": lambda: make("step", F.StepForm, route=route, step=case.step),
            "exceptions": lambda: make(
                "exceptions",
                F.ExceptionsForm,
                initial={
                    "education_exception": case.education_exception,
                    "over_age_agreement": case.over_age_agreement,
                    "readmission_agreement": case.readmission_agreement,
                    "prior_exit": case.prior_exit,
                    "conviction_cleared_on": case.conviction_cleared_on,
                },
            ),
            "verification_add": lambda: make("verification_add", F.VerificationAddForm),
            "verification_result": lambda: make("verification_result", F.VerificationResultForm),
            "introduction": lambda: make(
                "introduction",
                F.IntroductionForm,
                members=cell_official_choices(case.cell_id, exclude_person_id=case.person_id),
                picker_url=officials_url(case.cell, "introducer", exclude_person_id=case.person_id),
            ),
            "introduction_end": lambda: make("introduction_end", F.IntroductionEndForm),
            "cell_vote": lambda: make(
                "cell_vote", F.CellVoteForm, route=route, initial=_vote_initial(case, meeting, voters)
            ),
            "committee_vote": lambda: make("committee_vote", F.CommitteeVoteForm, route=route),
            "decision": lambda: make("decision", F.DecisionForm, route=route),
            "extend": lambda: make("extend", F.ExtendForm),
            "ceremony": lambda: make("ceremony", F.CeremonyForm, route=route),
            "suspend": lambda: make("suspend", F.SuspendForm),
            "resume": lambda: make("resume", F.ResumeForm),
            "close": lambda: make("close", F.CloseForm),
        }
    )


def _by_step(forms_: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in forms_:
        out.setdefault(f.step, []).append(f)
    return out


def _case_context(
    scope: Scope,
    view: CaseView,
    forms_: Mapping[str, forms.Form],
    action: str = "",
    voters: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The dossier's body (web/cases/_case.html): what the view read, the forms, and the
    flags the scope decides. Nothing of the request: a body may be kept (case_detail)."""
    c = view.case
    today = timezone.localdate()
    official, exempt = voters or cell_voters(c.cell, today)
    can_write = scope.can_write(c.cell)
    papers = forms_for(c, None) if can_write else []
    book = RuleBook.load()
    threshold = book.get("vote.cell_threshold", on=today, org=c.cell)
    return {
        "v": view,
        "c": c,
        "f": forms_,
        "action": action,
        "can_write": can_write,
        "step_def": P.BY_CODE[c.step],
        "simple_step": c.step not in (P.CELL_VOTE, P.BASE_RESOLUTION, P.DECISION, P.CEREMONY),
        "registry": {
            "official": official,
            "exempt": exempt,
            "needed": votes_needed(denominator=official, threshold=threshold.value),  # type: ignore[arg-type]
            "threshold": threshold,
        },
        "decision_phase": c.step in P.DECISION_PHASE and c.cell_resolution_on is not None,
        "today": today,
        "exclusions": Exclusion,
        "IntroKind": IntroKind,
        "paper_forms": papers,
        "step_forms": _by_step(papers),
        "generated": list(
            GeneratedDocument.objects.filter(case=c).defer("content").select_related("generated_by")[:20]
        )
        if can_write
        else [],
        "obj_pk": c.pk,
        "dossier_kind": "admission",
    }


def _render_case(
    request: HttpRequest,
    view: CaseView,
    forms_: Mapping[str, forms.Form],
    action: str = "",
    voters: tuple[int, int] | None = None,
) -> HttpResponse:
    """The dossier's page drawn afresh: a form sent back with its errors."""
    context = _case_context(request_scope(request), view, forms_, action, voters)
    return render(request, "web/cases/case.html", {"nav": "cases", **context}, status=400 if action else 200)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request_scope(request)
    today = timezone.localdate()

    def read() -> tuple[CaseView, tuple[int, int]]:
        view = case_view(scope, pk, today=today)
        # The cell's voters on the registry: the vote form's proposal and the page's figures.
        return view, cell_voters(view.case.cell, today)

    try:
        # Read once per data version and day, by everyone who sees what this user sees (a
        # dozen queries and the eligibility checks): any write, this dossier's own steps
        # included, makes the next visit read it afresh (core/keep.py). The body is drawn
        # from it as rarely (web.fragments.kept_body); a step is recorded against the row
        # read afresh.
        version = data_version()  # once for both kept parts
        view, voters = kept_page("case-page", scope, (pk, today), read, version=version)
    except Case.DoesNotExist:
        raise Http404 from None
    raw = request.GET.get("buoi", "")
    meeting = meeting_get(scope, int(raw)) if raw.isdigit() else None
    if meeting is not None and meeting.cell_id != view.case.cell_id:
        meeting = None
    body = kept_body(
        request,
        "case",
        scope,
        (pk, today, meeting.pk if meeting else None),
        "web/cases/_case.html",
        lambda: _case_context(scope, view, _forms(view.case, meeting=meeting, voters=voters), voters=voters),
        version=version,
    )
    return render(request, "web/cases/case.html", {"nav": "cases", "c": view.case, "body": body})


def _membership(case: Case, value: str) -> Membership | None:
    if not value:
        return None
    return Membership.objects.filter(pk=int(value), cell_id=case.cell_id).select_related("person").first()


def _meeting_of(case: Case, pk: int | None) -> Meeting | None:
    """The meeting a vote form came from: only one of the dossier's own cell counts."""
    if not pk:
        return None
    return Meeting.objects.filter(pk=pk, cell_id=case.cell_id).first()


ACTIONS: dict[str, Callable[..., Any]] = {}


def _action(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        ACTIONS[name] = fn
        return fn

    return deco


@_action("step")
def _step(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_record_step(
        actor=actor,
        case=c,
        expected_version=d["version"],
        step=c.step,
        done_on=d["done_on"],
        doc_ref=d["doc_ref"],
        papers=d["papers"],
        note=d["note"],
    )
    return _("Đã ghi bước “{v1}”.").format(v1=P.BY_CODE[c.step].label)


@_action("exceptions")
def _exceptions(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_record_exceptions(
        actor=actor,
        case=c,
        expected_version=d["version"],
        education_exception=d["education_exception"],
        over_age_agreement=d["over_age_agreement"],
        readmission_agreement=d["readmission_agreement"],
        prior_exit=d["prior_exit"],
        conviction_cleared_on=d["conviction_cleared_on"],
    )
    return _("Đã ghi ngoại lệ và văn bản đồng ý; các điều kiện đã được kiểm tra lại.")


@_action("verification_add")
def _verification_add(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_add_verification(
        actor=actor,
        case=c,
        expected_version=d["version"],
        relation=d["relation"],
        full_name=d["full_name"],
        exempt=d["exempt"],
    )
    return _("Đã thêm người cần thẩm tra.")


@_action("verification_result")
def _verification_result(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    v = c.verifications.filter(pk=d["verification"]).first()
    if v is None:
        raise ServiceError("web.no_such_verification")
    services.admission_record_verification(
        actor=actor,
        case=c,
        expected_version=d["version"],
        verification=v,
        result=d["result"],
        result_on=d["result_on"],
        result_ref=d["result_ref"],
    )
    return _("Đã ghi kết quả thẩm tra của {v.full_name}.").format(v=v)


@_action("introduction")
def _introduction(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_add_introduction(
        actor=actor,
        case=c,
        expected_version=d["version"],
        kind=d["kind"],
        given_on=d["given_on"],
        introducer=_membership(c, d["introducer"]),
        months_together=d["months_together"],
        is_relative=d["is_relative"],
        replacement=d["replacement"],
        doc_ref=d["doc_ref"],
    )
    return _("Đã ghi giới thiệu.")


@_action("introduction_end")
def _introduction_end(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    intro = c.introductions.filter(pk=d["introduction"]).first()
    if intro is None:
        raise ServiceError("web.no_such_introducer")
    services.admission_end_introduction(
        actor=actor, case=c, expected_version=d["version"], introduction=intro, on=d["on"], reason=d["reason"]
    )
    return _("Đã ghi người giới thiệu thôi giới thiệu. Hãy cử người giới thiệu thay thế.")


@_action("cell_vote")
def _cell_vote(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    assert isinstance(form, F.CellVoteForm)
    vote = services.admission_record_cell_vote(
        actor=actor,
        case=c,
        expected_version=d["version"],
        held_on=d["held_on"],
        summoned=d["summoned"],
        present=d["present"],
        exempt_present=d["exempt_present"],
        excluded=form.excluded(),
        denominator=d["denominator"],
        denominator_note=d["denominator_note"],
        yes=d["yes"],
        no=d["no"],
        doc_ref=d["doc_ref"],
        papers=d["papers"],
        meeting=_meeting_of(c, d.get("meeting")),
    )
    if vote.passed:
        return _("Chi bộ biểu quyết đạt: {vote.yes}/{vote.denominator} tán thành.").format(vote=vote)
    return _(
        "Biểu quyết KHÔNG đạt: {vote.yes}/{vote.denominator} tán thành. Kết quả đã được ghi để báo cáo cấp "
        "trên; chi bộ có thể xét lại hoặc đóng hồ sơ."
    ).format(vote=vote)


@_action("committee_vote")
def _committee_vote(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    vote = services.admission_record_committee_vote(
        actor=actor,
        case=c,
        expected_version=d["version"],
        held_on=d["held_on"],
        members=d["members"],
        present=d["present"],
        yes=d["yes"],
        no=d["no"],
        doc_ref=d["doc_ref"],
        papers=d["papers"],
    )
    return (
        _("Đảng ủy biểu quyết đạt.")
        if vote.passed
        else _("Đảng ủy biểu quyết KHÔNG đạt: kết quả đã được ghi.")
    )


@_action("decision")
def _decision(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_record_decision(
        actor=actor,
        case=c,
        expected_version=d["version"],
        decided_on=d["decided_on"],
        decision_ref=d["decision_ref"],
        received_on=d["received_on"],
        decided_by=d["decided_by"],
        papers=d["papers"],
    )
    return _("Đã ghi quyết định kết nạp. Lễ kết nạp phải tổ chức trong thời hạn ghi ở trên.")


@_action("extend")
def _extend(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_extend(
        actor=actor, case=c, expected_version=d["version"], days=d["days"], reason=d["reason"]
    )
    return _("Đã gia hạn.")


@_action("ceremony")
def _ceremony(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_record_ceremony(
        actor=actor,
        case=c,
        expected_version=d["version"],
        held_on=d["held_on"],
        late_agreement=d["late_agreement"],
        papers=d["papers"],
    )
    return _("Đã ghi lễ kết nạp: {c.person.full_name} là đảng viên dự bị.").format(c=c)


@_action("suspend")
def _suspend(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_suspend(
        actor=actor, case=c, expected_version=d["version"], on=d["on"], reason=d["reason"]
    )
    return _("Đã tạm dừng hồ sơ.")


@_action("resume")
def _resume(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_resume(actor=actor, case=c, expected_version=d["version"], on=d["on"], note=d["note"])
    return _("Hồ sơ tiếp tục; hạn đã được lùi theo số ngày làm việc tạm dừng.")


@_action("close")
def _close(actor: Any, c: Case, d: dict[str, Any], form: forms.Form) -> str:
    services.admission_close(
        actor=actor,
        case=c,
        expected_version=d["version"],
        on=d["on"],
        outcome=d["outcome"],
        reason=d["reason"],
        keep_in_pool=d["keep_in_pool"],
    )
    return _("Đã đóng hồ sơ.")


def _still_missing(step: str, given: list[str]) -> str:
    """The success message's second sentence when papers of the step were not ticked: the
    step is saved, but the clerk is told which, not left to find a "Thiếu" in the list."""
    missing = [p for p in P.BY_CODE[step].papers if p.code not in given] if step in P.BY_CODE else []
    if not missing:
        return ""
    names = "; ".join(f"{p.form} — {p.label}" if p.form else str(p.label) for p in missing)
    return " " + _(
        "Còn thiếu giấy tờ: {names}. Danh sách các bước ghi “Thiếu” bên cạnh; giấy theo mẫu tạo ở mục "
        "“Giấy tờ theo mẫu” cuối trang."
    ).format(names=names)


@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    scope = request_scope(request)
    c = _get_case(scope, pk)
    if action not in ACTIONS:
        raise Http404
    if not scope.can_write(c.cell):
        raise Http404
    forms_ = _forms(c, request.POST, action)
    form = forms_[action]
    step = c.step  # the step this form records, before the dossier moves on

    def act(d: dict[str, Any]) -> str:
        message = ACTIONS[action](acting_user(request), c, d, form)
        return message + _still_missing(step, d["papers"]) if "papers" in d else message

    if run_versioned(request, form, c.version, act):
        return redirect("web:case_detail", pk=c.pk)
    view = case_view(scope, pk, today=timezone.localdate())
    return _render_case(request, view, forms_, action)
