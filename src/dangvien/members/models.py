from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels
from dangvien.core.versioned import Versioned


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("Dự bị")
    OFFICIAL = "official", _("Chính thức")
    EXEMPT = "exempt", _("Miễn sinh hoạt")
    TEMP_EXEMPT = "temp_exempt", _("Tạm miễn sinh hoạt")
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    LEFT = "left", _("Ra khỏi Đảng")
    DIED = "died", _("Từ trần")


ACTIVE_STATUSES = frozenset({Status.PROBATIONARY, Status.OFFICIAL, Status.EXEMPT, Status.TEMP_EXEMPT})


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Kết nạp (dự bị)")
    MADE_OFFICIAL = "made_official", _("Công nhận chính thức")
    EXEMPTED = "exempted", _("Miễn sinh hoạt")
    TEMP_EXEMPTED = "temp_exempted", _("Tạm miễn sinh hoạt")
    EXEMPTION_ENDED = "exemption_ended", _("Trở lại sinh hoạt")
    CELL_CHANGED = "cell_changed", _("Chuyển chi bộ")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt đi")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    LEFT = "left", _("Ra khỏi Đảng")
    DIED = "died", _("Từ trần")


class Membership(ChoiceLabels, models.Model):
    """One membership of one person: from the admission decision to its end.

    The fields below are the current state, kept equal to what the MemberEvent rows say
    (checked by members.services.membership_replay); MembershipPeriod rows answer "as of".
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="memberships")
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, unique=True, null=True, blank=True)
    # Not indexed alone: the (cell, status) index below leads with the cell.
    cell = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    admission_date = models.DateField(_("ngày vào Đảng"))
    ceremony_date = models.DateField(_("ngày kết nạp (lễ)"), null=True, blank=True)
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices)
    status_since = models.DateField()
    is_active = models.BooleanField(default=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            # A person cannot be two members at once.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_active=True), name="one_active_membership_per_person"
            ),
        ]
        indexes = [models.Index(fields=["cell", "status"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.card_number or '—'})"


class MemberEvent(ChoiceLabels, models.Model):
    """A dated change of a membership, with the state it leads to."""

    membership = models.ForeignKey(  # indexed by (membership, on) below
        Membership, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    on = models.DateField(_("ngày"))
    status = models.CharField(max_length=16, choices=Status.choices)
    cell = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["membership", "on"]),
            # Progress reports count admissions by decision date over a subtree's cells.
            models.Index(
                fields=["on", "cell"], condition=models.Q(kind="admitted"), name="member_event_admitted_on"
            ),
            # ...and a province's among the country's: its cells' admissions, cell by cell
            # (the cell index alone reads every event of each cell, 30 times more rows).
            models.Index(
                fields=["cell", "on"], condition=models.Q(kind="admitted"), name="member_event_admitted_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class MembershipPeriod(ChoiceLabels, models.Model):
    """Status and cell of a membership from valid_from up to (not including) valid_to."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="periods")
    cell = models.ForeignKey(  # indexed by (cell, valid_from) below
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["cell", "valid_from"]),
            models.Index(fields=["valid_from", "valid_to"]),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.status} {self.valid_from}–{self.valid_to or ''}"


class CellTally(ChoiceLabels, models.Model):
    """How many memberships each cell has in each status, today.

    Kept by the same services that write Membership rows (`members.tally`), so that the
    member list of a province (190,000 members) or of the country does not count rows on
    every visit. Past dates are counted from MembershipPeriod, never from here."""

    cell = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "status"], name="one_tally_per_cell_status")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.status} {self.count}"


class ExemptionKind(models.TextChoices):
    EXEMPT = "exempt", _("Miễn công tác và sinh hoạt đảng")
    TEMP_EXEMPT = "temp_exempt", _("Tạm miễn sinh hoạt đảng")


class Exemption(Versioned):
    """An exemption from its request to its end: the member asks, the cell decides and
    reports upward (QĐ 24 7.1; HD 01/2021 10.3). The decision and the end are also
    member events; this row keeps the request and the report that the events do not."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="exemptions")
    kind = models.CharField(_("loại"), max_length=12, choices=ExemptionKind.choices)
    requested_on = models.DateField(_("ngày làm đơn"))
    reason = models.CharField(_("lý do"), max_length=500)
    decided_on = models.DateField(_("ngày chi bộ quyết định"), null=True, blank=True)
    decision_ref = models.CharField(_("số quyết định / nghị quyết"), max_length=100, blank=True)
    refused = models.BooleanField(default=False)
    reported_on = models.DateField(_("ngày báo cáo cấp ủy cấp trên"), null=True, blank=True)
    ended_on = models.DateField(_("ngày trở lại sinh hoạt"), null=True, blank=True)

    class Meta:
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(ended_on__isnull=True, refused=False),
                name="one_running_exemption_per_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.kind} {self.requested_on}"


class Residence(ChoiceLabels, models.Model):
    """A member living elsewhere than their cell, registered with the cell where they live
    (which sees them, read-only, in its "living here" list)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="residences")
    cell = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("chi bộ nơi cư trú")
    )
    registered_on = models.DateField(_("ngày đăng ký"))
    ended_on = models.DateField(_("ngày thôi"), null=True, blank=True)

    class Meta:
        ordering = ["registered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(ended_on__isnull=True),
                name="one_current_residence_per_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} @ {self.cell_id}"


class Office(models.TextChoices):
    """Offices of a party organization's committee (a cell's chi ủy included)."""

    SECRETARY = "secretary", _("Bí thư")
    DEPUTY = "deputy", _("Phó Bí thư")
    STANDING = "standing", _("Ủy viên Ban Thường vụ")
    COMMITTEE = "committee", _("Cấp ủy viên")


# Offices held by one person at a time in an organization.
SINGLE_OFFICES = (Office.SECRETARY,)


class OfficeHolder(ChoiceLabels, models.Model):
    """Who held an office of an organization, from valid_from up to (not including) valid_to.
    Every office above is a seat on the committee (cấp ủy viên): its size on a day is the
    number of people holding any of them. Kept as history: an office is ended, never erased."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="office_holders"
    )
    office = models.CharField(_("chức vụ"), max_length=12, choices=Office.choices)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "valid_from", "pk"]
        indexes = [models.Index(fields=["organization", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="office_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_office_display()}"
