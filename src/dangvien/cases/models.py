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

from dangvien.cases.procedure import CODES


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


class Case(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    # Not indexed alone: (cell, state) below leads with it.
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", db_index=False)
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN
    )
    steps = models.JSONField(default=list)  # the step codes this case goes through, fixed at opening
    step = models.CharField(_("bước"), max_length=20, choices=[(c, c) for c in CODES])
    step_since = models.DateField()
    # The deadline of the open step; NULL when the step has none. "Overdue" is one query.
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    due_rule = models.CharField(max_length=60, blank=True)  # the rule-pack key behind due_on
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
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

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


class StepRecord(models.Model):
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


class Verification(models.Model):
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


class Introduction(models.Model):
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


class Vote(models.Model):
    """A vote on the case, passed or not: a failed vote is kept and reported upward."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    body = models.CharField(max_length=16, choices=Body.choices)
    held_on = models.DateField(_("ngày họp"))
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
        return f"{self.case_id} {self.body} {self.held_on}: {self.yes}/{self.denominator}"


class Suspension(models.Model):
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


# --- Probation and official recognition ------------------------------------------------


class RecognitionState(models.TextChoices):
    OPEN = "open", _("Đang dự bị / đang xét")
    OFFICIAL = "official", _("Đã công nhận chính thức")
    REMOVED = "removed", _("Xóa tên")
    CLOSED = "closed", _("Đã kết thúc (đảng viên không còn sinh hoạt)")


class Recognition(models.Model):
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
    steps = models.JSONField(default=list)  # fixed at opening, from the tree
    step = models.CharField(_("bước"), max_length=20)
    step_since = models.DateField()
    ceremony_on = models.DateField(_("ngày lễ kết nạp"))
    # The day the 12 months end: the official date, whatever the date of the decision.
    ends_on = models.DateField(_("ngày hết thời gian dự bị"))
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    due_rule = models.CharField(max_length=60, blank=True)
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
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ công nhận đảng viên chính thức")
        verbose_name_plural = _("hồ sơ công nhận đảng viên chính thức")
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["state", "ends_on"])]

    def __str__(self) -> str:
        return f"Công nhận chính thức {self.pk}: {self.membership_id}"

    @property
    def is_open(self) -> bool:
        return self.state == RecognitionState.OPEN


class RecognitionStep(models.Model):
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


class RecognitionVote(models.Model):
    """A vote of the cell or base committee: for recognition (yes) or for removal (no).
    Neither reaching 2/3 is kept; the third such vote escalates the case."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="votes")
    body = models.CharField(max_length=16, choices=Body.choices)
    held_on = models.DateField(_("ngày họp"))
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
        return f"{self.recognition_id} {self.body} {self.held_on}: {self.yes}/{self.no}/{self.denominator}"


class ProbationMentor(models.Model):
    """An official member helping the probationary member, from a date to a date."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="mentors")
    mentor = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.recognition_id} từ {self.valid_from}"


# --- Transfers -------------------------------------------------------------------------


class TransferKind(models.TextChoices):
    PERMANENT = "permanent", _("Chuyển sinh hoạt đảng chính thức")
    TEMPORARY = "temporary", _("Chuyển sinh hoạt đảng tạm thời")


class TransferState(models.TextChoices):
    PREPARING = "preparing", _("Chưa cấp giấy giới thiệu")
    IN_TRANSIT = "in_transit", _("Đang chuyển (chưa đến nơi nhận)")
    RECEIVED = "received", _("Đã tiếp nhận")
    SENT_OUTSIDE = "sent_outside", _("Đã chuyển ra ngoài hệ thống")
    RETURNED = "returned", _("Đã trở về (hết sinh hoạt tạm thời)")
    CANCELLED = "cancelled", _("Đã hủy")


OPEN_TRANSFER_STATES = (TransferState.PREPARING, TransferState.IN_TRANSIT)


class Transfer(models.Model):
    """One transfer of one member's party activity (QĐ 294 6.3). The sending side sees it
    through from_cell, the receiving side through to_cell; neither sees the other's tree.
    Until received, a permanent transfer keeps the member counted where they were: a
    member is never between two lists."""

    membership = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("loại"), max_length=10, choices=TransferKind.choices)
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=TransferState.choices, default=TransferState.PREPARING
    )
    from_cell = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_cell = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=False
    )
    outside_name = models.CharField(_("nơi đến ngoài hệ thống"), max_length=300, blank=True)
    reason = models.CharField(_("lý do"), max_length=500)
    # The decision or the move: the member's 60 working days run from here.
    moved_on = models.DateField(_("ngày quyết định / chuyển đi"))
    complete_by = models.DateField(_("hạn hoàn thành"))
    until = models.DateField(_("sinh hoạt tạm thời đến"), null=True, blank=True)
    letter_ref = models.CharField(_("số giấy giới thiệu"), max_length=100, blank=True)
    letter_on = models.DateField(_("ngày cấp giấy giới thiệu"), null=True, blank=True)
    issued_by = models.CharField(_("cấp ủy cấp giấy"), max_length=200, blank=True)
    present_by = models.DateField(_("hạn trình giấy ở nơi nhận"), null=True, blank=True)
    due_on = models.DateField(_("hạn"), null=True, blank=True)  # the earlier open deadline
    received_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    returned_on = models.DateField(_("ngày trở về"), null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = _("chuyển sinh hoạt đảng")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(state__in=["preparing", "in_transit"]),
                name="one_open_transfer_per_membership",
            )
        ]
        indexes = [
            models.Index(fields=["from_cell", "state"]),
            models.Index(fields=["to_cell", "state"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"Chuyển {self.pk}: {self.membership_id}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TRANSFER_STATES

    @property
    def destination(self) -> str:
        return self.to_cell.name if self.to_cell is not None else self.outside_name


class CeremonyDay(models.Model):
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
