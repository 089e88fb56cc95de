"""Notifications made by the daily watch (`dangvien tick`). One row per user and per
occasion (its `key`): the unique constraint is what makes two ticks, on the same day or
at the same moment, notify each occasion once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class Kind(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    PROBATION = "probation", _("Hết thời gian dự bị")
    CERTIFICATE = "certificate", _("Giấy chứng nhận sắp hết hạn")
    UNASSESSED = "unassessed", _("Quần chúng chưa được nhận xét")
    NO_ADMISSION = "no_admission", _("Chi bộ lâu không kết nạp")
    DUTY = "duty", _("Cấp ủy viên chưa giới thiệu quần chúng")
    NO_MEETING = "no_meeting", _("Chi bộ không sinh hoạt trong tháng")


class Notification(ChoiceLabels, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What and when, e.g. "case:17:decision:2026-04-09:overdue": the same occasion twice is one row.
    key = models.CharField(max_length=120)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    created_on = models.DateField()  # the tick's day (its --as-of)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_claim = models.CharField(max_length=32, blank=True)  # which tick sends it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_occasion")]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at", "user"]),
            models.Index(
                fields=["created_on"]
            ),  # a tick counts its day's rows; old ones can be purged by day
        ]
        ordering = ["-created_on", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
