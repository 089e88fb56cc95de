"""What the dossiers of every kind share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.versioned import Versioned


class Dossier(Versioned):
    """What every dossier shares (an admission case, a recognition): the steps it goes
    through (fixed at opening), the open step's date and deadline with the rule-pack key
    behind it, and how it ended. What happened is rows of each kind (steps, votes)."""

    steps = models.JSONField(default=list)  # the step codes, fixed at opening
    step_since = models.DateField()
    # The deadline of the open step; NULL when the step has none. "Overdue" is one query.
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    due_rule = models.CharField(max_length=60, blank=True)  # the rule-pack key behind due_on
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
