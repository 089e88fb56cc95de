"""Periods of targets: a term "2020-2025" or a year "2023".

Defaults: a year runs 1 January – 31 December; a term A–B runs from 1 January A to
31 December B−1 — five calendar years, so the yearly plans of 2020…2024 add up to it and
two terms never overlap. Where a committee counts its term from congress to congress, an
administrator sets the real dates (`period_set_dates`); reports then use those."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext

from dangvien.core.errors import ServiceError
from dangvien.targets.models import Period, PeriodKind

_TERM = re.compile(r"^\s*(\d{4})\s*[-–—]\s*(\d{4})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True)
class Bounds:
    code: str
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.TERM:
            return gettext("nhiệm kỳ %(code)s") % {"code": self.code}
        return gettext("năm %(code)s") % {"code": self.code}

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def parse_period(text: str) -> tuple[str, str]:
    """(normalized code, kind) of "2020-2025", "2020 – 2025" or "2023"; ServiceError if neither."""
    m = _TERM.match(text or "")
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if not (1930 <= a < b <= a + 10):
            raise ServiceError("targets.term_invalid", text=text)
        return f"{a}-{b}", PeriodKind.TERM
    m = _YEAR.match(text or "")
    if m and 1930 <= int(m.group(1)) <= 2200:
        return m.group(1), PeriodKind.YEAR
    raise ServiceError("targets.period_invalid", text=text)


def default_bounds(code: str) -> Bounds:
    code, kind = parse_period(code)
    if kind == PeriodKind.TERM:
        a, b = (int(x) for x in code.split("-"))
        return Bounds(code, kind, dt.date(a, 1, 1), dt.date(b - 1, 12, 31))
    y = int(code)
    return Bounds(code, kind, dt.date(y, 1, 1), dt.date(y, 12, 31))


def period_bounds(code: str) -> Bounds:
    """The dates of a period: an administrator's row if there is one, else the defaults."""
    default = default_bounds(code)
    row = Period.objects.filter(code=default.code).first()
    if row is None:
        return default
    return Bounds(default.code, default.kind, row.starts_on, row.ends_on)


def periods_around(today: dt.date) -> tuple[str, str]:
    """The term and the year containing `today` (for the dashboard's defaults)."""
    year = str(today.year)
    for row in Period.objects.filter(kind=PeriodKind.TERM, starts_on__lte=today, ends_on__gte=today):
        return row.code, year
    start = 2020 + 5 * ((today.year - 2020) // 5)
    return f"{start}-{start + 5}", year
