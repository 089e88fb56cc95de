"""Quality ratings: a cell enters its members' yearly levels; a committee rates the
organizations under it; everyone in scope sees the shares."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.committees.duties import DutyRow, duties_report, member_duties
from dangvien.core.errors import ServiceError
from dangvien.members.models import Membership
from dangvien.members.selectors import org_children
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, ScopeDenied
from dangvien.ratings.models import Level, MemberRating, OrgRating
from dangvien.ratings.selectors import rating_summary
from dangvien.ratings.services import Entry, ratings_record_members, ratings_record_orgs
from dangvien.web import charts
from dangvien.web.context import acting_user, request_scope
from dangvien.web.views.cases import _org_from_request


def _entry(request: HttpRequest, key: str) -> Entry | None:
    level = request.POST.get(f"muc-{key}", "")
    if not level:
        return None
    score_text = request.POST.get(f"diem-{key}", "").strip()
    if score_text and not score_text.isdigit():
        raise ServiceError("web.score_not_number", s=score_text[:10])
    return Entry(level, int(score_text) if score_text else None)


def _duty_lines(
    scope: Scope, org: Organization, children: list[Organization], year: int, as_of: dt.date
) -> dict[int, str]:
    """For the organizations' rating, as information: a cell's committee members answering
    for it and what they introduced; a committee's members who met their duty (issue 21)."""
    rows = duties_report(scope, org=org, year=year, as_of=as_of).rows
    lines: dict[int, str] = {}
    for child in children:
        if child.is_cell:
            mine = [r for r in rows if child.code in r.cells]
            if mine:
                lines[child.pk] = _("Cấp ủy viên phụ trách: {names}").format(
                    names="; ".join(
                        _("{name} (giới thiệu {n})").format(name=r.name, n=r.introduced) for r in mine
                    )
                )
        else:
            mine = [r for r in rows if r.committee_path.startswith(child.path)]
            if mine:
                lines[child.pk] = _("Cấp ủy viên đã giới thiệu quần chúng trong năm: {met}/{total}").format(
                    met=sum(r.met for r in mine), total=len(mine)
                )
    return lines


def ratings_view(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    org = _org_from_request(request, scope)
    today = timezone.localdate()
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= today.year else today.year - 1
    children = org_children(scope, org)
    rate_members = org.is_cell and scope.can_write(org)
    rate_orgs = bool(children) and scope.can_manage(org)
    if request.method == "POST":
        back = f"{request.path}?to-chuc={org.code}&nam={year}"
        try:
            if request.POST.get("action") == "members" and rate_members:
                entries = {}
                for key in request.POST.getlist("dang-vien"):
                    e = _entry(request, key)
                    if e is not None and key.isdigit():
                        entries[int(key)] = e
                n = ratings_record_members(actor=acting_user(request), cell=org, year=year, entries=entries)
                messages.success(
                    request, _("Đã lưu xếp loại năm {y}: {n} đảng viên thay đổi.").format(y=year, n=n)
                )
            elif request.POST.get("action") == "orgs" and rate_orgs:
                by_code = {c.code: c for c in children}
                chosen = {}
                for code in request.POST.getlist("to-chuc-con"):
                    e = _entry(request, code)
                    if e is not None and code in by_code:
                        chosen[by_code[code]] = e
                n = ratings_record_orgs(actor=acting_user(request), year=year, entries=chosen)
                messages.success(request, _("Đã lưu xếp loại năm {y} của {n} tổ chức.").format(y=year, n=n))
            else:
                raise Http404
        except ScopeDenied:
            raise Http404 from None
        except ServiceError as exc:
            messages.error(request, _("Chưa lưu: {e}").format(e=exc.message))
        return redirect(back)
    summary = rating_summary(scope, org, year, children)
    members: list[tuple[Membership, MemberRating | None]] = []
    duties: dict[int, DutyRow] = {}
    if rate_members:
        ms = list(
            Membership.objects.filter(cell=org, is_active=True, admission_date__year__lte=year)
            .select_related("person")
            .order_by("person__sort_key")
        )
        given = {r.membership_id: r for r in MemberRating.objects.filter(membership__in=ms, year=year)}
        members = [(m, given.get(m.pk)) for m in ms]
        # Information for the cell, never a grade: what its committee members did for the
        # cells they answer for (issue 21).
        duties = member_duties([m.pk for m in ms], year=year, as_of=min(today, dt.date(year, 12, 31)))
    org_given: dict[int, OrgRating] = {}
    org_duties: dict[int, str] = {}
    if rate_orgs:
        org_duties = _duty_lines(scope, org, children, year, min(today, dt.date(year, 12, 31)))
        org_given = {
            r.organization_id: r for r in OrgRating.objects.filter(organization__in=children, year=year)
        }
    return render(
        request,
        "web/ratings/page.html",
        {
            "nav": "statistics",
            "org": org,
            "roots": scope.roots,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "summary": summary,
            "chart": charts.share_bar(
                [(label, n) for _k, label, n in summary.members.rows()], title=_("Xếp loại đảng viên")
            )
            if summary.members.total
            else "",
            "levels": Level.choices,
            "members": members,
            "duties": duties,
            "rate_members": rate_members,
            "children_rows": [(c, org_given.get(c.pk)) for c in children] if rate_orgs else [],
            "org_duties": org_duties,
        },
    )
