from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class PeriodKind(models.TextChoices):
    TERM = "term", _("Nhiệm kỳ")
    YEAR = "year", _("Năm")


class Period(ChoiceLabels, models.Model):
    """The real dates of a term ("2020-2025") or a year ("2023") when they differ from the
    defaults of `targets.periods.default_bounds` (e.g. the congress days of a term).

    A period without a row here uses the defaults; reports never write one."""

    code = models.CharField(_("kỳ"), max_length=9, unique=True)
    kind = models.CharField(max_length=4, choices=PeriodKind.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["starts_on", "code"]

    def __str__(self) -> str:
        return self.code


class Target(ChoiceLabels, models.Model):
    """An admission target of one organization, one period, one group ("" = the total).

    Its values live in TargetRevision rows: raising it mid-term adds a row, it never
    overwrites, so a report as of an earlier date uses the value in effect then."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="targets")
    period = models.CharField(_("kỳ"), max_length=9)
    group = models.CharField(_("nhóm"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period", "group"], name="one_target_per_org_period_group"
            )
        ]
        indexes = [models.Index(fields=["period", "organization"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.period} {self.group or 'tổng'}"


class TargetRevision(ChoiceLabels, models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="revisions")
    value = models.PositiveIntegerField(_("chỉ tiêu"))
    effective_on = models.DateField(_("ngày hiệu lực"))
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    decision_ref = models.CharField(_("số văn bản"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["target", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.value} từ {self.effective_on:%d/%m/%Y}"


class Commendation(ChoiceLabels, models.Model):
    """A unit commended for a year's work on party-member development: the decision of the
    committee above it (number, date, level), recorded by that committee's staff."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="commendations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("hình thức khen thưởng"), max_length=200)
    decision_ref = models.CharField(_("số quyết định"), max_length=100)
    decided_on = models.DateField(_("ngày quyết định"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_commendation_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}: {self.decision_ref}"
