"""Writes of the committees' working method: assignments of committee members to cells,
the survey's headcounts, and units marked as having no source left. Each is checked,
scoped to the committee's staff, and audited."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.committees.models import Assignment, Covered, Headcount, NoSource
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.members.models import Membership, OfficeHolder
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import require_manage, scope_for


def assignment_problem(
    *,
    committee: Organization,
    membership: Membership,
    cell: Organization,
    valid_from: dt.date,
    valid_to: dt.date | None,
    exclude_pk: int | None = None,
) -> ServiceError | None:
    """The one judge of an assignment (the page and the import both ask it)."""
    name = membership.person.full_name
    if not cell.is_cell:
        return ServiceError("committees.not_a_cell", cell=cell, field="cell")
    if cell.pk == committee.pk or not cell.path.startswith(committee.path):
        return ServiceError("committees.cell_not_under", cell=cell, committee=committee, field="cell")
    if valid_to is not None and valid_to <= valid_from:
        return ServiceError("committees.ends_before_start", field="valid_to")
    seated = OfficeHolder.objects.filter(
        organization=committee, membership=membership, valid_from__lte=valid_from
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if not seated.exists():
        return ServiceError(
            "committees.not_on_committee", on=valid_from, name=name, committee=committee, field="membership"
        )
    overlapping = Assignment.objects.filter(
        membership=membership, cell=cell, valid_from__lt=valid_to or dt.date.max
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        return ServiceError("committees.already_assigned", name=name, cell=cell, field="cell")
    return None


@transaction.atomic
def assignment_create(
    *,
    actor: User | None,
    committee: Organization,
    membership: Membership,
    cell: Organization,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
    audit: bool = True,
) -> Assignment:
    """Assign a committee member to answer for a cell (set by the committee's staff)."""
    require_manage(scope_for(actor), committee)
    # Two clicks at once: the second waits here and then finds the first one's row.
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    problem = assignment_problem(
        committee=committee, membership=membership, cell=cell, valid_from=valid_from, valid_to=valid_to
    )
    if problem is not None:
        raise problem
    a = Assignment.objects.create(
        committee=committee,
        membership=membership,
        cell=cell,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip()[:300],
    )
    if audit:
        audit_log(
            actor=actor,
            action="committees.assign",
            obj=a,
            changes={
                "committee": committee.code,
                "member": membership.card_number or membership.pk,
                "cell": cell.code,
                "from": valid_from,
                "to": valid_to,
            },
        )
    return a


@transaction.atomic
def assignment_end(*, actor: User | None, assignment: Assignment, on: dt.date) -> Assignment:
    a = Assignment.objects.select_for_update().select_related("committee").get(pk=assignment.pk)
    require_manage(scope_for(actor), a.committee)
    if on <= a.valid_from:
        raise ServiceError("committees.ends_before_start", field="on")
    if a.valid_to is not None and a.valid_to <= on:
        raise ServiceError("committees.already_ended", a=a, field="on")
    old = a.valid_to
    a.valid_to = on
    a.save(update_fields=["valid_to"])
    audit_log(actor=actor, action="committees.assignment_end", obj=a, changes={"to": [old, on]})
    return a


@transaction.atomic
def headcount_record(
    *,
    actor: User | None,
    organization: Organization,
    on: dt.date,
    kind: str,
    covered: int,
    note: str = "",
    audit: bool = True,
) -> Headcount:
    """The people a unit covers on a day; a second count of the same day and kind replaces
    the first (a correction), keeping the audit of both."""
    require_manage(scope_for(actor), organization)
    not_future(on, "on")
    if kind not in Covered.values:
        raise ServiceError("committees.covered_invalid", field="kind")
    if covered < 0:
        raise ServiceError("committees.covered_negative", field="covered")
    h = Headcount.objects.select_for_update().filter(organization=organization, on=on, kind=kind).first()
    old = h.covered if h is not None else None
    if h is None:
        h = Headcount(organization=organization, on=on, kind=kind)
    h.covered, h.note, h.recorded_by = covered, note.strip()[:300], recorded_by(actor)
    h.save()
    if audit:
        audit_log(
            actor=actor,
            action="committees.headcount",
            obj=h,
            changes={"org": organization.code, "on": on, "kind": kind, "covered": [old, covered]},
        )
    return h


def _open_mark(organization: Organization) -> NoSource | None:
    return NoSource.objects.select_for_update().filter(organization=organization, until__isnull=True).first()


@transaction.atomic
def no_source_mark(
    *, actor: User | None, organization: Organization, since: dt.date, reason: str
) -> NoSource:
    """Mark a unit as having no source left (every employee a member, say)."""
    require_manage(scope_for(actor), organization)
    not_future(since, "since")
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise ServiceError("committees.reason_missing", field="reason")
    current = _open_mark(organization)
    if current is not None:
        raise ServiceError("committees.no_source_open", org=organization, since=current.since, field="since")
    try:
        with transaction.atomic():
            n = NoSource.objects.create(
                organization=organization, since=since, reason=reason, recorded_by=recorded_by(actor)
            )
    except IntegrityError:  # a second click that raced past the check
        raise ServiceError(
            "committees.no_source_open", org=organization, since=since, field="since"
        ) from None
    audit_log(
        actor=actor, action="committees.no_source", obj=n, changes={"org": organization.code, "since": since}
    )
    return n


@transaction.atomic
def no_source_end(*, actor: User | None, organization: Organization, on: dt.date) -> NoSource:
    """A source again (new employees, a new hamlet): the mark ends on this day."""
    require_manage(scope_for(actor), organization)
    not_future(on, "on")
    current = _open_mark(organization)
    if current is None:
        raise ServiceError("committees.no_source_not_open", org=organization, field="on")
    if on <= current.since:
        raise ServiceError("committees.ends_before_start", field="on")
    current.until = on
    current.save(update_fields=["until"])
    audit_log(actor=actor, action="committees.no_source_end", obj=current, changes={"until": on})
    return current
