"""Synthetic follow-up for one commune, written in bulk: every probationary member's
probation at its stage (mentor, end papers, the cell's vote), the recognitions of the
last eighteen months with their history (a few late), exemptions with their requests
and reports, transfers in transit (some overdue), received, temporary and outside.

Deadlines come from the same functions the services use (cases/recognition/rules.py, the
working-day calendar), so the demo's overdue lists and timeliness report are the
ones the services would produce for the same story."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from dangvien.candidates.models import Certificate, ClassKind
from dangvien.cases.models import (
    Body,
    Outcome,
    ProbationMentor,
    Recognition,
    RecognitionState,
    RecognitionStep,
    RecognitionVote,
    Transfer,
    TransferKind,
    TransferState,
)
from dangvien.cases.recognition import rules as R
from dangvien.cases.transfer.services import transfer_create, transfer_issue_letter, transfer_receive
from dangvien.core.dates import add_months
from dangvien.members.models import Exemption, ExemptionKind, Membership, OfficeHolder, Status
from dangvien.orgs.models import Organization, OrgKind
from dangvien.rules.calendar import Calendar
from dangvien.rules.selectors import RuleBook

RECENT_DAYS = 540  # recognitions decided in the last 18 months get their history
LATE_SHARE = 0.08  # a few recognitions late, as in life
TRANSFER_SHARE = 0.006  # members with a transfer under way
OUTSIDE = ["Đảng bộ tỉnh Cà Mau", "Đảng bộ thành phố Hà Nội", "Đảng bộ tỉnh Lâm Đồng", "Đảng bộ Quân đội"]


@dataclass
class FollowupStats:
    probations: int = 0
    recognitions: int = 0
    late_recognitions: int = 0
    transfers: int = 0
    exemptions: int = 0


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    days = max(0, (end - start).days)
    return start + dt.timedelta(days=rng.randint(0, days))


def fill_followup(
    rng: random.Random,
    *,
    cells: Sequence[Organization],
    parent_kind: str,
    today: dt.date,
    book: RuleBook,
    cal: Calendar,
    stats: FollowupStats,
) -> None:
    by_id = {c.pk: c for c in cells}
    steps_of = {c.pk: R.steps_for(c, parent_kind) for c in cells}
    members = list(
        Membership.objects.filter(cell_id__in=by_id).values_list(
            "pk",
            "cell_id",
            "status",
            "status_since",
            "admission_date",
            "ceremony_date",
            "official_date",
            "person_id",
        )
    )
    officials: dict[int, list[int]] = {pk: [] for pk in by_id}
    for pk, cell_id, status, *_ in members:
        if status == Status.OFFICIAL:
            officials[cell_id].append(pk)
    # The committee above each cell, counted from its office holders (the demo records them
    # first): the committee votes' "total members" agree with 8-KNĐ / 15-KNĐ.
    parent_ids = {c.parent_id for c in cells if c.parent_id}
    committee_of: dict[int, int] = {}
    for org_id, n in (
        OfficeHolder.objects.filter(organization_id__in=parent_ids, valid_to__isnull=True)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
    ):
        committee_of[org_id] = n
    months = int(book.value("probation.months", on=today))
    cell_days = int(book.value("deadline.recognition_cell_working_days", on=today))
    decision_days = int(book.value("deadline.recognition_decision_working_days", on=today))

    recs: list[Recognition] = []
    later: list[
        tuple[Recognition, list[tuple[str, dt.date, dt.date]], list[RecognitionVote], int | None]
    ] = []
    certificates = []
    for pk, cell_id, status, since, admitted, ceremony, official, person_id in members:
        steps = steps_of[cell_id]
        mentor = rng.choice(officials[cell_id]) if officials[cell_id] else None
        if status == Status.PROBATIONARY:
            start = ceremony or admitted
            ends = add_months(start, months)
            r = Recognition(
                membership_id=pk,
                steps=steps,
                step=R.CELL_VOTE,
                step_since=start,
                ceremony_on=start,
                ends_on=ends,
                due_on=cal.add_working_days(ends, cell_days),
                due_rule="deadline.recognition_cell_working_days",
            )
            if (ends - today).days <= 45:  # the end papers come in as the end approaches
                for name, _ in R.END_PAPERS:
                    if rng.random() < 0.85:
                        setattr(r, name, min(today, ends - dt.timedelta(days=rng.randint(3, 40))))
            done: list[tuple[str, dt.date, dt.date]] = []
            votes: list[RecognitionVote] = []
            complete = all(getattr(r, name) for name, _ in R.END_PAPERS)
            if complete and ends < today - dt.timedelta(days=8) and rng.random() < 0.6:
                held = _between(rng, ends + dt.timedelta(days=3), min(today, ends + dt.timedelta(days=40)))
                assert r.due_on is not None
                done.append((R.CELL_VOTE, held, r.due_on))
                n = max(3, len(officials[cell_id]))
                votes.append(
                    RecognitionVote(
                        body=Body.CELL, held_on=held, denominator=n, yes=n, no=0, outcome=Outcome.OFFICIAL
                    )
                )
                r.cell_resolution_on, r.proposal = held, Outcome.OFFICIAL
                r.step, r.step_since = steps[1], held
                r.due_on = cal.add_working_days(held, decision_days)
                r.due_rule = "deadline.recognition_decision_working_days"
            recs.append(r)
            later.append((r, done, votes, mentor))
            stats.probations += 1
            issued = start + dt.timedelta(days=rng.randint(45, 150))  # the new-member class
            if issued <= today and rng.random() < 0.9:
                certificates.append(
                    Certificate(
                        person_id=person_id, kind=ClassKind.NEW_MEMBER, number=f"ĐVM-{pk}", issued_on=issued
                    )
                )
        elif (
            official is not None
            and official >= today - dt.timedelta(days=RECENT_DAYS)
            and official > admitted
        ):
            # Recognized from paper: the dossier's history, decided after the end, a few late.
            ends = official
            start = add_months(ends, -months)
            if start < admitted:
                continue
            late = rng.random() < LATE_SHARE
            cell_due = cal.add_working_days(ends, cell_days)
            held = ends + dt.timedelta(
                days=rng.randint(55, 80) if late and rng.random() < 0.5 else rng.randint(5, 25)
            )
            phase_due = cal.add_working_days(held, decision_days)
            base = held + dt.timedelta(days=rng.randint(3, 10))
            decided = held + dt.timedelta(days=rng.randint(50, 75) if late else rng.randint(12, 30))
            if decided > today or (since and status != Status.OFFICIAL and since < decided):
                continue
            done = [(R.CELL_VOTE, held, cell_due)]
            if R.BASE_RESOLUTION in steps:
                done.append((R.BASE_RESOLUTION, base, phase_due))
            done.append((R.DECISION, decided, phase_due))
            n = max(3, len(officials[cell_id]))
            votes = [
                RecognitionVote(
                    body=Body.CELL,
                    held_on=held,
                    denominator=n,
                    yes=n - 1,
                    no=0,
                    outcome=Outcome.OFFICIAL,
                    doc_ref=f"NQ {len(recs) % 30 + 1}-NQ/CB",
                )
            ]
            if R.BASE_RESOLUTION in steps:
                size = committee_of.get(by_id[cell_id].parent_id or 0, 9)
                votes.append(
                    RecognitionVote(
                        body=Body.BASE_COMMITTEE,
                        held_on=base,
                        denominator=size,
                        yes=size,
                        no=0,
                        outcome=Outcome.OFFICIAL,
                        doc_ref=f"NQ {len(recs) % 90 + 1}-NQ/ĐU",
                    )
                )
            r = Recognition(
                membership_id=pk,
                state=RecognitionState.OFFICIAL,
                steps=steps,
                step=R.DECISION,
                step_since=held,
                ceremony_on=start,
                ends_on=ends,
                cell_resolution_on=held,
                proposal=Outcome.OFFICIAL,
                decision_on=decided,
                decision_ref=f"{rng.randint(100, 999)}-QĐ/ĐU",
                decided_by="Ban Thường vụ Đảng ủy",
                closed_on=decided,
                **{name: ends - dt.timedelta(days=rng.randint(3, 30)) for name, _ in R.END_PAPERS},
            )
            recs.append(r)
            later.append((r, done, votes, mentor))
            stats.recognitions += 1
            stats.late_recognitions += any(on > due for _, on, due in done)
    Recognition.objects.bulk_create(recs, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    step_rows, vote_rows, mentor_rows = [], [], []
    for r, done, votes, mentor in later:
        step_rows += [RecognitionStep(recognition=r, step=s, done_on=on, due_on=due) for s, on, due in done]
        for v in votes:
            v.recognition = r
        vote_rows += votes
        if mentor is not None and rng.random() < 0.9:
            mentor_rows.append(
                ProbationMentor(
                    recognition=r,
                    mentor_id=mentor,
                    valid_from=r.ceremony_on + dt.timedelta(days=rng.randint(3, 30)),
                )
            )
    RecognitionStep.objects.bulk_create(step_rows, batch_size=2000)
    RecognitionVote.objects.bulk_create(vote_rows, batch_size=2000)
    ProbationMentor.objects.bulk_create(mentor_rows, batch_size=2000)

    # Exemptions: the request before the cell's decision, the report upward after it.
    exemptions = []
    for pk, _cell_id, status, since, *_ in members:
        if status in (Status.EXEMPT, Status.TEMP_EXEMPT):
            reported = since + dt.timedelta(days=rng.randint(2, 15))
            exemptions.append(
                Exemption(
                    membership_id=pk,
                    kind=ExemptionKind.EXEMPT if status == Status.EXEMPT else ExemptionKind.TEMP_EXEMPT,
                    requested_on=since - dt.timedelta(days=rng.randint(5, 30)),
                    reason="Tuổi cao, sức khỏe yếu"
                    if status == Status.EXEMPT
                    else "Làm việc lưu động, đi biển dài ngày",
                    decided_on=since,
                    decision_ref=f"{rng.randint(1, 99)}-NQ/CB",
                    reported_on=reported if reported <= today and rng.random() < 0.9 else None,
                )
            )
    Exemption.objects.bulk_create(exemptions, batch_size=2000)
    stats.exemptions += len(exemptions)

    # Transfers: those who left the system on paper, and moves under way between cells.
    transfers = []
    for pk, cell_id, status, since, *_ in members:
        if status == Status.TRANSFERRED_OUT:
            moved = since - dt.timedelta(days=rng.randint(3, 20))
            transfers.append(
                Transfer(
                    membership_id=pk,
                    kind=TransferKind.PERMANENT,
                    state=TransferState.SENT_OUTSIDE,
                    from_cell_id=cell_id,
                    outside_name=rng.choice(OUTSIDE),
                    reason="Chuyển công tác",
                    moved_on=moved,
                    complete_by=cal.add_working_days(moved, 60),
                    letter_ref=f"{rng.randint(10, 999)}-GGT/ĐU",
                    letter_on=since,
                    issued_by="Ban Thường vụ Đảng ủy",
                )
            )
    movers = [
        m for m in members if m[2] == Status.OFFICIAL and len(by_id) > 1 and rng.random() < TRANSFER_SHARE
    ]
    for pk, cell_id, *_ in movers:
        to = rng.choice([c for c in by_id if c != cell_id])
        moved = today - dt.timedelta(days=rng.randint(3, 130))
        complete_by = cal.add_working_days(moved, 60)
        t = Transfer(
            membership_id=pk,
            from_cell_id=cell_id,
            to_cell_id=to,
            moved_on=moved,
            complete_by=complete_by,
            due_on=complete_by,
            reason=rng.choice(["Chuyển nơi cư trú", "Chuyển công tác", "Đi học tập trung"]),
        )
        if rng.random() < 0.25:
            t.kind, t.until = TransferKind.TEMPORARY, add_months(moved, rng.choice([6, 9, 11]))
        else:
            t.kind = TransferKind.PERMANENT
        if rng.random() < 0.85:
            t.letter_on = min(today, moved + dt.timedelta(days=rng.randint(1, 10)))
            t.letter_ref, t.issued_by = f"{rng.randint(10, 999)}-GGT/ĐU", "Ban Thường vụ Đảng ủy"
            t.present_by = cal.add_working_days(t.letter_on, 30)
            t.state, t.due_on = TransferState.IN_TRANSIT, min(t.present_by, complete_by)
            if t.kind == TransferKind.TEMPORARY and t.letter_on + dt.timedelta(days=3) <= today:
                t.state, t.due_on = TransferState.RECEIVED, None
                t.received_on = _between(
                    rng, t.letter_on + dt.timedelta(days=1), min(today, t.letter_on + dt.timedelta(days=25))
                )
        transfers.append(t)
    Transfer.objects.bulk_create(transfers, batch_size=2000)
    stats.transfers += len(transfers)


def transfers_across(rng: random.Random, *, today: dt.date, limit: int = 40) -> int:
    """Transfers between two communes (two committees: each sees its own side), through
    the services, so the received ones move the member in the registry as in life. Run
    once the tree's paths are built; none when the demo has a single commune."""

    communes = list(Organization.objects.filter(kind=OrgKind.UPPER_BASE).values_list("pk", flat=True)[:200])
    if len(communes) < 2:
        return 0
    cells = {
        c: list(Organization.objects.filter(parent_id=c, kind=OrgKind.CELL).values_list("pk", flat=True)[:20])
        for c in communes
    }
    made = 0
    for _ in range(limit):
        a, b = rng.sample(communes, 2)
        m = (
            Membership.objects.filter(cell_id__in=cells[a], status=Status.OFFICIAL)
            .exclude(transfers__state__in=["preparing", "in_transit"])
            .select_related("cell", "person")
            .order_by("pk")[rng.randint(0, 50) :]
            .first()
        )
        if m is None or not cells[b]:
            continue
        to = Organization.objects.get(pk=rng.choice(cells[b]))
        moved = today - dt.timedelta(days=rng.randint(10, 120))
        if m.status_since > moved:
            continue
        t = transfer_create(
            actor=None,
            membership=m,
            kind=TransferKind.PERMANENT,
            moved_on=moved,
            reason="Chuyển công tác",
            to_cell=to,
        )
        letter = min(today, moved + dt.timedelta(days=rng.randint(1, 8)))
        t = transfer_issue_letter(
            actor=None,
            transfer=t,
            expected_version=t.version,
            letter_ref=f"{rng.randint(10, 999)}-GGT/HU",
            letter_on=letter,
            issued_by="Ban Tổ chức Đảng ủy",
        )
        if rng.random() < 0.5 and letter + dt.timedelta(days=2) <= today:
            received = _between(
                rng, letter + dt.timedelta(days=2), min(today, letter + dt.timedelta(days=50))
            )
            transfer_receive(actor=None, transfer=t, expected_version=t.version, received_on=received)
        made += 1
    return made
