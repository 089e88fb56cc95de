"""Age bands of the members report and the member list's filter."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

# Keys as well as labels (the filter posts them back); translated where shown.
AGE_BANDS: list[tuple[str, int, int]] = [
    (gettext_noop("Đến 30 tuổi"), 0, 30),
    (gettext_noop("31–40 tuổi"), 31, 40),
    (gettext_noop("41–50 tuổi"), 41, 50),
    (gettext_noop("51–60 tuổi"), 51, 60),
    (gettext_noop("61–70 tuổi"), 61, 70),
    (gettext_noop("Trên 70 tuổi"), 71, 200),
]


def age_band_of(birth: dt.date, on: dt.date) -> str:
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_BANDS[-1][0]


def birth_range_for_band(label: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """Birth dates (inclusive) of the people whose age on `on` falls in the band."""
    for name, low, high in AGE_BANDS:
        if name == label:
            latest = _years_before(on, low)
            earliest = _years_before(on, high + 1) + dt.timedelta(days=1)
            return earliest, latest
    raise KeyError(label)


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)
