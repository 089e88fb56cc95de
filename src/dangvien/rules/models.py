from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class RuleOverride(ChoiceLabels, models.Model):
    """An administrator's value for one parameter from a date on, for the whole system
    or for one province's subtree. Never deleted: revoking keeps the row (reversible,
    and the audit chain says who did what)."""

    key = models.CharField(_("tham số"), max_length=80)
    value = models.CharField(_("giá trị"), max_length=500)  # as value_text() writes it
    effective_from = models.DateField(_("áp dụng từ ngày"))
    province = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: áp dụng cho toàn hệ thống"),
    )
    reason = models.CharField(_("lý do, căn cứ"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["key", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} từ {self.effective_from:%d/%m/%Y}"


class CalendarDay(ChoiceLabels, models.Model):
    """A day the administrator declares: a day off on a weekday (a local holiday, a swap
    the `holidays` package does not know yet) or a working day on a weekend or holiday."""

    date = models.DateField(_("ngày"), unique=True)
    working = models.BooleanField(_("là ngày làm việc"))
    reason = models.CharField(_("lý do"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {'làm việc' if self.working else 'nghỉ'}"
