"""How committees work with their cells: which committee member answers for which cell
(phân công cấp ủy viên phụ trách chi bộ), and the survey of each unit's source of new
members (khảo sát nguồn): the people it covers, and whether any source is left."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class Assignment(ChoiceLabels, models.Model):
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


class Headcount(ChoiceLabels, models.Model):
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


class NoSource(ChoiceLabels, models.Model):
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


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Sinh hoạt thường kỳ")
    EXTRAORDINARY = "extraordinary", _("Sinh hoạt bất thường")


class Meeting(ChoiceLabels, models.Model):
    """A cell's meeting (sinh hoạt chi bộ): the monthly one or an extraordinary one. Its
    attendance is taken from the registry as it stood that day; the mentors' assessments
    and the votes on admission and recognition are recorded as its items."""

    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("ngày họp"))
    kind = models.CharField(
        _("loại"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    guests = models.CharField(_("cấp trên dự"), max_length=300, blank=True)
    items = models.TextField(_("nội dung"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cell_id", "-held_on"]
        indexes = [models.Index(fields=["cell", "held_on"])]
        constraints = [models.UniqueConstraint(fields=["cell", "held_on"], name="one_meeting_per_cell_day")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.held_on}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    EXCUSED = "excused", _("Vắng có lý do")
    ABSENT = "absent", _("Vắng không có lý do")


class Attendance(ChoiceLabels, models.Model):
    """One member of the cell on the meeting's day, with their status then (official,
    probationary, exempt) so that the meeting's figures never change afterwards."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    status_then = models.CharField(max_length=16)
    presence = models.CharField(_("có mặt"), max_length=8, choices=Presence.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.membership_id} {self.presence}"


class MeetingAssessment(ChoiceLabels, models.Model):
    """A mentor's assessment heard at this meeting (the assessment row is the pool's)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="assessments")
    assessment = models.OneToOneField(
        "candidates.Assessment", on_delete=models.CASCADE, related_name="meeting_link"
    )

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.assessment_id}"
