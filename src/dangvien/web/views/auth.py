from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangvien.accounts.middleware import remember_second_factor_need
from dangvien.accounts.services import LoginLocked, login_attempt


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            user = login_attempt(request, username=username, password=request.POST.get("password", ""))
        except LoginLocked as exc:
            minutes = max(1, int((exc.until - timezone.now()).total_seconds() // 60) + 1)
            error = (
                f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Hãy thử lại sau {minutes} phút "
                "hoặc liên hệ quản trị hệ thống."
            )
        else:
            if user is None:
                error = "Tên đăng nhập hoặc mật khẩu không đúng."
            else:
                login(request, user)
                remember_second_factor_need(request, user)
                if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    return redirect(next_url)
                return redirect("web:home")
    return render(
        request, "web/login.html", {"error": error, "next": next_url}, status=200 if not error else 401
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")
