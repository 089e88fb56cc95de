"""Counts of members at any date, from the period rows: the same question asked twice
gives the same answer, whatever happened since."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext_noop

from dangvien.accounts.scope import Scope
from dangvien.members.models import ACTIVE_STATUSES, MembershipPeriod, Status
from dangvien.orgs.models import Organization, OrgKind, OrgVersion, Sector
from dangvien.orgs.selectors import org_path_on
from dangvien.people.models import Sex

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


@dataclass
class MemberCounts:
    org: str
    as_of: dt.date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age_band: dict[str, int] = field(default_factory=dict)
    by_cell_kind: dict[str, int] = field(default_factory=dict)
    by_sector: dict[str, int] = field(default_factory=dict)
    by_ethnicity: dict[str, int] = field(default_factory=dict)
    by_education: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "org": self.org,
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "by_status": self.by_status,
            "by_sex": self.by_sex,
            "by_age_band": self.by_age_band,
            "by_cell_kind": self.by_cell_kind,
            "by_sector": self.by_sector,
            "by_ethnicity": self.by_ethnicity,
            "by_education": self.by_education,
        }


def _band_case(as_of: dt.date) -> Case:
    """The age band's index, computed by the database from the birth date: the bands'
    birth-date limits on as_of are worked out here once (a band of ages a–b holds the
    people born from the day after as_of − (b + 1) years)."""
    whens = [
        When(membership__person__birth_date__gte=birth_range_for_band(label, as_of)[0], then=Value(i))
        for i, (label, _low, _high) in enumerate(AGE_BANDS[:-1])
    ]
    return Case(*whens, default=Value(len(AGE_BANDS) - 1), output_field=IntegerField())


def member_counts(scope: Scope, org: Organization, as_of: dt.date) -> MemberCounts:
    """Active members of org's subtree as it stood on as_of, in two queries.

    One scan of the period rows valid that day, grouped by every dimension at once (a few
    thousand groups for a province): the age band is computed in SQL, not by grouping on
    the birth date."""
    result = MemberCounts(org=org.code, as_of=as_of)
    root_path = org_path_on(org, as_of)
    if root_path is None:
        return result
    valid = Q(valid_from__lte=as_of) & (Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    cells_then = OrgVersion.objects.filter(valid, path__startswith=root_path)
    rows = (
        MembershipPeriod.objects.filter(valid, status__in=ACTIVE_STATUSES)
        .filter(cell_id__in=cells_then.values("organization_id"))
        .filter(scope.org_filter("cell"))
        .annotate(band=_band_case(as_of))
        .values_list(
            "status",
            "membership__person__sex",
            "band",
            "cell__kind",
            "cell__sector",
            "membership__person__ethnicity",
            "membership__person__education",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    status, sex, band, kind, sector, ethnicity, education = (Counter[str]() for _ in range(7))
    # Labels translated once per report, not once per row.
    status_of = {v: str(label) for v, label in Status.choices}
    sex_of = {v: str(label) for v, label in Sex.choices}
    kind_of = {v: str(label) for v, label in OrgKind.choices}
    sector_of = {v: str(label) for v, label in Sector.choices} | {"": "Chưa phân loại"}
    band_of = [label for label, _low, _high in AGE_BANDS]
    for st, sx, b, k, sec, eth, edu, n in rows:
        status[status_of[st]] += n
        sex[sex_of[sx]] += n
        band[band_of[b]] += n
        kind[kind_of[k]] += n
        sector[sector_of[sec]] += n
        ethnicity[_label(eth)] += n
        education[_label(edu)] += n
    result.total = sum(status.values())
    result.by_status = {
        str(Status(s).label): status.get(str(Status(s).label), 0)
        for s in (Status.PROBATIONARY, Status.OFFICIAL, Status.EXEMPT, Status.TEMP_EXEMPT)
    }
    result.by_sex = {str(label): sex.get(str(label), 0) for _, label in Sex.choices}
    result.by_age_band = {label: band.get(label, 0) for label, _, _ in AGE_BANDS}
    result.by_cell_kind = dict(sorted(kind.items()))
    result.by_sector = dict(sorted(sector.items(), key=lambda kv: -kv[1]))
    result.by_ethnicity = dict(sorted(ethnicity.items(), key=lambda kv: (-kv[1], kv[0])))
    result.by_education = dict(sorted(education.items(), key=lambda kv: (-kv[1], kv[0])))
    return result


def _label(value: str) -> str:
    """Free text as entered ("kinh", "Kinh ") shown once, capitalized; empty as not recorded."""
    text = " ".join((value or "").split())
    return text[:1].upper() + text[1:] if text else "Chưa ghi"
