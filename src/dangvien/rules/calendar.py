"""Working days: Monday–Friday, less Vietnamese public holidays (the `holidays` package:
Tết and the Hùng Kings by the lunar calendar, 30/4, 1/5, 2/9 with its extra day, New
Year, and the government's announced swaps, including the Saturdays worked in exchange),
corrected by the days an administrator declares (`CalendarDay`).

The arithmetic is pure: a `Calendar` holds its exceptions and never touches the database;
`calendar_from_db()` builds one with the administrator's days."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

import holidays

from dangvien.core.dates import add_months, full_months_between

__all__ = [
    "Calendar",
    "add_months",
    "add_working_days",
    "age_in_full_months",
    "calendar_from_db",
    "working_days_between",
]

_ONE = dt.timedelta(days=1)


@lru_cache(maxsize=256)
def _public(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str]]:
    vn = holidays.country_holidays("VN", years=year, language="vi")
    off = frozenset(d for d in vn if d.year == year)
    work = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return off, work, {d: vn[d] for d in off}


class Calendar:
    def __init__(self, *, extra_off: Iterable[dt.date] = (), extra_work: Iterable[dt.date] = ()) -> None:
        self.extra_off = frozenset(extra_off)
        self.extra_work = frozenset(extra_work)
        self._years: dict[int, list[int]] = {}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_work:
            return True
        if day in self.extra_off:
            return False
        off, work, _ = _public(day.year)
        if day in work:
            return True
        return day.weekday() < 5 and day not in off

    def holiday_name(self, day: dt.date) -> str:
        return _public(day.year)[2].get(day, "")

    # Counting is by rank: the number of working days from 1 January of a year up to a
    # day, computed once per year and calendar, so that an overdue list of thousands of
    # cases costs a few lookups each, not a walk over every day.
    def _cumulative(self, year: int) -> list[int]:
        cum = self._years.get(year)
        if cum is None:
            cum, n, day = [], 0, dt.date(year, 1, 1)
            while day.year == year:
                n += self.is_working_day(day)
                cum.append(n)
                day += _ONE
            self._years[year] = cum
        return cum

    def _rank(self, day: dt.date, base: int) -> int:
        """Working days in [1/1/base, day]."""
        total = sum(self._cumulative(y)[-1] for y in range(base, day.year))
        return total + self._cumulative(day.year)[day.timetuple().tm_yday - 1]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: 0 when equal, negative when end is before start.
        "Working days late" of a step due on D and still open today = between(D, today)."""
        if end < start:
            return -self.working_days_between(end, start)
        return self._rank(end, start.year) - self._rank(start, start.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted; n = 0: start).
        "Within 60 working days of the resolution" is due on add_working_days(resolution, 60).
        With n < 0, the n-th working day before `start`."""
        if n == 0:
            return start
        if n < 0:
            day, left = start, -n
            while left:
                day -= _ONE
                left -= self.is_working_day(day)
            return day
        year = start.year
        target = self._rank(start, year) + n  # rank counted from 1/1 of start's year
        passed = 0
        while passed + self._cumulative(year)[-1] < target:
            passed += self._cumulative(year)[-1]
            year += 1
        index = bisect_left(self._cumulative(year), target - passed)
        return dt.date(year, 1, 1) + dt.timedelta(days=index)


DEFAULT = Calendar()


def add_working_days(start: dt.date, n: int, *, calendar: Calendar = DEFAULT) -> dt.date:
    return calendar.add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date, *, calendar: Calendar = DEFAULT) -> int:
    return calendar.working_days_between(start, end)


def age_in_full_months(birth: dt.date, on: dt.date) -> int:
    """Age counted in months, as the regulation counts it: full months only (a person born
    on 15/03/2008 is 216 months old — full 18 years — on 15/03/2026, 215 the day before)."""
    return full_months_between(birth, on)


def calendar_from_db() -> Calendar:
    from dangvien.rules.models import CalendarDay

    rows = list(CalendarDay.objects.values_list("date", "working"))
    return Calendar(
        extra_off=[d for d, working in rows if not working], extra_work=[d for d, working in rows if working]
    )
