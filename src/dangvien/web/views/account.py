"""The signed-in user's own account: the second factor (set up, then asked at each sign-in)
and the password."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.middleware import SESSION_KEY
from dangvien.accounts.second_factor import (
    second_factor_required,
    second_factor_verify,
    totp_confirm,
    totp_pending,
    totp_qr_svg,
)
from dangvien.accounts.services import password_change
from dangvien.core.errors import ServiceError
from dangvien.web.context import acting_user


def second_factor(request: HttpRequest) -> HttpResponse:
    """Asks the code when the account has an authenticator; otherwise sets one up."""
    user = acting_user(request)
    if user_has_device(user, confirmed=True):
        error = ""
        if request.method == "POST":
            if second_factor_verify(request, user, request.POST.get("code", "")):
                return redirect("web:home")
            error = "Mã không đúng hoặc đã hết hạn. Nhập mã đang hiện trên ứng dụng, hoặc một mã dự phòng."
        return render(
            request, "web/account/second_factor_verify.html", {"error": error}, status=401 if error else 200
        )
    error = ""
    codes: list[str] | None = None
    if request.method == "POST":
        codes = totp_confirm(user=user, token=request.POST.get("code", ""))
        if codes is not None:
            second_factor_verify_after_setup(request)
            request.session[SESSION_KEY] = [user.pk, True]  # from now on asked at each sign-in
            return render(request, "web/account/recovery_codes.html", {"codes": codes})
        error = "Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã mới nhất."
    device = totp_pending(user)
    context = {
        "qr": totp_qr_svg(device),
        "secret": _base32(device.bin_key),
        "required": second_factor_required(user),
        "error": error,
    }
    return render(request, "web/account/second_factor_setup.html", context, status=400 if error else 200)


def second_factor_verify_after_setup(request: HttpRequest) -> None:
    """The code just confirmed the device: this session is verified with it."""
    device = TOTPDevice.objects.filter(user=acting_user(request), confirmed=True).first()
    if device is not None:
        otp_login(request, device)


def password_change_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors["new_password2"] = "Hai lần nhập mật khẩu mới không giống nhau"
        else:
            try:
                password_change(user=user, old=request.POST.get("old_password", ""), new=new)
            except ServiceError as exc:
                errors[exc.field or "new_password"] = exc.message
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Đã đổi mật khẩu."))
                return redirect("web:home")
    return render(
        request,
        "web/account/password_change.html",
        {"errors": errors, "forced": user.must_change_password},
        status=400 if errors else 200,
    )


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
