"""Yearly quality ratings of members and of organizations (Quy định 366-QĐ/TW, 2025)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class Level(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETE = "complete", _("Hoàn thành nhiệm vụ")
    INCOMPLETE = "incomplete", _("Không hoàn thành nhiệm vụ")


LEVEL_ORDER = [Level.EXCELLENT, Level.GOOD, Level.COMPLETE, Level.INCOMPLETE]


class Rating(ChoiceLabels, models.Model):
    """What every rating holds: the level, the score (optional), who recorded it."""

    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("mức xếp loại"), max_length=12, choices=Level.choices)
    score = models.PositiveSmallIntegerField(_("điểm"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class MemberRating(Rating):
    membership = models.ForeignKey("members.Membership", on_delete=models.CASCADE, related_name="ratings")
    # The cell the member was rated in: aggregates per organization and year use it, so a
    # member who moves later stays in the figures of the cell that rated them.
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="one_rating_per_member_year")
        ]
        indexes = [models.Index(fields=["year", "cell"])]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.year} {self.level}"


class OrgRating(Rating):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="ratings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_rating_per_org_year")
        ]
        indexes = [models.Index(fields=["year", "organization"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year} {self.level}"
