"""Probation and official recognition: one dossier per probationary member, its steps,
votes and mentors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.cases.models.admission import Body
from dangvien.cases.models.base import Dossier
from dangvien.core.choices import ChoiceLabels


class RecognitionState(models.TextChoices):
    OPEN = "open", _("Đang dự bị / đang xét")
    OFFICIAL = "official", _("Đã công nhận chính thức")
    REMOVED = "removed", _("Xóa tên")
    CLOSED = "closed", _("Đã kết thúc (đảng viên không còn sinh hoạt)")


class Recognition(Dossier):
    """The probation of one probationary member and the dossier that ends it: the cell's
    review, the section's, the base committee's resolution, the competent committee's
    decision (RULES.md "Probation and official recognition").

    Like the admission case: the row holds the current step and its deadline; what
    happened is rows (RecognitionStep, RecognitionVote, ProbationMentor)."""

    membership = models.OneToOneField(
        "members.Membership", on_delete=models.PROTECT, related_name="recognition"
    )
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=RecognitionState.choices, default=RecognitionState.OPEN
    )
    step = models.CharField(_("bước"), max_length=20)
    ceremony_on = models.DateField(_("ngày lễ kết nạp"))
    # The day the 12 months end: the official date, whatever the date of the decision.
    ends_on = models.DateField(_("ngày hết thời gian dự bị"))
    # What the member hands in as the end approaches (12-HD/BTCTW): dated, with the paper's reference.
    self_review_on = models.DateField(_("bản tự kiểm điểm"), null=True, blank=True)
    mentor_review_on = models.DateField(_("nhận xét của đảng viên giúp đỡ"), null=True, blank=True)
    mass_opinion_on = models.DateField(_("ý kiến của đoàn thể chính trị - xã hội"), null=True, blank=True)
    residence_opinion_on = models.DateField(_("ý kiến chi ủy nơi cư trú"), null=True, blank=True)
    # The cell's resolution (recognize or propose removal) starts the committee's 30 working days.
    cell_resolution_on = models.DateField(_("ngày chi bộ ra nghị quyết"), null=True, blank=True)
    proposal = models.CharField(_("đề nghị"), max_length=10, blank=True)  # "official" / "removed"
    escalated_on = models.DateField(_("ngày báo cáo cấp trên (ba lần không đủ 2/3)"), null=True, blank=True)
    escalated_body = models.CharField(max_length=16, blank=True)
    decision_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decided_by = models.CharField(_("cấp ủy ra quyết định"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công nhận đảng viên chính thức")
        verbose_name_plural = _("hồ sơ công nhận đảng viên chính thức")
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["state", "ends_on"])]

    def __str__(self) -> str:
        return f"Công nhận chính thức {self.pk}: {self.membership_id}"

    @property
    def is_open(self) -> bool:
        return self.state == RecognitionState.OPEN


class RecognitionStep(ChoiceLabels, models.Model):
    """A step of the recognition done, with the deadline it had (timeliness is proved here)."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="records")
    step = models.CharField(max_length=20)
    done_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    doc_ref = models.CharField(_("số văn bản"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recognition", "step"], name="one_record_per_recognition_step")
        ]
        indexes = [models.Index(fields=["done_on"])]

    def __str__(self) -> str:
        return f"{self.recognition_id} {self.step} {self.done_on}"


class Outcome(models.TextChoices):
    OFFICIAL = "official", _("Công nhận đảng viên chính thức")
    REMOVED = "removed", _("Xóa tên trong danh sách đảng viên")
    NONE = "", _("Không đủ 2/3 cho bên nào")


class RecognitionVote(ChoiceLabels, models.Model):
    """A vote of the cell or base committee: for recognition (yes) or for removal (no).
    Neither reaching 2/3 is kept; the third such vote escalates the case."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="votes")
    body = models.CharField(max_length=16, choices=Body.choices)
    held_on = models.DateField(_("ngày họp"))
    # The cell meeting the vote was taken at (its attendance proposed the total).
    meeting = models.ForeignKey(
        "committees.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition_votes",
    )
    denominator = models.PositiveIntegerField(_("tổng số được tính"))
    yes = models.PositiveIntegerField(_("tán thành công nhận chính thức"))
    no = models.PositiveIntegerField(_("tán thành xóa tên"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    doc_ref = models.CharField(_("số nghị quyết / biên bản"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.held_on:%d/%m/%Y}: {self.summary}"

    @property
    def summary(self) -> str:
        from dangvien.cases.counting import vote_text

        return vote_text(yes=self.yes, no=self.no, counted=self.denominator, recognition=True)


class ProbationMentor(ChoiceLabels, models.Model):
    """An official member helping the probationary member, from a date to a date."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="mentors")
    mentor = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.recognition_id} từ {self.valid_from}"


class ProbationAssessment(ChoiceLabels, models.Model):
    """The mentor's report on a probationary member heard at a cell meeting, and the cell's
    conclusion (issue 21: reviewed at the monthly meetings like a candidate)."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="assessments")
    meeting = models.ForeignKey(
        "committees.Meeting", on_delete=models.PROTECT, related_name="probation_assessments"
    )
    strengths = models.TextField(_("ưu điểm"), blank=True)
    weaknesses = models.TextField(_("khuyết điểm"), blank=True)
    conclusion = models.TextField(_("kết luận của chi bộ"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting__held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.recognition_id} @ {self.meeting_id}"
