from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.cases.transfer.selectors import temporary_members_here
from dangvien.committees.selectors import answering_for
from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError
from dangvien.core.preview import preview
from dangvien.members.models import Membership, OfficeHolder
from dangvien.members.officers import holders_on, officer_appoint, officer_end, officer_history
from dangvien.members.selectors import org_children, with_counts
from dangvien.orgs import reorganize, services
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, require_write
from dangvien.orgs.selectors import org_ancestors, org_get, org_history, org_search, tree_as_of
from dangvien.reports.selectors import member_counts
from dangvien.web.context import acting_user, request_scope
from dangvien.web.forms import OfficerEndForm, OfficerForm, OrgCreateForm, ReorgForm, add_service_error


def org_tree(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    return render(request, "web/orgs/tree.html", {"nav": "orgs", "roots": with_counts(list(scope.roots))})


def org_search_partial(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    results = org_search(request_scope(request), q) if q.strip() else []
    return render(request, "web/orgs/_search.html", {"results": results, "q": q})


def cell_finder(request: HttpRequest) -> HttpResponse:
    """The transfer form's destination finder (HTMX): cells of the user's own scope by the
    words of their name, each a button that fills the code. A cell outside the scope is
    entered by the code the receiving side gives: its name is not ours to browse."""
    q = request.GET.get("q", "")[:100]
    results = org_search(request_scope(request), q, cells_only=True) if q.strip() else []
    return render(request, "web/orgs/_cell_finder.html", {"results": results, "q": q})


def org_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    org = org_get(scope, code=code)
    return render(request, "web/orgs/_children.html", {"children": org_children(scope, org)})


def _visible_ancestors(request: HttpRequest, org: Organization) -> list[Organization]:
    scope = request_scope(request)
    return [a for a in org_ancestors(org) if scope.can_read(a)]


def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    org = org_get(scope, code=code)
    as_of = timezone.localdate()
    as_of_error = ""
    raw = request.GET.get("ngay", "").strip()
    if raw:
        try:
            as_of = parse_user_date(raw) or as_of
        except DateError as exc:
            as_of_error = str(exc)
    past = as_of != timezone.localdate()
    context = {
        "nav": "orgs",
        "org": org,
        "ancestors": _visible_ancestors(request, org),
        "children": org_children(scope, org, include_dissolved=False),
        "counts": member_counts(scope, org, as_of),
        "as_of": as_of,
        "past": past,
        "as_of_error": as_of_error,
        "history": org_history(org),
        "can_write": scope.can_write(org),
        "tree_then": tree_as_of(org, as_of) if past else None,
        # Shown here, counted where their membership is (not in the totals above).
        "temporary": list(temporary_members_here(scope, org=org)[:200]) if org.is_cell and not past else [],
        "officers": officer_history(org),
        "holders_today": holders_on(org, timezone.localdate()),
        "can_manage": scope.can_manage(org),
        "officer_form": OfficerForm(),
        "answering": answering_for(org, timezone.localdate()) if org.is_cell else [],
    }
    return render(request, "web/orgs/detail.html", context)


def org_add_child(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    parent = org_get(scope, code=code)
    if not scope.can_write(parent) or parent.is_cell:
        raise Http404
    form = OrgCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = services.org_create(
                actor=acting_user(request),
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                parent=parent,
                sector=d["sector"],
                founded_on=d["founded_on"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thành lập “{org.name}”.").format(org=org))
            return redirect("web:org_detail", code=org.code)
    return render(request, "web/orgs/add.html", {"nav": "orgs", "parent": parent, "form": form})


def _run_reorg(request: HttpRequest, org: Organization, form: ReorgForm) -> services.ReorgSummary:
    scope = request_scope(request)
    d = form.cleaned_data
    actor = acting_user(request)
    kind = d["kind"]
    common = {"effective_on": d["effective_on"], "decision_ref": d["decision_ref"], "note": d["note"]}
    if d["effective_on"] is None:
        raise ServiceError("web.effective_missing", field="effective_on")
    if kind == "rename":
        return services.org_rename(
            actor=actor,
            org=org,
            name=d["name"],
            expected_version=d["version"],
            **common,
        )
    if kind == "move":
        target = scope.orgs(write=True).filter(code=d["new_parent"].strip()).first()
        if target is None:
            raise ServiceError("web.no_such_org_in_scope", v1=d["new_parent"], field="new_parent")
        return reorganize.org_move(
            actor=actor,
            org=org,
            new_parent=target,
            expected_version=d["version"],
            **common,
        )
    if kind == "merge":
        typed = [c.strip() for c in d["sources"].replace(";", ",").split(",") if c.strip()]
        codes = list(dict.fromkeys([*request.POST.getlist("pick"), *typed]))
        found = {o.code: o for o in scope.orgs(write=True).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            listed = ", ".join(f"“{c}”" for c in missing)
            raise ServiceError("web.no_such_orgs", field="sources", codes=listed)
        return reorganize.org_merge(actor=actor, sources=list(found.values()), target=org, **common)
    if kind == "split":
        parts = []
        for line in d["parts"].splitlines():
            if not line.strip():
                continue
            bits = [b.strip() for b in line.split(";")]
            if len(bits) < 2:
                raise ServiceError("web.split_line_invalid", field="parts")
            cards = [c.strip() for c in (bits[2] if len(bits) > 2 else "").split(",") if c.strip()]
            ids = list(
                org.memberships.filter(is_active=True, card_number__in=cards).values_list("pk", flat=True)
            )
            if len(ids) != len(cards):
                raise ServiceError("web.card_not_here", field="parts")
            parts.append(reorganize.SplitPart(code=bits[0], name=bits[1], member_ids=ids))
        return reorganize.org_split(actor=actor, source=org, parts=parts, **common)
    if kind == "dissolve":
        return reorganize.org_dissolve(actor=actor, org=org, expected_version=d["version"], **common)
    raise Http404


def org_reorganize(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    org = org_get(scope, code=code)
    try:
        require_write(scope, org)
    except ScopeDenied:
        raise Http404 from None
    kind = request.POST.get("kind") or request.GET.get("loai") or "rename"
    form = ReorgForm(request.POST or None, initial={"kind": kind, "version": org.version, "name": org.name})
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("confirm") == "1":
                done = _run_reorg(request, org, form)
                messages.success(request, "Đã thực hiện: " + "; ".join(done.lines))
                org.refresh_from_db()
                return redirect("web:org_detail", code=org.code)
            summary = preview(lambda: _run_reorg(request, org, form))
        except ServiceError as exc:
            add_service_error(form, exc)
    siblings = []
    if kind == "merge" and org.parent is not None:
        siblings = [c for c in org_children(scope, org.parent) if c.pk != org.pk and scope.can_write(c)]
    return render(
        request,
        "web/orgs/reorganize.html",
        {
            "nav": "orgs",
            "org": org,
            "form": form,
            "kind": kind,
            "summary": summary,
            "ancestors": _visible_ancestors(request, org),
            "siblings": siblings,
            "picked": request.POST.getlist("pick"),
        },
    )


@require_POST
def org_officer_add(request: HttpRequest, code: str) -> HttpResponse:
    """Record who holds an office of the organization (committee staff above it)."""
    scope = request_scope(request)
    org = org_get(scope, code=code)
    if not scope.can_manage(org):
        raise Http404
    form = OfficerForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        membership = None
        card = d["card_number"].strip()
        if card:
            membership = Membership.objects.filter(card_number=card).filter(scope.org_filter("cell")).first()
            if membership is None:
                form.add_error("card_number", "Không có đảng viên số thẻ này trong phạm vi của bạn")
        if form.is_valid():
            try:
                officer_appoint(
                    actor=acting_user(request),
                    organization=org,
                    office=d["office"],
                    membership=membership,
                    full_name=d["full_name"],
                    valid_from=d["valid_from"],
                    valid_to=d["valid_to"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã ghi người giữ chức vụ."))
            return redirect(reverse("web:org_detail", args=[org.code]) + "#cap-uy")
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("web:org_detail", args=[org.code]) + "#cap-uy")


@require_POST
def org_officer_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = request_scope(request)
    org = org_get(scope, code=code)
    holder = OfficeHolder.objects.filter(pk=pk, organization=org).first()
    if holder is None or not scope.can_manage(org):
        raise Http404
    form = OfficerEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            officer_end(actor=acting_user(request), holder=holder, on=form.cleaned_data["on"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Đã ghi đồng chí {holder.full_name} thôi giữ chức vụ.").format(holder=holder)
            )
    return redirect(reverse("web:org_detail", args=[org.code]) + "#cap-uy")
