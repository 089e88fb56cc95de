"""Dates as users write them (dd/mm/yyyy) and as the command line takes them (ISO)."""

from __future__ import annotations

import datetime as dt
import re

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class DateError(ValueError):
    """A date that does not exist or is not written dd/mm/yyyy; the message is for users."""


def parse_user_date(value: object) -> dt.date | None:
    """Accepts a real date (from Excel), dd/mm/yyyy, or yyyy-mm-dd; None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[2] == "/" == text[5] and text.isascii():
        # dd/mm/yyyy, as nearly every cell of a file is written: read without the pattern
        day_, month_, year_ = text[:2], text[3:5], text[6:]
        if day_.isdigit() and month_.isdigit() and year_.isdigit():
            try:
                return dt.date(int(year_), int(month_), int(day_))
            except ValueError:
                raise DateError(f"ngày {text} không tồn tại") from None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise DateError(f"“{text}” không phải ngày theo dạng ngày/tháng/năm (ví dụ 12/03/2024)")
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"ngày {text} không tồn tại") from None


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st becomes the month's last day when the month is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Full months from start to end: the age "counted in months" of the regulation."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months
