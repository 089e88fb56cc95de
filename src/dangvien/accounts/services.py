"""Users, role assignments and sign-in protection."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import LoginThrottle, Role, RoleAssignment, User
from dangvien.accounts.scope import require_write, scope_for
from dangvien.core.errors import ServiceError
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
    scope = scope_for(actor)
    if not scope.is_admin:
        raise ServiceError("Chỉ quản trị hệ thống được tạo tài khoản")
    username = username.strip()
    if not username or len(username) > 150:
        raise ServiceError("Tên đăng nhập không hợp lệ", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"Tên đăng nhập “{username}” đã có", field="username")
    if role not in Role.values:
        raise ServiceError("Vai trò không hợp lệ", field="role")
    if role != Role.ADMIN and organization is None:
        raise ServiceError("Chọn tổ chức cho vai trò này", field="organization")
    if role == Role.SECRETARY and organization is not None and not organization.is_cell:
        raise ServiceError("Bí thư chi bộ phải gắn với một chi bộ", field="organization")
    user = User(username=username, email=email, first_name=full_name[:150])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="password") from None
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
    scope = scope_for(actor)
    if not scope.is_admin:
        raise ServiceError("Chỉ quản trị hệ thống được phân quyền")
    if organization is not None:
        require_write(scope, organization)
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


def login_attempt(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Authenticate with lock-out after repeated failures on one account name.

    The row is counted with a conditional UPDATE so that parallel guesses cannot slip
    past the limit."""
    username = username.strip()[:150]
    now = timezone.now()
    throttle, _ = LoginThrottle.objects.get_or_create(username=username.lower())
    if throttle.locked_until and throttle.locked_until > now:
        raise LoginLocked(throttle.locked_until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1)
        throttle.refresh_from_db()
        if throttle.failures >= settings.LOGIN_MAX_FAILURES:
            until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            LoginThrottle.objects.filter(pk=throttle.pk).update(locked_until=until, failures=0)
            with transaction.atomic():
                audit_log(actor=None, action="accounts.locked", changes={"username": username})
            raise LoginLocked(until)
        return None
    LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=None)
    assert isinstance(user, User)
    return user


def token_create(*, actor: User | None, user: User, name: str) -> str:
    """Returns the token once; only its hash is kept."""
    import hashlib
    import secrets

    from dangvien.accounts.models import ApiToken

    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], key_hash=hashlib.sha256(key.encode()).hexdigest()
        )
        audit_log(actor=actor, action="accounts.token_create", obj=token, changes={"user": user.username})
    return key
