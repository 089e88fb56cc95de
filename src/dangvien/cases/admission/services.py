"""Every transition of an admission dossier: keyword-only, one transaction, scope-checked,
guarded by its preconditions and by the case's version (two tabs or a double click end
with one success and a "reload" message), one audit entry each.

The door of the admission package: each story is its own file (opening, introductions,
votes, outcome, over the shared steps); callers import from here."""

from __future__ import annotations

from dangvien.cases.admission.introductions import (
    admission_add_introduction,
    admission_end_introduction,
)
from dangvien.cases.admission.opening import (
    admission_add_verification,
    admission_open,
    admission_record_exceptions,
    admission_record_step,
    admission_record_verification,
)
from dangvien.cases.admission.outcome import (
    CLOSE_OUTCOMES,
    admission_close,
    admission_record_ceremony,
    admission_resume,
    admission_suspend,
)
from dangvien.cases.admission.steps import compute_due, due_date
from dangvien.cases.admission.votes import (
    admission_extend,
    admission_record_cell_vote,
    admission_record_committee_vote,
    admission_record_decision,
)

__all__ = [
    "CLOSE_OUTCOMES",
    "admission_add_introduction",
    "admission_add_verification",
    "admission_close",
    "admission_end_introduction",
    "admission_extend",
    "admission_open",
    "admission_record_cell_vote",
    "admission_record_ceremony",
    "admission_record_committee_vote",
    "admission_record_decision",
    "admission_record_exceptions",
    "admission_record_step",
    "admission_record_verification",
    "admission_resume",
    "admission_suspend",
    "compute_due",
    "due_date",
]
