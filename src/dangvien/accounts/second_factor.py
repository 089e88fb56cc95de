"""Two factors at sign-in (django-otp): a time-based code from an authenticator app
(TOTP, RFC 6238) and ten single-use recovery codes for a lost phone.

Who must: administrators always; the committees' staff when DANGVIEN_OTP_STAFF is on;
anyone who turned it on for their own account. Until the second factor is given in this
session, such a user reaches only the pages that set it up or ask for it
(accounts.middleware.SecondFactorMiddleware)."""

from __future__ import annotations

import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import Role, User

RECOVERY_CODES = 10


def second_factor_required(user: User) -> bool:
    if user.is_superuser or user_has_device(user, confirmed=True):
        return True
    roles = set(user.assignments.values_list("role", flat=True))
    return Role.ADMIN in roles or (settings.OTP_STAFF and Role.STAFF in roles)


def totp_pending(user: User) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed): one per user, made on first ask."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code (drawn here: no image service, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@transaction.atomic
def totp_confirm(*, user: User, token: str) -> list[str] | None:
    """Check the first code from the app; on success the device is confirmed and ten new
    recovery codes are returned (shown once). None: the code was wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # a new phone replaces the old
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    audit_log(actor=user, action="accounts.second_factor_on", obj=user)
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name="Mã dự phòng", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def second_factor_verify(request: HttpRequest, user: User, token: str) -> bool:
    """A code from the app or a recovery code (used up); marks this session as verified.
    Wrong codes slow down by themselves (django-otp's throttling doubles the wait)."""
    token = token.strip().replace(" ", "").lower()[:20]
    device = match_token(user, token)
    if device is None:
        return False
    otp_login(request, device)
    with transaction.atomic():
        audit_log(
            actor=user,
            action="accounts.second_factor",
            obj=user,
            changes={"kind": "recovery" if isinstance(device, StaticDevice) else "totp"},
        )
    return True


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User) -> None:
    """An administrator removes a user's devices (a lost phone and lost codes): the user
    sets them up again at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log(actor=actor, action="accounts.second_factor_reset", obj=user)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())[:8]
