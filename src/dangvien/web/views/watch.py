"""The bell's page: the user's own notifications from the daily watch."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.watch.selectors import notifications
from dangvien.watch.services import notifications_mark_read
from dangvien.web.context import acting_user

NOTIFICATIONS_PER_PAGE = 50


def notification_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    unread_only = request.GET.get("tat-ca") != "1"
    # 50 a page, as every list: a commune's morning brings hundreds, read a page at a time.
    page = Paginator(notifications(user, unread_only=unread_only), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(request, "web/watch/list.html", {"nav": "bell", "page": page, "unread_only": unread_only})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponseBase:
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
    n = notifications_mark_read(user=acting_user(request), ids=ids or None)
    messages.success(request, _("Đã đánh dấu {n} thông báo là đã xem.").format(n=n))
    return redirect("web:notifications")
