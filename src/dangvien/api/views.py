"""The HTTP API (OpenAPI at /api/docs). Same selectors and scope as the web pages."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.security import HttpBearer

from dangvien.accounts.models import ApiToken
from dangvien.core.errors import NotFound, ServiceError
from dangvien.core.replica import reads_replica
from dangvien.members.selectors import MemberFilter, member_get, member_list
from dangvien.orgs.scope import scope_for
from dangvien.orgs.selectors import org_get
from dangvien.reports.selectors import member_counts
from dangvien.targets.periods import parse_period
from dangvien.targets.progress import progress_report


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        # On the primary always: a token made a moment ago may not have reached a replica.
        tokens = ApiToken.objects.using("default").select_related("user")
        found = tokens.filter(key_hash=digest, user__is_active=True).first()
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# The documentation (/api/docs, /api/openapi.json) only for a signed-in user of the web app.
api = NinjaAPI(
    title="dangvien API", version="1", auth=TokenAuth(), urls_namespace="api", docs_decorator=login_required
)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    """Absent or outside the token owner's scope: the same 404 as any unknown address."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    parent: str | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None


class MemberOut(Schema):
    id: int
    full_name: str
    birth_date: dt.date
    sex: str
    card_number: str | None
    cell: str
    status: str
    admission_date: dt.date
    official_date: dt.date | None


class Page(Schema):
    count: int
    items: list[MemberOut]


def _member_out(m) -> MemberOut:  # type: ignore[no-untyped-def]
    return MemberOut(
        id=m.pk,
        full_name=m.person.full_name,
        birth_date=m.person.birth_date,
        sex=m.person.sex,
        card_number=m.card_number,
        cell=m.cell.code,
        status=m.status,
        admission_date=m.admission_date,
        official_date=m.official_date,
    )


@api.get("/orgs/{code}", response=OrgOut)
@decorate_view(reads_replica)
def get_org(request: HttpRequest, code: str) -> OrgOut:
    org = org_get(scope_for(request.user), code=code)
    return OrgOut(
        code=org.code,
        name=org.name,
        kind=org.kind,
        sector=org.sector,
        parent=org.parent.code if org.parent else None,
        founded_on=org.founded_on,
        dissolved_on=org.dissolved_on,
    )


@api.get("/members", response=Page)
@decorate_view(reads_replica)
def list_members(request: HttpRequest, q: str = "", cell: str = "", status: str = "", page: int = 1) -> Page:
    scope = scope_for(request.user)
    cell_org = org_get(scope, code=cell) if cell else None
    result = member_list(scope, MemberFilter(q=q, cell=cell_org, status=status), page=page, per_page=50)
    return Page(count=result.count, items=[_member_out(m) for m in result.items])


@api.get("/members/{member_id}", response=MemberOut)
@decorate_view(reads_replica)
def get_member(request: HttpRequest, member_id: int) -> MemberOut:
    return _member_out(member_get(scope_for(request.user), member_id))


@api.get("/reports/members")
@decorate_view(reads_replica)
def report_members(request: HttpRequest, org: str, as_of: dt.date | None = None) -> dict[str, object]:
    scope = scope_for(request.user)
    organization = org_get(scope, code=org)
    return member_counts(scope, organization, as_of or timezone.localdate()).as_dict()


@api.get("/reports/progress")
@decorate_view(reads_replica)
def report_progress(
    request: HttpRequest, org: str, period: str, as_of: dt.date | None = None
) -> dict[str, object]:
    """The progress report, as `dangvien report progress --format json` prints it, over the
    part of the subtree the token's owner may see."""
    scope = scope_for(request.user)
    organization = org_get(scope, code=org)
    try:
        parse_period(period)
    except ServiceError as exc:
        raise HttpError(422, exc.message) from None
    report = progress_report(scope, org=organization, period=period, as_of=as_of or timezone.localdate())
    return report.as_dict()


__all__ = ["api"]
