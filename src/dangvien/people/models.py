from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.choices import ChoiceLabels
from dangvien.core.text import clean_name, fold, vietnamese_sort_key


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Person(ChoiceLabels, models.Model):
    """One row per human: a candidate today, a member tomorrow, re-admitted later."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Derived on save: search without diacritics and the Vietnamese order of names.
    name_search = models.CharField(max_length=120, editable=False)
    sort_key = models.CharField(max_length=255, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices)
    cccd = models.CharField(_("số CCCD"), max_length=12, unique=True, null=True, blank=True)
    old_id = models.CharField(_("số CMND cũ"), max_length=12, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    religion = models.CharField(_("tôn giáo"), max_length=50, blank=True)
    home_town = models.CharField(_("quê quán"), max_length=200, blank=True)
    residence_province = models.PositiveIntegerField(_("tỉnh/thành phố cư trú"), null=True, blank=True)
    residence_ward = models.PositiveIntegerField(_("xã/phường cư trú"), null=True, blank=True)
    residence_detail = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    education = models.CharField(_("trình độ học vấn"), max_length=50, blank=True)
    profession = models.CharField(_("nghề nghiệp"), max_length=100, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        # Fewer indexes, faster imports: equality on the name goes through (name, birth
        # date), "contains" through the trigram index (PostgreSQL); the order of names
        # needs a plain index on sort_key, not Django's extra LIKE index for db_index.
        indexes = [
            models.Index(fields=["name_search", "birth_date"]),
            models.Index(fields=["sort_key"], name="people_person_sort_key"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def refresh_derived(self) -> None:
        self.full_name = clean_name(self.full_name)
        self.name_search = fold(self.full_name)
        self.sort_key = vietnamese_sort_key(self.full_name)
