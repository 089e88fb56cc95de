"""How committees work with their cells: which committee member answers for which cell
(phân công cấp ủy viên phụ trách chi bộ), and the survey of each unit's source of new
members (khảo sát nguồn): the people it covers, and whether any source is left."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A committee member answering for a cell, from valid_from up to (not including)
    valid_to. One person may answer for several cells; history is kept (ended, never erased)."""

    committee = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="assignments_made"
    )
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="cell_assignments"
    )
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="assignments")
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cell_id", "valid_from", "pk"]
        indexes = [
            models.Index(fields=["committee", "valid_from"]),
            models.Index(fields=["cell", "valid_from"]),
            models.Index(fields=["membership", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="assignment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.cell_id}"


class Covered(models.TextChoices):
    EMPLOYEES = "employees", _("Cán bộ, công chức, viên chức, người lao động")
    RESIDENTS = "residents", _("Nhân khẩu")
    HOUSEHOLDS = "households", _("Hộ gia đình")
    UNION_MEMBERS = "union_members", _("Đoàn viên, hội viên")


class Headcount(models.Model):
    """The people a unit covers on a day, as counted by its committee (typed or imported).
    The latest count on or before a report's date is the one the report uses."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="headcounts")
    on = models.DateField(_("ngày khảo sát"))
    kind = models.CharField(_("đối tượng"), max_length=16, choices=Covered.choices)
    covered = models.PositiveIntegerField(_("số người"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-on", "-pk"]
        indexes = [models.Index(fields=["organization", "on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "on", "kind"], name="one_headcount_per_unit_day_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.on} {self.kind}: {self.covered}"


class NoSource(models.Model):
    """A unit with no source left to develop (e.g. every employee is already a member),
    from `since` up to (not including) `until`. Such a unit is listed apart, never pushed
    like a unit that simply admitted nobody."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="no_source_marks"
    )
    since = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-since"]
        indexes = [models.Index(fields=["organization", "since"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(until__isnull=True), name="one_open_no_source_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gt=F("since")),
                name="no_source_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.since}–{self.until or ''}"
