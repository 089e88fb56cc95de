from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class User(ChoiceLabels, AbstractUser):
    """A person at the keyboard. What they may see comes from their role assignments."""

    # Set when an administrator resets the password: the next sign-in leads to the change.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    STAFF = "staff", _("Cán bộ cấp ủy (đọc và ghi cả cây)")
    SECRETARY = "secretary", _("Bí thư chi bộ (một chi bộ)")
    VIEWER = "viewer", _("Chỉ xem")


class RoleAssignment(ChoiceLabels, models.Model):
    """One role over one organization's subtree (none for the administrator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(organization__isnull=False),
                name="assignment_scoped_unless_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization or '*'}"


class LoginThrottle(ChoiceLabels, models.Model):
    """Failed sign-ins per account name, kept in the database so every worker sees them."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Pauses in a row without a success: each one twice as long as the one before.
    locks = models.PositiveIntegerField(default=0)
    # Failures older than the pause are forgotten: an office behind one address that
    # mistypes now and then is never paused for the sum of a month's typos.
    last_failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class AuditHead(ChoiceLabels, models.Model):
    """The chain's tip. Locked only by the short step that seals committed entries into the
    chain (accounts/audit.py), never for a writer's whole transaction."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq}"


class AuditEntry(ChoiceLabels, models.Model):
    """Append-only, hash-chained record of every write made through a service."""

    # Empty while pending: written by the service's transaction, sealed after its commit.
    seq = models.BigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]  # the order of writing; seq is the order of sealing (commits)
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The seal's question: the few pending entries among millions.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_pending"),
        ]
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class ApiToken(ChoiceLabels, models.Model):
    """A bearer token for the HTTP API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} — {self.name}"


def is_administrator(user: object) -> bool:
    """May do everything: the command line's operator (None), a superuser, or an active
    user holding the administrator's role. The scope (orgs/scope.py) asks the same of its
    cached assignments."""
    if user is None:
        return True
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or user.assignments.filter(role=Role.ADMIN).exists()
