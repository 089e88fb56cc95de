"""Writes of targets and periods: each one audited, history kept as revision rows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.services import recorded_by
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.targets.groups import group_for, group_names
from dangvien.targets.models import Period, Target, TargetRevision
from dangvien.targets.periods import default_bounds, parse_period, period_bounds

MAX_TARGET = 1_000_000


def clean_group(text: str) -> str:
    """The canonical group name, "" for the total; ServiceError for an unknown group."""
    if not (text or "").strip():
        return ""
    g = group_for(text)
    if g is None:
        raise ServiceError("targets.no_such_group", v1=text.strip(), v2=group_names(), field="group")
    return g.key


@transaction.atomic
def target_set(
    *,
    actor: User | None,
    org: Organization,
    period: str,
    value: int,
    group: str = "",
    effective_on: dt.date | None = None,
    reason: str = "",
    decision_ref: str = "",
) -> TargetRevision | None:
    """Set (or revise) a target from a date. Returns the new revision, or None when the
    same value already takes effect that day (re-importing a file changes nothing)."""
    if not scope_for(actor).can_manage(org):
        raise ScopeDenied
    code, _kind = parse_period(period)
    bounds = period_bounds(code)
    key = clean_group(group)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ServiceError("targets.target_not_number", field="value")
    if value > MAX_TARGET:
        raise ServiceError("targets.target_too_large", field="value")
    if org.dissolved_on is not None:
        raise ServiceError("targets.org_inactive", org=org, field="org")
    on = effective_on or bounds.start
    if on > bounds.end:
        raise ServiceError(
            "targets.effective_after_period",
            on=on,
            bounds=bounds,
            field="effective_on",
        )
    reason, decision_ref = reason.strip()[:500], decision_ref.strip()[:100]
    target, _ = Target.objects.select_for_update().get_or_create(organization=org, period=code, group=key)
    last_same_day = target.revisions.filter(effective_on=on).order_by("-id").first()
    if last_same_day is not None and last_same_day.value == value:
        return None
    previous = target.revisions.filter(effective_on__lte=on).order_by("-effective_on", "-id").first()
    revision = TargetRevision.objects.create(
        target=target,
        value=value,
        effective_on=on,
        reason=reason,
        decision_ref=decision_ref,
        recorded_by=recorded_by(actor),
    )
    audit_log(
        actor=actor,
        action="targets.set",
        obj=target,
        changes={
            "org": org.code,
            "period": code,
            "group": key,
            "value": [previous.value if previous else None, value],
            "effective_on": on,
            "reason": reason,
            "decision_ref": decision_ref,
        },
    )
    return revision


@transaction.atomic
def period_set_dates(*, actor: User | None, period: str, starts_on: dt.date, ends_on: dt.date) -> Period:
    """An administrator gives a period its real dates (a term from congress to congress)."""
    if not scope_for(actor).is_admin:
        raise ScopeDenied
    default = default_bounds(period)
    if starts_on >= ends_on:
        raise ServiceError("targets.start_after_end", field="ends_on")
    if abs((starts_on - default.start).days) > 366 or abs((ends_on - default.end).days) > 366:
        raise ServiceError(
            "targets.period_too_far",
            default=default,
            field="starts_on",
        )
    row, _ = Period.objects.select_for_update().get_or_create(
        code=default.code, defaults={"kind": default.kind, "starts_on": starts_on, "ends_on": ends_on}
    )
    old = (row.starts_on, row.ends_on)
    row.starts_on, row.ends_on = starts_on, ends_on
    row.save(update_fields=["starts_on", "ends_on"])
    audit_log(
        actor=actor, action="targets.period", obj=row, changes={"from": old, "to": (starts_on, ends_on)}
    )
    return row
