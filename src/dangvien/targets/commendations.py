"""Year-end commendations (issue 21): the units under a committee that reached their year
target (or, without one, their term's share), with no admission dossier late that year and
a good share of members rated "completed well" or better, are proposed; the committee's
staff confirm by recording the decision (number, date, level)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future, recorded_by
from dangvien.members.selectors import org_children
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, require_manage, scope_for
from dangvien.ratings.selectors import rating_summary
from dangvien.reports.timeliness import timeliness
from dangvien.targets.models import Commendation
from dangvien.targets.progress import progress_report

# "A good rating share": at least this share of a unit's rated members completed their
# tasks well or better. Our default; the committee decides, this only proposes.
GOOD_SHARE = Decimal("0.8")


@dataclass
class CommendationRow:
    org: Organization
    target: int | None
    admitted: int
    percent: Decimal | None
    late: int
    rated: int
    good_or_better: int
    decision: Commendation | None

    @property
    def good_share_met(self) -> bool:
        """No rating yet is no reason to withhold a proposal; a poor share is."""
        return self.rated == 0 or Decimal(self.good_or_better) >= GOOD_SHARE * self.rated

    @property
    def proposed(self) -> bool:
        return (
            self.target is not None
            and self.target > 0
            and self.admitted >= self.target
            and self.late == 0
            and self.good_share_met
        )

    def as_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "code": self.org.code,
            "name": self.org.name,
            "target": self.target,
            "admitted": self.admitted,
            "percent": float(self.percent) if self.percent is not None else None,
            "late": self.late,
            "proposed": self.proposed,
            "decision": {"ref": d.decision_ref, "on": d.decided_on.isoformat(), "level": d.level}
            if d
            else None,
        }


@dataclass
class Commendations:
    org: Organization
    year: int
    as_of: dt.date
    rows: list[CommendationRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            "org": self.org.code,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "rows": [r.as_dict() for r in self.rows],
        }


def commendation_rows(
    scope: Scope, *, org: Organization, year: int, as_of: dt.date | None = None
) -> Commendations:
    """One row per unit directly under `org`, as the year stood on `as_of` (Dec 31 by default)."""
    end = dt.date(year, 12, 31)
    as_of = min(as_of or end, end)
    start = dt.date(year, 1, 1)
    children = org_children(scope, org)
    progress = {
        r.org_id: r
        for r in progress_report(scope, org=org, period=str(year), as_of=as_of, max_depth=1).rows
        if r.depth == 1
    }
    on_time = timeliness(scope, org=org, start=start, end=as_of, today=as_of)
    late = {c.org.pk: sum(total - ok for ok, total in c.counts.values()) for c in on_time.children}
    ratings = {c.pk: shares for c, shares in rating_summary(scope, org, year, children).by_child}
    decided = {
        c.organization_id: c for c in Commendation.objects.filter(organization__in=children, year=year)
    }
    rows = []
    for child in children:
        p = progress.get(child.pk)
        shares = ratings.get(child.pk)
        rows.append(
            CommendationRow(
                org=child,
                target=p.target if p else None,
                admitted=p.admitted if p else 0,
                percent=p.percent if p else None,
                late=late.get(child.pk, 0),
                rated=shares.total if shares else 0,
                good_or_better=shares.good_or_better if shares else 0,
                decision=decided.get(child.pk),
            )
        )
    return Commendations(org, year, as_of, rows)


@transaction.atomic
def commendation_record(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    level: str,
    decision_ref: str,
    decided_on: dt.date,
) -> Commendation:
    """The committee above the unit records its decision (one per unit and year)."""
    parent = organization.parent
    if parent is None:
        raise ServiceError("targets.commendation_no_committee", field="organization")
    require_manage(scope_for(actor), parent)
    not_future(decided_on, "decided_on")
    level, decision_ref = " ".join(level.split())[:200], " ".join(decision_ref.split())[:100]
    if not level or not decision_ref:
        raise ServiceError("targets.commendation_incomplete", field="level" if not level else "decision_ref")
    if decided_on.year < year:
        raise ServiceError("targets.commendation_before_year_end", year=year, field="decided_on")
    try:
        with transaction.atomic():
            c = Commendation.objects.create(
                organization=organization,
                year=year,
                level=level,
                decision_ref=decision_ref,
                decided_on=decided_on,
                recorded_by=recorded_by(actor),
            )
    except IntegrityError:
        raise ServiceError("targets.commendation_exists", org=organization, year=year) from None
    audit_log(
        actor=actor,
        action="targets.commendation",
        obj=c,
        changes={"org": organization.code, "year": year, "ref": decision_ref, "on": decided_on},
    )
    return c
