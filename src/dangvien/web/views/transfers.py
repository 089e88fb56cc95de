"""Transfers in the browser (each side sees its own: out of my organizations, into them,
overdue on either side, temporary members here), the transfer page with its actions; and
the member-page actions that start a transfer, an exemption or a residence registration."""

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangvien.cases.models import OPEN_TRANSFER_STATES, Transfer, TransferKind, TransferState
from dangvien.cases.transfer import services as S
from dangvien.cases.transfer.selectors import (
    on_time,
    temporary_members_here,
    transfer_get,
    transfer_sides,
    transfers_in,
    transfers_out,
    transfers_overdue,
)
from dangvien.core.errors import ServiceError, StaleError
from dangvien.members import exemptions as E
from dangvien.members.models import Exemption, Membership
from dangvien.members.selectors import member_get
from dangvien.orgs.models import Organization
from dangvien.web import followup_forms as F
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import add_service_error, run_versioned
from dangvien.web.views.cases import _org_from_request

LIST_LIMIT = 300
TABS = ("di", "den", "qua-han", "tam-thoi")


def transfers(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    tab = request.GET.get("xem", "di")
    if tab not in TABS:
        tab = "di"
    state = request.GET.get("tinh-trang", "dang")
    if tab == "di":
        qs = transfers_out(scope, org=org)
    elif tab == "den":
        qs = transfers_in(scope, org=org)
    elif tab == "qua-han":
        qs = transfers_overdue(scope, org=org, as_of=today)
    else:
        qs = temporary_members_here(scope, org=org)
    if tab in ("di", "den") and state == "dang":
        qs = qs.filter(state__in=OPEN_TRANSFER_STATES)
    rows = list(
        qs.order_by("due_on", "-moved_on", "pk")[:LIST_LIMIT] if tab != "tam-thoi" else qs[:LIST_LIMIT]
    )
    return render(
        request,
        "web/transfers/list.html",
        {
            "nav": "transfers",
            "org": org,
            "tab": tab,
            "state": state,
            "rows": [(t, on_time(t)) for t in rows],
            "limit": LIST_LIMIT,
            "today": today,
            "roots": scope.roots,
            "overdue_count": transfers_overdue(scope, org=org, as_of=today).count(),
        },
    )


def _get(request: HttpRequest, pk: int) -> Transfer:
    try:
        return transfer_get(request_scope(request), pk)
    except Transfer.DoesNotExist:
        raise Http404 from None


def _forms(t: Transfer, data: Any = None, action: str = "") -> dict[str, forms.Form]:
    initial = {"version": t.version}

    def make(name: str, cls: type[forms.Form]) -> forms.Form:
        return cls(data if name == action else None, initial=initial, auto_id=f"{name}_%s")

    return {
        "letter": make("letter", F.LetterForm),
        "receive": make("receive", F.ReceiveForm),
        "return": make("return", F.DatedForm),
        "cancel": make("cancel", F.CancelForm),
    }


def _offered(t: Transfer, sender: bool, receiver: bool) -> set[str]:
    offered = set()
    if t.state == TransferState.PREPARING and sender:
        offered.add("letter")
    if t.state == TransferState.IN_TRANSIT and receiver:
        offered.add("receive")
    if t.kind == TransferKind.TEMPORARY and t.state in (TransferState.RECEIVED, TransferState.SENT_OUTSIDE):
        offered.add("return")
    if t.is_open and sender:
        offered.add("cancel")
    return offered


def _render(
    request: HttpRequest, t: Transfer, forms_: dict[str, forms.Form], action: str = ""
) -> HttpResponse:
    scope = request_scope(request)
    sender, receiver = transfer_sides(scope, t)
    today = timezone.localdate()
    return render(
        request,
        "web/transfers/detail.html",
        {
            "nav": "transfers",
            "t": t,
            "m": t.membership,
            "f": forms_,
            "action": action,
            "sender": sender,
            "receiver": receiver,
            "member_visible": scope.can_read(t.membership.cell),
            "on_time": on_time(t),
            "late": t.is_open and t.due_on is not None and t.due_on < today,
            # A form posted for an action the transfer no longer offers (it changed in the
            # meantime) is not on the page: its refusal is shown at the top instead.
            "orphan_errors": forms_[action].non_field_errors()
            if action and action not in _offered(t, sender, receiver)
            else [],
            "today": today,
        },
        status=400 if action else 200,
    )


def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _get(request, pk)
    return _render(request, t, _forms(t))


def _letter(actor: Any, t: Transfer, d: dict[str, Any]) -> str:
    after = S.transfer_issue_letter(
        actor=actor,
        transfer=t,
        expected_version=d["version"],
        letter_ref=d["letter_ref"],
        letter_on=d["letter_on"],
        issued_by=d["issued_by"],
    )
    if after.present_by:
        return _(
            "Đã ghi giấy giới thiệu. Đảng viên phải trình giấy ở nơi nhận chậm nhất ngày "
            "{after.present_by:%d/%m/%Y}."
        ).format(after=after)
    return _("Đã ghi giấy giới thiệu chuyển ra ngoài hệ thống.")


def _receive(actor: Any, t: Transfer, d: dict[str, Any]) -> str:
    S.transfer_receive(actor=actor, transfer=t, expected_version=d["version"], received_on=d["received_on"])
    return _("Đã tiếp nhận {t.membership.person.full_name}.").format(t=t)


def _return(actor: Any, t: Transfer, d: dict[str, Any]) -> str:
    S.transfer_return(actor=actor, transfer=t, expected_version=d["version"], on=d["on"])
    return _("Đã ghi đảng viên trở về nơi sinh hoạt chính thức.")


def _cancel(actor: Any, t: Transfer, d: dict[str, Any]) -> str:
    S.transfer_cancel(actor=actor, transfer=t, expected_version=d["version"], on=d["on"], reason=d["reason"])
    return _("Đã hủy việc chuyển sinh hoạt; đảng viên vẫn sinh hoạt ở chi bộ cũ.")


ACTIONS: dict[str, Callable[[Any, Transfer, dict[str, Any]], str]] = {
    "letter": _letter,
    "receive": _receive,
    "return": _return,
    "cancel": _cancel,
}


@require_POST
def transfer_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    t = _get(request, pk)
    sender, receiver = transfer_sides(request_scope(request), t)
    allowed = {"letter": sender, "cancel": sender, "receive": receiver, "return": sender or receiver}
    if not allowed.get(action):
        raise Http404
    forms_ = _forms(t, request.POST, action)
    form = forms_[action]
    if run_versioned(request, form, t.version, lambda d: ACTIONS[action](acting_user(request), t, d)):
        return redirect("web:transfer_detail", pk=t.pk)
    return _render(request, _get(request, pk), forms_, action)


# --- Actions started from the member page ------------------------------------------------


def _writable_member(request: HttpRequest, pk: int) -> Membership:
    scope = request_scope(request)
    m = member_get(scope, pk)
    if not scope.can_write(m.cell):
        raise Http404
    return m


TRANSFER_HELP = gettext_lazy(
    "Đảng viên phải hoàn thành việc chuyển trong 60 ngày làm việc kể từ ngày quyết định hoặc chuyển đi, "
    "và trình giấy giới thiệu ở chi bộ nơi đến trong 30 ngày làm việc kể từ ngày cấp giấy. Cho đến khi "
    "nơi đến tiếp nhận, đảng viên vẫn được tính ở chi bộ hiện tại. Chuyển tạm thời: đảng viên sinh hoạt "
    "ở nơi đến nhưng vẫn được tính ở nơi sinh hoạt chính thức."
)


def transfer_start(request: HttpRequest, pk: int) -> HttpResponse:
    m = _writable_member(request, pk)
    form = F.TransferCreateForm(
        request.POST or None, initial={"version": m.version, "kind": TransferKind.PERMANENT}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["version"] != m.version:
                raise StaleError
            to_cell = S.find_destination(d["to_code"]) if d["to_code"].strip() else None
            t = S.transfer_create(
                actor=acting_user(request),
                membership=m,
                kind=d["kind"],
                moved_on=d["moved_on"],
                reason=d["reason"],
                to_cell=to_cell,
                outside_name=d["outside_name"],
                until=d["until"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi việc chuyển sinh hoạt. Hạn hoàn thành: {t.complete_by:%d/%m/%Y}. Bước tiếp "
                    "theo: ghi giấy giới thiệu."
                ).format(t=t),
            )
            return redirect("web:transfer_detail", pk=t.pk)
    return render(
        request,
        "web/members/action.html",
        {
            "nav": "members",
            "m": m,
            "form": form,
            "form_id": "transfer",
            "title": _("Chuyển sinh hoạt đảng"),
            "button": _("Ghi việc chuyển sinh hoạt"),
            "help": TRANSFER_HELP,
        },
        status=400 if request.method == "POST" else 200,
    )


def exemption_start(request: HttpRequest, pk: int) -> HttpResponse:
    m = _writable_member(request, pk)
    form = F.ExemptionRequestForm(request.POST or None, initial={"version": m.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            E.exemption_request(
                actor=acting_user(request),
                membership=m,
                kind=d["kind"],
                requested_on=d["requested_on"],
                reason=d["reason"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi đơn đề nghị. Bước tiếp theo: ghi quyết định của chi bộ."))
            return redirect("web:member_detail", pk=m.pk)
    return render(
        request,
        "web/members/action.html",
        {
            "nav": "members",
            "m": m,
            "form": form,
            "title": _("Đề nghị miễn / tạm miễn sinh hoạt đảng"),
            "button": _("Ghi đơn đề nghị"),
        },
        status=400 if request.method == "POST" else 200,
    )


def residence_start(request: HttpRequest, pk: int) -> HttpResponse:
    m = _writable_member(request, pk)
    form = F.ResidenceForm(request.POST or None, initial={"version": m.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cell = Organization.objects.filter(code=d["cell_code"].strip()).first()
        try:
            if cell is None:
                raise ServiceError("web.no_such_cell", field="cell_code")
            E.residence_register(
                actor=acting_user(request), membership=m, cell=cell, registered_on=d["registered_on"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ký sinh hoạt nơi cư trú tại {cell.name}.").format(cell=cell))
            return redirect("web:member_detail", pk=m.pk)
    return render(
        request,
        "web/members/action.html",
        {
            "nav": "members",
            "m": m,
            "form": form,
            "title": _("Đăng ký nơi cư trú"),
            "button": "Ghi",
            "help": _(
                "Đảng viên cư trú ở nơi khác chi bộ sinh hoạt: chi bộ nơi cư trú sẽ thấy đảng viên trong "
                "danh sách “Đảng viên cư trú tại địa bàn” (chỉ xem)."
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


EXEMPTION_ACTIONS: dict[str, tuple[type[forms.Form], Callable[..., Any], str]] = {
    "quyet-dinh": (F.ExemptionDecideForm, E.exemption_decide, _("Đã ghi quyết định của chi bộ.")),
    "bao-cao": (F.ExemptionReportForm, E.exemption_report, _("Đã ghi ngày báo cáo cấp trên.")),
    "ket-thuc": (F.ExemptionEndForm, E.exemption_end, _("Đảng viên đã trở lại sinh hoạt.")),
}


def exemption_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = request_scope(request)
    e = Exemption.objects.select_related("membership__cell", "membership__person").filter(pk=pk).first()
    if e is None or action not in EXEMPTION_ACTIONS or not scope.can_write(e.membership.cell):
        raise Http404
    cls, service, done = EXEMPTION_ACTIONS[action]
    form = cls(request.POST or None, initial={"version": e.version})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            service(actor=acting_user(request), exemption=e, expected_version=d.pop("version"), **d)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("web:member_detail", pk=e.membership_id)
    titles = {
        "quyet-dinh": _("Quyết định của chi bộ"),
        "bao-cao": _("Báo cáo cấp ủy cấp trên"),
        "ket-thuc": _("Trở lại sinh hoạt"),
    }
    return render(
        request,
        "web/members/action.html",
        {
            "nav": "members",
            "m": e.membership,
            "form": form,
            "title": f"{e.get_kind_display()}: {titles[action]}",
            "button": "Ghi",
        },
        status=400 if request.method == "POST" else 200,
    )
