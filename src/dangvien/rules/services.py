"""Writes to the rules: administrators' overrides and calendar days. Audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.orgs.models import Organization, OrgKind
from dangvien.orgs.scope import scope_for
from dangvien.rules.models import CalendarDay, RuleOverride
from dangvien.rules.packs import PARAMS, parse_value, value_text


def _require_admin(actor: User | None) -> None:
    if not scope_for(actor).is_admin:
        raise ServiceError("rules.admin_only")


@transaction.atomic
def rule_override(
    *,
    actor: User | None,
    key: str,
    value: str,
    effective_from: dt.date,
    reason: str,
    province: Organization | None = None,
) -> RuleOverride:
    """Set a parameter's value from a date on, for everyone or for one province's subtree."""
    _require_admin(actor)
    param = PARAMS.get(key)
    if param is None:
        raise ServiceError("rules.no_such_parameter", key=key, field="key")
    try:
        parsed = parse_value(param, value)
    except ValueError as exc:
        raise ServiceError("core.reason", field="value", reason=str(exc)) from None
    if not reason.strip():
        raise ServiceError("rules.override_reason_missing", field="reason")
    if province is not None and province.kind != OrgKind.PROVINCE:
        raise ServiceError("rules.not_a_province", province=province, field="province")
    override = RuleOverride.objects.create(
        key=key,
        value=value_text(parsed),
        effective_from=effective_from,
        province=province,
        reason=reason.strip()[:500],
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_log(
        actor=actor,
        action="rules.override",
        obj=override,
        changes={
            "key": key,
            "value": override.value,
            "effective_from": effective_from,
            "province": province.code if province else None,
            "reason": override.reason,
        },
    )
    return override


@transaction.atomic
def rule_override_revoke(*, actor: User | None, override: RuleOverride, reason: str) -> RuleOverride:
    """Undo an override: the pack's value (or an earlier override) applies again. The row stays."""
    _require_admin(actor)
    o = RuleOverride.objects.select_for_update().get(pk=override.pk)
    if o.revoked_at is not None:
        raise ServiceError("rules.already_revoked")
    o.revoked_at = timezone.now()
    o.revoked_by = actor if actor is not None and actor.pk else None
    o.revoke_reason = reason.strip()[:500]
    o.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_log(
        actor=actor, action="rules.override.revoke", obj=o, changes={"key": o.key, "reason": o.revoke_reason}
    )
    return o


@transaction.atomic
def calendar_day_set(*, actor: User | None, date: dt.date, working: bool, reason: str) -> CalendarDay:
    """Declare a day off (on a weekday) or a working day (on a weekend or holiday)."""
    _require_admin(actor)
    if not reason.strip():
        raise ServiceError("rules.calendar_reason_missing", field="reason")
    day, _ = CalendarDay.objects.update_or_create(
        date=date,
        defaults={
            "working": working,
            "reason": reason.strip()[:200],
            "created_by": actor if actor is not None and actor.pk else None,
        },
    )
    audit_log(
        actor=actor,
        action="rules.calendar.set",
        obj=day,
        changes={"date": date, "working": working, "reason": reason},
    )
    return day


@transaction.atomic
def calendar_day_remove(*, actor: User | None, date: dt.date) -> None:
    _require_admin(actor)
    day = CalendarDay.objects.filter(date=date).first()
    if day is None:
        raise ServiceError("rules.no_such_calendar_day", date=date)
    audit_log(
        actor=actor, action="rules.calendar.remove", obj=day, changes={"date": date, "working": day.working}
    )
    day.delete()
