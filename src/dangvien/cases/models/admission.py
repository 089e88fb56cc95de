"""Admission dossiers: one case per person per attempt, the history of its steps, the
background verifications, introductions, votes and suspensions.

The case row holds the current state (step, due date) for the board and the overdue
list; everything that happened is a row of its own (StepRecord, Vote, Suspension), so
the dossier can be reconstructed and timeliness proved from history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvien.cases.admission.procedure import CODES
from dangvien.cases.models.base import Dossier
from dangvien.core.choices import ChoiceLabels


class CaseState(models.TextChoices):
    OPEN = "open", _("Đang làm thủ tục")
    SUSPENDED = "suspended", _("Tạm dừng")
    ADMITTED = "admitted", _("Đã kết nạp")
    REJECTED = "rejected", _("Không kết nạp")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


OPEN_CASE_STATES = (CaseState.OPEN, CaseState.SUSPENDED)


class Route(models.TextChoices):
    MEMBERS = "members", _("Hai đảng viên chính thức giới thiệu")
    YOUTH_UNION = "youth_union", _("Nghị quyết Đoàn Thanh niên và một đảng viên chính thức")
    TRADE_UNION = "trade_union", _("Nghị quyết Công đoàn và một đảng viên chính thức")


class PriorExit(models.TextChoices):
    """Why a person being re-admitted left the Party before (QĐ 294 3.5), when the
    registry's status alone does not say it."""

    HARDSHIP = "hardship", _("Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn")
    CONVICTION_CLEARED = "conviction_cleared", _("Bị kết án tội ít nghiêm trọng, đã được xóa án tích")
    SELF_LEFT = "self_left", _("Tự bỏ sinh hoạt đảng")
    DISUNITY = "disunity", _("Gây mất đoàn kết nội bộ nghiêm trọng")
    SERIOUS_CRIME = "serious_crime", _("Bị kết án về tội tham nhũng, hoặc tội nghiêm trọng trở lên")


NEVER_READMITTED = (PriorExit.SELF_LEFT, PriorExit.DISUNITY, PriorExit.SERIOUS_CRIME)


class Case(Dossier):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    # Not indexed alone: (cell, state) below leads with it.
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", db_index=False)
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN
    )
    step = models.CharField(_("bước"), max_length=20, choices=[(c, c) for c in CODES])
    route = models.CharField(_("hình thức giới thiệu"), max_length=12, choices=Route.choices)
    opened_on = models.DateField(_("ngày mở hồ sơ"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Recorded exceptions the eligibility checks accept (each is a reference to a paper).
    education_exception = models.CharField(_("ngoại lệ về học vấn"), max_length=300, blank=True)
    over_age_agreement = models.CharField(
        _("văn bản đồng ý của BTV tỉnh ủy (trên 60 tuổi)"), max_length=300, blank=True
    )
    readmission_agreement = models.CharField(_("văn bản đồng ý kết nạp lại"), max_length=300, blank=True)
    prior_exit = models.CharField(
        _("lý do ra khỏi Đảng lần trước"), max_length=20, choices=PriorExit.choices, blank=True
    )
    conviction_cleared_on = models.DateField(_("ngày được xóa án tích"), null=True, blank=True)
    cell_resolution_on = models.DateField(_("ngày chi bộ ra nghị quyết"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("số ngày làm việc gia hạn"), default=0)
    extension_reason = models.CharField(_("lý do gia hạn"), max_length=500, blank=True)
    decision_on = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decided_by = models.CharField(_("cấp ủy ra quyết định"), max_length=200, blank=True)
    decision_received_on = models.DateField(_("ngày chi bộ nhận quyết định"), null=True, blank=True)
    ceremony_on = models.DateField(_("ngày lễ kết nạp"), null=True, blank=True)
    ceremony_agreement = models.CharField(
        _("ý kiến cấp ủy cấp trên (tổ chức lễ muộn)"), max_length=300, blank=True
    )
    membership = models.OneToOneField(
        "members.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="admission_case"
    )

    class Meta:
        verbose_name = _("hồ sơ kết nạp")
        verbose_name_plural = _("hồ sơ kết nạp")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["open", "suspended"]),
                name="one_open_case_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["cell", "state"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"Hồ sơ {self.pk}: {self.person}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES


class StepRecord(ChoiceLabels, models.Model):
    """A step done: its date, document number, papers handed in, who recorded it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    step = models.CharField(max_length=20, choices=[(c, c) for c in CODES])
    done_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)  # the deadline it had, for timeliness
    doc_ref = models.CharField(_("số văn bản"), max_length=100, blank=True)
    papers = models.JSONField(default=list)  # paper codes handed in (procedure.Paper.code)
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_record_per_step")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.done_on}"


class Relation(models.TextChoices):
    SELF = "self", _("Bản thân")
    FATHER = "father", _("Cha")
    MOTHER = "mother", _("Mẹ")
    FATHER_IN_LAW = "father_in_law", _("Cha vợ / cha chồng")
    MOTHER_IN_LAW = "mother_in_law", _("Mẹ vợ / mẹ chồng")
    CARER = "carer", _("Người nuôi dưỡng")
    SPOUSE = "spouse", _("Vợ / chồng")
    CHILD = "child", _("Con đã thành niên")


class VerificationResult(models.TextChoices):
    PENDING = "pending", _("Chưa có kết quả")
    CLEAR = "clear", _("Không có vấn đề")
    CONCERN = "concern", _("Có vấn đề cần xem xét")


class Verification(ChoiceLabels, models.Model):
    """Background verification of the applicant or one relative. A relative who is a
    party member and has declared fully is exempt (recorded, not verified)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verifications")
    relation = models.CharField(_("quan hệ"), max_length=16, choices=Relation.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    exempt = models.BooleanField(_("là đảng viên đã khai đầy đủ (không phải thẩm tra)"), default=False)
    result = models.CharField(
        _("kết quả"), max_length=10, choices=VerificationResult.choices, default=VerificationResult.PENDING
    )
    result_on = models.DateField(null=True, blank=True)
    result_ref = models.CharField(_("số văn bản trả lời"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relation_display()})"


class IntroKind(models.TextChoices):
    MEMBER = "member", _("Đảng viên chính thức")
    YOUTH_UNION = "youth_union", _("Nghị quyết Ban Chấp hành Đoàn cơ sở")
    TRADE_UNION = "trade_union", _("Nghị quyết Ban Chấp hành Công đoàn cơ sở")


class Introduction(ChoiceLabels, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="introductions")
    kind = models.CharField(max_length=12, choices=IntroKind.choices)
    introducer = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    months_together = models.PositiveSmallIntegerField(
        _("số tháng cùng công tác/sinh hoạt"), null=True, blank=True
    )
    is_relative = models.BooleanField(_("là người thân của người vào Đảng"), default=False)
    replacement = models.BooleanField(_("giới thiệu thay thế"), default=False)
    given_on = models.DateField(_("ngày giới thiệu"))
    doc_ref = models.CharField(_("số văn bản"), max_length=100, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["given_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.given_on}"


class Body(models.TextChoices):
    CELL = "cell", _("Chi bộ")
    BASE_COMMITTEE = "base_committee", _("Đảng ủy cơ sở")


class Exclusion(models.TextChoices):
    """Why an official member summoned is left out of the denominator (QĐ 294 9.3.2)."""

    TEMP_TRANSFER = "temp_transfer", _("Đang chuyển sinh hoạt tạm thời đi nơi khác")
    SUSPENDED = "suspended", _("Đang bị đình chỉ sinh hoạt")
    PROSECUTED = "prosecuted", _("Đang bị khởi tố, truy tố, tạm giam")
    EXCUSED = "excused", _("Được cấp ủy đồng ý vắng mặt cả buổi họp")


class Vote(ChoiceLabels, models.Model):
    """A vote on the case, passed or not: a failed vote is kept and reported upward."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    body = models.CharField(max_length=16, choices=Body.choices)
    held_on = models.DateField(_("ngày họp"))
    # The cell meeting the vote was taken at (its attendance proposed the counts below).
    meeting = models.ForeignKey(
        "committees.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="admission_votes"
    )
    # Cell votes: the registry's proposal as of the meeting, then the secretary's counts.
    registry_official = models.PositiveIntegerField(null=True, blank=True)
    registry_exempt = models.PositiveIntegerField(null=True, blank=True)
    summoned = models.PositiveIntegerField(_("số đảng viên được triệu tập"))
    present = models.PositiveIntegerField(_("số có mặt"), null=True, blank=True)
    exempt_present = models.PositiveIntegerField(
        _("đảng viên miễn sinh hoạt có mặt và biểu quyết"), default=0
    )
    excluded = models.JSONField(default=dict)  # {Exclusion code: count}
    denominator = models.PositiveIntegerField(_("tổng số đảng viên được tính"))
    denominator_note = models.CharField(_("giải trình khi sửa tổng số"), max_length=500, blank=True)
    yes = models.PositiveIntegerField(_("tán thành"))
    no = models.PositiveIntegerField(_("không tán thành"))
    passed = models.BooleanField()
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

        return vote_text(yes=self.yes, no=self.no, counted=self.denominator)


class Suspension(ChoiceLabels, models.Model):
    """The case paused: its due date moves by the working days it was paused."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    reason = models.CharField(_("lý do tạm dừng"), max_length=500)
    resume_note = models.CharField(_("lý do tiếp tục"), max_length=500, blank=True)
    working_days = models.PositiveIntegerField(null=True, blank=True)  # set on resume

    class Meta:
        ordering = ["since", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.since}–{self.until or ''}"


class CeremonyDay(ChoiceLabels, models.Model):
    """A local day on which admissions are held together (e.g. the founding day of a
    province's first cell), for the organization and everything under it. The national
    days (3/2, 19/5, 2/9) are built in (`cases.ceremonies.NATIONAL_DAYS`)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tên ngày kỷ niệm"), max_length=200)
    day = models.PositiveSmallIntegerField(_("ngày"))
    month = models.PositiveSmallIntegerField(_("tháng"))

    class Meta:
        ordering = ["month", "day", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month", "day"], name="one_ceremony_day_per_org_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.day:02d}/{self.month:02d})"
