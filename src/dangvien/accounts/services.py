"""Users, role assignments and sign-in protection."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import LoginThrottle, Role, RoleAssignment, User, is_administrator
from dangvien.core.errors import ServiceError

if TYPE_CHECKING:
    from dangvien.orgs.models import Organization


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    organization: Organization | None,
    full_name: str = "",
    email: str = "",
) -> User:
    if not is_administrator(actor):
        raise ServiceError("accounts.admin_only_create")
    username = username.strip()
    if not username or len(username) > 150:
        raise ServiceError("accounts.username_invalid", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError("accounts.username_taken", username=username, field="username")
    if role not in Role.values:
        raise ServiceError("accounts.role_invalid", field="role")
    if role != Role.ADMIN and organization is None:
        raise ServiceError("accounts.role_needs_organization", field="organization")
    if role == Role.SECRETARY and organization is not None and not organization.is_cell:
        raise ServiceError("accounts.secretary_needs_cell", field="organization")
    user = User(username=username, email=email, first_name=full_name[:150])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("core.reason", field="password", reason=" ".join(exc.messages)) from None
    user.set_password(password)
    user.is_staff = user.is_superuser = role == Role.ADMIN  # Django admin: administrators only
    user.save()
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    audit_log(
        actor=actor,
        action="accounts.create",
        obj=user,
        changes={"role": role, "organization": organization.code if organization else None},
    )
    return user


@transaction.atomic
def role_assign(
    *, actor: User | None, user: User, role: str, organization: Organization | None
) -> RoleAssignment:
    if not is_administrator(actor):  # who may do everything may grant anywhere
        raise ServiceError("accounts.admin_only_assign")
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization)
    audit_log(
        actor=actor,
        action="accounts.assign",
        obj=user,
        changes={"role": role, "organization": organization.code if organization else None},
    )
    return assignment


class LoginLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


def client_address(request: HttpRequest) -> str:
    """The client's address: behind our reverse proxy, the address it appended last to
    X-Forwarded-For (the entries before it are the client's to forge)."""
    if settings.BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1][:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _throttle_keys(username: str, address: str) -> list[tuple[str, int]]:
    """The counters a failed sign-in adds to, each with its limit:
    - the account from this address: a stranger elsewhere cannot lock the real user out;
    - every account from this address together (four times the limit): one address
      guessing across many accounts is slowed;
    - an account name that does not exist counts only under its address (one row per
      address, not one per made-up name: the table cannot be grown without bound)."""
    limit = settings.LOGIN_MAX_FAILURES
    exists = User.objects.filter(username__iexact=username).exists()
    account = f"{username.lower()}|{address}" if exists else f"?|{address}"
    return [(account, limit), (f"*|{address}", 4 * limit)]


def login_attempt(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Authenticate, refusing for a while after repeated failures for this account from
    this client address, or for many accounts from it (see _throttle_keys).

    Counters move with conditional UPDATEs so that parallel guesses cannot slip past."""
    username = username.strip()[:150]
    now = timezone.now()
    keys = _throttle_keys(username, client_address(request))
    rows = [LoginThrottle.objects.get_or_create(username=key)[0] for key, _ in keys]
    locked = [r.locked_until for r in rows if r.locked_until and r.locked_until > now]
    if locked:
        raise LoginLocked(max(locked))
    user = authenticate(request, username=username, password=password)
    if user is None:
        until = None
        window = now - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        for row, (_key, limit) in zip(rows, keys, strict=True):
            LoginThrottle.objects.filter(pk=row.pk, last_failed_at__lt=window).update(failures=0, locks=0)
            LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failed_at=now)
            row.refresh_from_db()
            if row.failures >= limit:
                # Growing pauses, not a hard lock: 1, 2, 4, 8… minutes, at most LOGIN_LOCK_MINUTES.
                minutes = min(settings.LOGIN_LOCK_MINUTES, 2 ** min(row.locks, 16))
                row_until = now + dt.timedelta(minutes=minutes)
                until = max(until, row_until) if until else row_until
                LoginThrottle.objects.filter(pk=row.pk).update(
                    locked_until=row_until, failures=0, locks=F("locks") + 1
                )
        if until is not None:
            with transaction.atomic():
                audit_log(
                    actor=None,
                    action="accounts.locked",
                    changes={"username": username, "address": client_address(request)},
                )
            raise LoginLocked(until)
        return None
    LoginThrottle.objects.filter(pk=rows[0].pk).update(failures=0, locked_until=None, locks=0)
    assert isinstance(user, User)
    return user


def token_create(*, actor: User | None, user: User, name: str) -> str:
    """Returns the token once; only its hash is kept."""
    import hashlib

    from dangvien.accounts.models import ApiToken

    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], key_hash=hashlib.sha256(key.encode()).hexdigest()
        )
        audit_log(actor=actor, action="accounts.token_create", obj=token, changes={"user": user.username})
    return key


@transaction.atomic
def password_change(*, user: User, old: str, new: str) -> None:
    """The user's own change: the old password, then Django's validators on the new one."""
    if not user.check_password(old):
        raise ServiceError("accounts.password_wrong", field="old_password")
    if new == old:
        raise ServiceError("accounts.password_unchanged", field="new_password")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ServiceError("core.reason", field="new_password", reason=" ".join(exc.messages)) from None
    user.set_password(new)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_log(actor=user, action="accounts.password_change", obj=user)


@transaction.atomic
def password_reset(*, actor: User | None, user: User) -> str:
    """An administrator gives the user a temporary password (returned once, to hand over in
    person) that must be changed at the next sign-in."""
    if not is_administrator(actor):
        raise ServiceError("accounts.admin_only_reset")
    temporary = secrets.token_urlsafe(9)
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_log(actor=actor, action="accounts.password_reset", obj=user)
    return temporary
