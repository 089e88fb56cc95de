"""Transfers of party activity between cells."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvien.core.versioned import Versioned


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


class Transfer(Versioned):
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
