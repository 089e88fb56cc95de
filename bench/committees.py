"""Issue 21's benchmarks, on a fresh database (DANGVIEN_DATABASE_URL), run by bench/run.py
in its own process. Prints one JSON object.

The province demo (3,000 cells, ~187,000 members, with its committees at work: a year of
monthly meetings with every member's attendance, a headcount per cell, agencies with no
source), then three more members of each cell on their commune's committee answering for
it (about 12,000 committee members), half of them with an introduction this year.

Measured: `report duties` and `report sourcing` of the province (the selector, then the
same SQL replayed on the cursor: what Django adds), and recording one meeting's attendance
for a 60-member cell through the service (audited)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from measure import replay, timed  # noqa: E402

from dangvien.candidates.models import Candidate  # noqa: E402
from dangvien.committees.duties import duties_report  # noqa: E402
from dangvien.committees.meetings import meeting_record, roll_on  # noqa: E402
from dangvien.committees.models import (  # noqa: E402
    Assignment,
    Attendance,
    Headcount,
    Meeting,
    NoSource,
    Presence,
)
from dangvien.committees.sourcing import sourcing_report  # noqa: E402
from dangvien.demo.generate import generate  # noqa: E402
from dangvien.members.models import MembershipPeriod, Office, OfficeHolder, Status  # noqa: E402
from dangvien.members.services import NewMember, members_bulk_register  # noqa: E402
from dangvien.orgs.models import CELL_KINDS, Organization  # noqa: E402
from dangvien.orgs.scope import scope_for  # noqa: E402
from dangvien.people.services import PersonData  # noqa: E402

YEAR = 2026
AS_OF = dt.date(YEAR, 11, 30)
SEATED = dt.date(2025, 10, 1)


def build() -> dict[str, int]:
    """The demo made one assignment per cell, a year of meetings with attendance, the survey;
    three more members of each cell join their commune's committee and answer for it (about
    12,000 committee members), and half of those introduce someone this year."""
    cells = list(Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True))
    officials: dict[int, list[int]] = {}
    for cell_id, mid in (
        MembershipPeriod.objects.filter(status=Status.OFFICIAL, valid_to__isnull=True, cell__in=cells)
        .order_by("cell_id", "membership_id")
        .values_list("cell_id", "membership_id")
    ):
        officials.setdefault(cell_id, []).append(mid)
    holders, assignments = [], []
    for cell in cells:
        for mid in officials.get(cell.pk, [])[:3]:
            holders.append(
                OfficeHolder(
                    organization_id=cell.parent_id, office=Office.COMMITTEE, membership_id=mid,
                    full_name="", valid_from=SEATED,
                )
            )  # fmt: skip
            assignments.append(
                Assignment(committee_id=cell.parent_id, membership_id=mid, cell=cell, valid_from=SEATED)
            )
    OfficeHolder.objects.bulk_create(holders, batch_size=5000)
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    by_cell: dict[int, list[int]] = {}
    for pk, cell_id in (
        Candidate.objects.filter(introducer__isnull=True).order_by("pk").values_list("pk", "cell_id")
    ):
        by_cell.setdefault(cell_id, []).append(pk)
    introduced = 0
    for a in assignments[::2]:
        pool = by_cell.get(a.cell_id) or []
        if pool:
            Candidate.objects.filter(pk=pool.pop()).update(
                introducer_id=a.membership_id, listed_on=dt.date(YEAR, 3, 1)
            )
            introduced += 1
    return {
        "cells": len(cells),
        "committee_members": Assignment.objects.values("membership_id").distinct().count(),
        "introduced": Candidate.objects.filter(introducer__isnull=False).count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "no_source": NoSource.objects.count(),
        "headcounts": Headcount.objects.count(),
    }


def sixty_member_cell() -> Organization:
    """A cell of its own with 60 members, for recording one meeting."""
    commune = Organization.objects.filter(kind="base").first() or Organization.objects.get(
        parent__isnull=True
    )
    from dangvien.orgs.services import org_create

    cell = org_create(
        actor=None,
        code="BENCH-60",
        name="Chi bộ 60",
        kind="cell",
        parent=commune,
        founded_on=dt.date(2000, 1, 1),
    )
    members_bulk_register(
        actor=None,
        note="",
        items=[
            NewMember(
                person=PersonData(
                    full_name=f"Đảng viên Sáu Mươi {i}", birth_date=dt.date(1970, 1, 1 + i % 28), sex="male"
                ),
                card_number=None,
                cell_id=cell.pk,
                admission_date=dt.date(2010, 3, 1),
                official_date=dt.date(2011, 3, 1),
                status=None,
                status_since=None,
            )
            for i in range(60)
        ],
    )
    return cell


def main() -> None:
    out: dict[str, object] = {"vendor": connection.vendor}
    call_command("migrate", verbosity=0)
    if Organization.objects.exists():  # measured again on the data of an earlier run
        out.update(
            cells=Organization.objects.filter(kind__in=CELL_KINDS).count(),
            committee_members=Assignment.objects.values("membership_id").distinct().count(),
            meetings=Meeting.objects.count(),
            attendance=Attendance.objects.count(),
        )
    else:
        start = time.perf_counter()
        generate("province", seed=1)
        out["demo_seconds"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        with transaction.atomic():
            out.update(build())
        out["build_seconds"] = round(time.perf_counter() - start, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    province = Organization.objects.get(parent__isnull=True)
    scope = scope_for(None)

    def duties() -> None:
        duties_report(scope, org=province, year=YEAR, as_of=AS_OF)

    def sourcing() -> None:
        sourcing_report(scope, org=province, as_of=AS_OF)

    report = duties_report(scope, org=province, year=YEAR, as_of=AS_OF)
    out["duties_rows"], out["duties_met"] = len(report.rows), report.met
    out["duties"] = timed(duties, 20)
    out["duties_raw"] = timed(replay(duties), 20)
    out["sourcing_rows"] = len(sourcing_report(scope, org=province, as_of=AS_OF).rows)
    out["sourcing"] = timed(sourcing, 20)
    out["sourcing_raw"] = timed(replay(sourcing), 20)
    cell = Organization.objects.filter(code="BENCH-60").first() or sixty_member_cell()
    taken = set(Meeting.objects.filter(cell=cell).values_list("held_on", flat=True))
    days = iter(d for i in range(2000) if (d := dt.date(2020, 1, 1) + dt.timedelta(days=i)) not in taken)
    presence = {r.membership_id: Presence.PRESENT for r in roll_on(cell, dt.date(2025, 1, 1))}
    out["meeting_members"] = len(presence)
    out["meeting_record"] = timed(
        lambda: meeting_record(actor=None, cell=cell, held_on=next(days), presence=presence), 20
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
