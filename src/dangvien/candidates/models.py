"""The pool of outstanding people (quần chúng ưu tú), their mentors and assessments, and
the classes whose certificates an admission dossier needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class Source(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    WOMEN = "women", _("Hội Phụ nữ")
    VETERANS = "veterans", _("Hội Cựu chiến binh")
    FARMERS = "farmers", _("Hội Nông dân")
    TRADE_UNION = "trade_union", _("Công đoàn")
    OTHER = "other", _("Khác")


class State(models.TextChoices):
    SOURCING = "sourcing", _("Đang bồi dưỡng")
    IN_CLASS = "in_class", _("Đang học lớp nhận thức")
    READY = "ready", _("Đủ điều kiện làm hồ sơ")
    IN_ADMISSION = "in_admission", _("Đang làm thủ tục kết nạp")
    ADMITTED = "admitted", _("Đã kết nạp")
    WITHDRAWN = "withdrawn", _("Đã đưa ra khỏi danh sách")


OPEN_STATES = (State.SOURCING, State.IN_CLASS, State.READY, State.IN_ADMISSION)


class Candidate(ChoiceLabels, models.Model):
    """A person on a cell's sympathizer list. One open candidacy per person; a person who
    withdrew and comes back later gets a new row (the old one is history)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="candidacies")
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="candidates")
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices, default=Source.OTHER)
    listed_on = models.DateField(_("ngày vào danh sách cảm tình Đảng"), null=True, blank=True)
    listed_ref = models.CharField(_("số nghị quyết chi bộ"), max_length=100, blank=True)
    # Who brought them to the cell: a member (often the committee member who answers for
    # the cell: their yearly duty counts these), or nobody recorded (a mass organization,
    # in `source`).
    introducer = models.ForeignKey(
        "members.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introduced_candidates",
        verbose_name=_("người giới thiệu"),
    )
    state = models.CharField(_("tình trạng"), max_length=16, choices=State.choices, default=State.SOURCING)
    state_since = models.DateField()
    withdrawn_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["sourcing", "in_class", "ready", "in_admission"]),
                name="one_open_candidacy_per_person",
            )
        ]
        indexes = [models.Index(fields=["cell", "state"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_state_display()})"


class CandidateEvent(ChoiceLabels, models.Model):
    """One change of a candidacy's state, kept as a row: the pool's lifecycle read back
    (when listed, in class, ready, in admission, admitted or withdrawn, and why). Written
    only by candidates.services.candidate_move, inside the audited service that caused it."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("ngày"))
    state_from = models.CharField(max_length=16, choices=State.choices, blank=True)  # "" when listed
    state_to = models.CharField(max_length=16, choices=State.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["candidate", "on"])]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.state_from or '—'} → {self.state_to} ({self.on})"


class Mentorship(ChoiceLabels, models.Model):
    """An official member of the cell helping the candidate, from a date to a date."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.candidate_id} từ {self.valid_from}"


class Assessment(ChoiceLabels, models.Model):
    """The mentor's assessment presented at a cell meeting, and the cell's conclusion."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="assessments")
    on = models.DateField(_("ngày chi bộ họp"))
    strengths = models.TextField(_("ưu điểm"), blank=True)
    weaknesses = models.TextField(_("khuyết điểm"), blank=True)
    conclusion = models.TextField(_("kết luận của chi bộ"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["candidate", "on"])]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.on}"


class ClassKind(models.TextChoices):
    AWARENESS = "awareness", _("Bồi dưỡng nhận thức về Đảng")
    NEW_MEMBER = "new_member", _("Đảng viên mới")


class TrainingClass(ChoiceLabels, models.Model):
    kind = models.CharField(_("loại lớp"), max_length=16, choices=ClassKind.choices)
    name = models.CharField(_("tên lớp"), max_length=200)
    organizer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="classes",
        help_text=_("Trung tâm chính trị hoặc cấp ủy mở lớp"),
    )
    organizer_name = models.CharField(_("tên trung tâm chính trị"), max_length=200, blank=True)
    starts_on = models.DateField(_("ngày khai giảng"))
    ends_on = models.DateField(_("ngày bế giảng"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organizer", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class Result(models.TextChoices):
    PENDING = "pending", _("Đang học")
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")


class Attendance(ChoiceLabels, models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attendances")
    result = models.CharField(_("kết quả"), max_length=8, choices=Result.choices, default=Result.PENDING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.training_class_id}"


class Certificate(ChoiceLabels, models.Model):
    """A class certificate: from a class recorded here, or from paper (import)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=16, choices=ClassKind.choices)
    number = models.CharField(_("số giấy chứng nhận"), max_length=50, blank=True)
    issued_on = models.DateField(_("ngày cấp"))
    attendance = models.OneToOneField(
        Attendance, null=True, blank=True, on_delete=models.CASCADE, related_name="certificate"
    )

    class Meta:
        indexes = [models.Index(fields=["person", "kind", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.issued_on}"
