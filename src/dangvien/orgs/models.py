from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("Đảng bộ tỉnh")
    UPPER_BASE = "upper_base", _("Đảng bộ cấp trên cơ sở")
    BASE = "base", _("Đảng bộ cơ sở")
    BASE_CELL = "base_cell", _("Chi bộ cơ sở")
    SECTION = "section", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ")


# Members belong to cells; cells have no organizations under them.
CELL_KINDS = frozenset({OrgKind.CELL, OrgKind.BASE_CELL})


class Sector(models.TextChoices):
    RESIDENTIAL = "residential", _("Khu dân cư")
    SCHOOL = "school", _("Trường học")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    POLICE = "police", _("Công an")
    MILITARY = "military", _("Quân sự")
    HEALTH = "health", _("Y tế")
    OTHER = "other", _("Khác")


PATH_STEP = 9  # "%08d." per level


def path_segment(pk: int) -> str:
    return f"{pk:08d}."


class Organization(ChoiceLabels, models.Model):
    """A node of the party tree as it stands today. Its past lives in OrgVersion rows.

    `path` is a materialized path ("00000001.00000007.") so that a subtree is one indexed
    prefix query, whatever its depth.
    """

    code = models.CharField(_("mã tổ chức"), max_length=32, unique=True)
    name = models.CharField(_("tên tổ chức"), max_length=200)
    name_search = models.CharField(max_length=200, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("loại tổ chức"), max_length=16, choices=OrgKind.choices)
    sector = models.CharField(_("loại hình"), max_length=16, choices=Sector.choices, blank=True)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể / hợp nhất"), null=True, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=models.Q(dissolved_on__isnull=True),
                name="org_name_unique_among_siblings",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.strip(".").split(".")[:-1] if seg]


class ReorgKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển trực thuộc")
    MERGE = "merge", _("Hợp nhất")
    SPLIT = "split", _("Chia tách")
    DISSOLVE = "dissolve", _("Giải thể")
    UPDATE = "update", _("Sửa thông tin")


class Reorganization(ChoiceLabels, models.Model):
    """A dated act on the tree (a decision of a committee), with what it changed."""

    kind = models.CharField(max_length=16, choices=ReorgKind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    details = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"


class OrgVersion(ChoiceLabels, models.Model):
    """The organization as it was from valid_from up to (not including) valid_to."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(Organization, null=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=OrgKind.choices)
    sector = models.CharField(max_length=16, choices=Sector.choices, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    reorganization = models.ForeignKey(
        Reorganization, null=True, on_delete=models.SET_NULL, related_name="versions"
    )

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"]),
            models.Index(fields=["path"]),
            models.Index(fields=["organization", "valid_from"]),
            # The closed versions (a reorganization's trace, few): the progress report finds
            # the organizations that crossed its subtree's edge among them.
            models.Index(
                fields=["organization"],
                condition=models.Q(valid_to__isnull=False),
                name="org_version_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or ''})"
