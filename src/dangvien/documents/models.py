from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels


class GeneratedDocument(ChoiceLabels, models.Model):
    """A paper generated from a dossier: what, from which template, by whom, when — so a
    printed paper can be traced back. The file itself is kept (a few tens of kB)."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    recognition = models.ForeignKey(
        "cases.Recognition", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    form = models.CharField(_("mẫu"), max_length=12)
    template = models.CharField(_("phiên bản mẫu"), max_length=80)  # "default:<sha256 prefix>"
    file_name = models.CharField(max_length=120)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.form} {self.generated_at:%d/%m/%Y %H:%M}"


class FormTemplate(ChoiceLabels, models.Model):
    """A template uploaded by an administrator for one form, for the whole system
    (province empty) or for one province's subtree. Versions are kept; one is active per
    form and reach; without any, the packaged default is used."""

    form = models.CharField(_("mẫu"), max_length=12)
    province = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The reach as text, "" for the whole system: NULLs are distinct in a unique index, a
    # string is not, so "one active template per form and reach" holds on every database.
    reach = models.CharField(max_length=32, blank=True)
    version = models.PositiveIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form", "reach", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "reach"], condition=models.Q(active=True), name="one_active_template"
            ),
            models.UniqueConstraint(fields=["form", "reach", "version"], name="template_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form} v{self.version}"

    @property
    def label(self) -> str:
        return f"v{self.version}" + (f" ({self.reach})" if self.reach else "")
