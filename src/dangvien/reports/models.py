"""Member figures kept ahead of time, one row per unit and day, so that a province's or the
country's counts add up a few thousand small rows instead of scanning millions of period
rows (reports/figures.py says how they are kept equal to the rows they come from)."""

from __future__ import annotations

from django.db import models

from dangvien.core.choices import ChoiceLabels


class FigureStamp(ChoiceLabels, models.Model):
    """How many times the members of a unit have changed: every write that can change a
    count (a member's status or cell, a person's sex, birth date, ethnicity or education,
    a cell's kind, sector or place in the tree) adds one, in the writer's transaction.

    A unit is the part of the tree under one path of two levels (a commune or ward, a bloc,
    a base organization directly under a province), named by that path. The unit "" is the
    whole database: bulk tools that cannot say which units they touched add one to it."""

    unit = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit or '*'} v{self.version}"


class MemberFigures(ChoiceLabels, models.Model):
    """One unit's member counts on one day, by each dimension of the members report,
    valid while the unit's stamp (and the whole database's) is still the one read before
    they were counted."""

    unit = models.CharField(max_length=32)
    day = models.DateField()
    version = models.BigIntegerField()
    epoch = models.BigIntegerField()
    # {"status": {"official": 12, ...}, "sex": {...}, "band": {"0": 3, ...}, "kind", "sector",
    # "ethnicity", "education"}: database values, not labels (labels are translated on use).
    counts = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="one_figures_per_unit_day")]
        indexes = [models.Index(fields=["computed_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"


class AdmissionFigures(ChoiceLabels, models.Model):
    """One unit's admissions in a span of days (a period's first day to the report's last),
    per cell: {cell id: [admitted, women, under 30, ethnic minority, religious]}, each
    judged on the decision date. Every cell ever in the unit is in it, wherever the cell
    stands now (the progress report places them); valid, like the member figures, while
    the unit's stamp and the whole database's are the ones read before they were counted."""

    unit = models.CharField(max_length=32)
    start = models.DateField()
    end = models.DateField()
    version = models.BigIntegerField()
    epoch = models.BigIntegerField()
    counts = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["start", "end", "unit"], name="one_admission_figures_per_unit_span"
            )
        ]
        indexes = [models.Index(fields=["computed_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.start}–{self.end}"
