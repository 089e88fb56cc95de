"""Counts of members at any date, from the period rows: the same question asked twice
gives the same answer, whatever happened since."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    FilteredRelation,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from dangvien.core.sql import plain_rows
from dangvien.members.models import ACTIVE_STATUSES, MembershipPeriod, Status
from dangvien.orgs.models import Organization, OrgKind, OrgVersion, Sector
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import org_path_on
from dangvien.people.ages import AGE_BANDS, birth_range_for_band
from dangvien.people.models import Sex
from dangvien.reports.figures import EVERYTHING, UNIT_LEN, figures_store, scan_prefixes
from dangvien.reports.models import FigureStamp, MemberFigures


@dataclass
class MemberCounts:
    org: str | None  # None: the whole tree
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


DIMENSIONS = ("status", "sex", "band", "kind", "sector", "ethnicity", "education")
Marginals = dict[str, Counter[str]]


def _empty() -> Marginals:
    return {d: Counter() for d in DIMENSIONS}


def _scan(prefixes: list[str], as_of: dt.date, *, by_unit: bool) -> dict[str, Marginals]:
    """Count the members active on as_of in the cells whose path that day starts with one
    of `prefixes`, by every dimension, in one scan: the age band computed in SQL, the
    cell's kind and sector those of that day. By unit (the cell's two-level path that day)
    when asked, else all under the key ""."""
    valid = Q(valid_from__lte=as_of) & (Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    version_on = Q(cell__versions__valid_from__lte=as_of) & (
        Q(cell__versions__valid_to__isnull=True) | Q(cell__versions__valid_to__gt=as_of)
    )
    under, cells = Q(), Q()
    for prefix in prefixes:
        under |= Q(v__path__startswith=prefix)
        cells |= Q(path__startswith=prefix)
    # The cells as an IN list too: SQLite then reads the periods cell by cell through
    # their (cell, valid_from) index instead of every period of the database (1.5 s → ms
    # for one commune of a province).
    cell_ids = OrgVersion.objects.filter(valid, cells).values("organization_id")
    qs = (
        MembershipPeriod.objects.filter(valid, status__in=ACTIVE_STATUSES)
        .annotate(v=FilteredRelation("cell__versions", condition=version_on))
        .filter(under)
        .filter(cell_id__in=cell_ids)
        .annotate(band=_band_case(as_of), unit=Substr("v__path", 1, UNIT_LEN) if by_unit else Value(""))
        .values_list(
            "unit",
            "status",
            "membership__person__sex",
            "band",
            "v__kind",
            "v__sector",
            "membership__person__ethnicity",
            "membership__person__education",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, Marginals] = {}
    counters: dict[str, tuple[Counter[str], ...]] = {}
    labels: dict[str, str] = {}  # free text normalized once per distinct value, not per row
    # A province groups ~25,000 (unit, dimensions) rows: plain tuples, no per-row converters.
    for unit, st, sx, b, k, sec, eth, edu, n in plain_rows(qs):
        c = counters.get(unit)
        if c is None:
            m = out[unit] = _empty()
            c = counters[unit] = tuple(m[d] for d in DIMENSIONS)
        c[0][st] += n
        c[1][sx] += n
        c[2][str(b)] += n
        c[3][k] += n
        c[4][sec or ""] += n
        e = labels.get(eth)
        if e is None:
            e = labels[eth] = _label(eth)
        c[5][e] += n
        e = labels.get(edu)
        if e is None:
            e = labels[edu] = _label(edu)
        c[6][e] += n
    return out


def _add(total: Marginals, part: Mapping[str, Mapping[str, int]]) -> None:
    for dim in DIMENSIONS:
        total[dim].update(part.get(dim, {}))


def _kept_figures(root_path: str, as_of: dt.date) -> Marginals:
    """The counts of every unit under root_path on as_of, from the stored figures where
    they are still valid, counted (and stored) for the others. See reports/figures.py."""
    valid = Q(valid_from__lte=as_of) & (Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    # One statement reads the units, their stamps and what is stored for them, so the
    # stamps are read before the counts below: a write committed in between leaves the
    # stored figures under the older stamp, to be counted again next time, never trusted.
    stamp = FigureStamp.objects.filter(unit=OuterRef("path")).values("version")[:1]
    epoch_q = FigureStamp.objects.filter(unit=EVERYTHING).values("version")[:1]
    kept = MemberFigures.objects.filter(unit=OuterRef("path"), day=as_of)
    units_q = OrgVersion.objects.filter(valid)
    if len(root_path) == UNIT_LEN:
        units_q = units_q.filter(path=root_path)
    else:
        units_q = units_q.filter(path__startswith=root_path).annotate(n=Length("path")).filter(n=UNIT_LEN)
    found = list(
        units_q.annotate(
            stamp=Coalesce(Subquery(stamp), 0),
            epoch=Coalesce(Subquery(epoch_q), 0),
            kept_version=Subquery(kept.values("version")[:1]),
            kept_epoch=Subquery(kept.values("epoch")[:1]),
            kept_counts=Subquery(kept.values("counts")[:1], output_field=JSONField()),
        ).values_list("path", "stamp", "epoch", "kept_version", "kept_epoch", "kept_counts")
    )
    if not found:
        return _empty()
    epoch = found[0][2]
    stamps = {path: version for path, version, *_rest in found}
    total = _empty()
    stale: list[str] = []
    for unit, version, _epoch, kept_version, kept_epoch, kept_counts in found:
        if kept_version == version and kept_epoch == epoch:
            _add(total, kept_counts)
        else:
            stale.append(unit)
    if not stale:
        return total
    prefixes = scan_prefixes(stale, len(found), root_path)
    counted = _scan(prefixes, as_of, by_unit=True)
    rows = []
    for unit in stale:
        m = counted.get(unit, _empty())
        _add(total, m)
        rows.append(
            MemberFigures(
                unit=unit,
                day=as_of,
                version=stamps.get(unit, 0),
                epoch=epoch,
                counts={dim: dict(c) for dim, c in m.items()},
                computed_at=timezone.now(),
            )
        )
    figures_store(MemberFigures, rows, ["unit", "day"])
    return total


def member_counts(scope: Scope, org: Organization | None, as_of: dt.date) -> MemberCounts:
    """Active members of org's subtree as it stood on as_of; org None is the whole tree
    (every province: the country), for an administrator or the command line.

    For a province or a unit (a commune, a bloc), the sum of the units' figures kept
    ahead of time (reports/figures.py: counted once per unit and day, counted again after
    any change); below, one scan of the period rows valid that day, grouped by every
    dimension at once."""
    if org is None:
        if not scope.is_admin:
            return MemberCounts(org=None, as_of=as_of)
        return _labelled(None, as_of, _kept_figures("", as_of))
    root_path = org_path_on(org, as_of)
    if root_path is None or not scope.can_read(org):
        return MemberCounts(org=org.code, as_of=as_of)
    # The subtree as it stood on as_of, cells that have left it since included: counts of
    # a unit the user may read, whichever way they are made.
    if len(root_path) <= UNIT_LEN:
        marginals = _kept_figures(root_path, as_of)
    else:
        marginals = _scan([root_path], as_of, by_unit=False).get("", _empty())
    return _labelled(org.code, as_of, marginals)


def _labelled(code: str | None, as_of: dt.date, m: Marginals) -> MemberCounts:
    result = MemberCounts(org=code, as_of=as_of)
    # Labels translated once per report, not once per row.
    status_of = {v: str(label) for v, label in Status.choices}
    sex_of = {v: str(label) for v, label in Sex.choices}
    kind_of = {v: str(label) for v, label in OrgKind.choices}
    sector_of = {v: str(label) for v, label in Sector.choices} | {"": "Chưa phân loại"}
    band_of = [label for label, _low, _high in AGE_BANDS]

    def relabel(counter: Counter[str], labels: dict[str, str]) -> Counter[str]:
        out: Counter[str] = Counter()
        for value, n in counter.items():
            if n:
                out[labels.get(value, value)] += n
        return out

    status = relabel(m["status"], status_of)
    sex = relabel(m["sex"], sex_of)
    band = relabel(m["band"], {str(i): label for i, label in enumerate(band_of)})
    kind = relabel(m["kind"], kind_of)
    sector = relabel(m["sector"], sector_of)
    ethnicity = +m["ethnicity"]
    education = +m["education"]
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


def kept_figures_differences() -> list[tuple[str, dt.date]]:
    """The stored member figures still taken as valid that a fresh count of the rows
    contradicts (empty when every write path stamps what it changes). The test suite
    checks it after every test, as it checks the per-cell tallies."""
    stamps = dict(FigureStamp.objects.values_list("unit", "version"))
    epoch = stamps.get(EVERYTHING, 0)
    wrong = []
    for f in MemberFigures.objects.order_by("unit", "day"):
        if f.version != stamps.get(f.unit, 0) or f.epoch != epoch:
            continue  # stale: it would be counted again, never used
        fresh = _scan([f.unit], f.day, by_unit=False).get("", _empty())
        if any(+fresh[d] != +Counter(f.counts.get(d, {})) for d in DIMENSIONS):
            wrong.append((f.unit, f.day))
    return wrong
