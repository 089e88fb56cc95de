"""Official recognition as data: its steps (RULES.md "Probation and official recognition")
and the one function that computes their deadlines.

Steps after the cell's review follow the tree as admission does: a section review only
under a section committee, no base-committee resolution when the cell is a base cell."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangvien.core.dates import add_months
from dangvien.orgs.models import Organization, OrgKind
from dangvien.rules.calendar import Calendar
from dangvien.rules.selectors import RuleBook

CELL_VOTE = "cell_vote"
SECTION_REVIEW = "section_review"
BASE_RESOLUTION = "base_resolution"
DECISION = "decision"


@dataclass(frozen=True)
class RStep:
    code: str
    label: str | Promise
    short: str | Promise


STEPS: tuple[RStep, ...] = (
    RStep(CELL_VOTE, _("Chi bộ xét, biểu quyết công nhận chính thức"), _("Chi bộ xét")),
    RStep(SECTION_REVIEW, _("Đảng ủy bộ phận thẩm định"), _("ĐUBP thẩm định")),
    RStep(BASE_RESOLUTION, _("Nghị quyết của đảng ủy cơ sở"), _("Đảng ủy xét")),
    RStep(DECISION, _("Quyết định của cấp ủy có thẩm quyền"), _("Quyết định")),
)
BY_CODE = {s.code: s for s in STEPS}

# The papers of the end of probation (12-HD/BTCTW), as Recognition's date fields.
END_PAPERS: tuple[tuple[str, str | Promise], ...] = (
    ("self_review_on", _("Bản tự kiểm điểm của đảng viên dự bị")),
    ("mentor_review_on", _("Bản nhận xét của đảng viên được phân công giúp đỡ")),
    ("mass_opinion_on", _("Ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc")),
    ("residence_opinion_on", _("Ý kiến nhận xét của chi ủy nơi cư trú")),
)


def steps_for(cell: Organization, parent_kind: str | None) -> list[str]:
    skip = set()
    if parent_kind != OrgKind.SECTION:
        skip.add(SECTION_REVIEW)
    if cell.kind == OrgKind.BASE_CELL:
        skip.add(BASE_RESOLUTION)
    return [s.code for s in STEPS if s.code not in skip]


def probation_end(ceremony_on: dt.date, *, org: Organization | None, book: RuleBook) -> dt.date:
    """The day the 12 months from the ceremony end: the official date (QĐ 24 4.2.2)."""
    return add_months(ceremony_on, int(book.value("probation.months", on=ceremony_on, org=org)))


def recognition_due(
    *,
    step: str,
    org: Organization,
    ends_on: dt.date,
    since: dt.date | None,
    book: RuleBook,
    cal: Calendar,
) -> tuple[dt.date, str]:
    """The deadline of a step: the cell reviews within 30 working days after the end; the
    competent committee decides within 30 working days of the cell's resolution (or of the
    report upward after three votes without 2/3) — `since`."""
    if step == CELL_VOTE or since is None:
        key = "deadline.recognition_cell_working_days"
        return cal.add_working_days(ends_on, int(book.value(key, on=ends_on, org=org))), key
    key = "deadline.recognition_decision_working_days"
    return cal.add_working_days(since, int(book.value(key, on=since, org=org))), key
