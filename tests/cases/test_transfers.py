"""Transfers between cells and committees, outside the system, temporary ones; and the
exemptions and departures with the sequences the registry refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.cases.models import Transfer, TransferKind, TransferState
from dangvien.cases.transfer.selectors import (
    on_time,
    temporary_members_here,
    transfer_get,
    transfers_in,
    transfers_out,
    transfers_overdue,
)
from dangvien.cases.transfer.services import (
    find_destination,
    transfer_cancel,
    transfer_create,
    transfer_issue_letter,
    transfer_receive,
    transfer_return,
)
from dangvien.core.errors import NotFound, StaleError
from dangvien.members.exemptions import (
    exemption_decide,
    exemption_end,
    exemption_report,
    exemption_request,
    residence_register,
)
from dangvien.members.models import EventKind, Exemption, Membership, Status
from dangvien.members.selectors import member_get
from dangvien.members.services import member_record_event, membership_replay
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.reports.selectors import member_counts
from dangvien.rules.calendar import DEFAULT as cal
from tests.conftest import register

from ..conftest import refused

D = dt.date
pytestmark = pytest.mark.django_db
MOVED, LETTER = D(2026, 3, 2), D(2026, 3, 5)


def fresh(t: Transfer) -> Transfer:
    return Transfer.objects.select_related("membership", "from_cell", "to_cell").get(pk=t.pk)


def in_transit(actor, m, to_cell, *, moved=MOVED, letter=LETTER, kind=TransferKind.PERMANENT, until=None):  # type: ignore[no-untyped-def]
    t = transfer_create(
        actor=actor,
        membership=m,
        kind=kind,
        moved_on=moved,
        reason="Chuyển công tác",
        to_cell=to_cell,
        until=until,
    )
    return transfer_issue_letter(
        actor=actor,
        transfer=t,
        expected_version=t.version,
        letter_ref="GGT 45",
        letter_on=letter,
        issued_by="Đảng ủy xã An Phú",
    )


@pytest.mark.parametrize(("day", "late"), [(30, False), (31, True)])
def test_a_transfer_received_on_day_30_is_on_time_and_on_day_31_late(tree, users, day, late):
    m = register(tree.xa_c1, card="1")
    t = in_transit(users.an, m, tree.xb_c1, letter=D(2026, 3, 5))
    assert t.present_by == cal.add_working_days(D(2026, 3, 5), 30)
    received = cal.add_working_days(D(2026, 3, 5), day)
    t = transfer_receive(actor=users.binh, transfer=t, expected_version=t.version, received_on=received)
    assert t.state == TransferState.RECEIVED and on_time(t) is (not late)
    m.refresh_from_db()
    assert m.cell_id == tree.xb_c1.pk and m.status == Status.OFFICIAL and membership_replay(m) == []
    assert m.events.last().kind == EventKind.CELL_CHANGED and m.events.last().on == received


def test_a_transfer_between_two_committees_each_side_sees_its_own(tree, users):
    m = register(tree.xa_c1, card="1")
    # The receiving side's code is all the sender needs; the sender cannot browse XB.
    assert find_destination("XB-C1") == tree.xb_c1
    with refused("cases.no_such_destination"):
        find_destination("XB-C9")
    t = in_transit(users.an, m, tree.xb_c1)
    an, binh = scope_for(users.an), scope_for(users.binh)
    assert list(transfers_out(an, org=tree.xa)) == [t] and list(transfers_in(an, org=tree.xa)) == []
    assert list(transfers_in(binh, org=tree.xb)) == [t] and list(transfers_out(binh, org=tree.xb)) == []
    assert transfer_get(binh, t.pk) == t
    with pytest.raises(NotFound):  # the receiving side sees the transfer, not yet the member's file
        member_get(binh, m.pk)
    # Only the receiving side receives; only the sending side cancels.
    with pytest.raises(ScopeDenied):
        transfer_receive(actor=users.an, transfer=t, expected_version=t.version, received_on=D(2026, 3, 10))
    with pytest.raises(ScopeDenied):
        transfer_cancel(
            actor=users.binh, transfer=t, expected_version=t.version, on=D(2026, 3, 10), reason="x"
        )
    with pytest.raises(Transfer.DoesNotExist):
        transfer_get(
            scope_for(users.bithu1),
            Transfer.objects.create(
                membership=register(tree.xa_c2, "Ba", card="2"),
                kind="permanent",
                from_cell=tree.xa_c2,
                to_cell=tree.xb_c1,
                reason="x",
                moved_on=D(2026, 1, 1),
                complete_by=D(2026, 3, 1),
            ).pk,
        )  # a secretary sees only her own cell's transfers
    transfer_receive(actor=users.binh, transfer=t, expected_version=t.version, received_on=D(2026, 3, 10))
    assert member_get(binh, m.pk) == m
    with pytest.raises(NotFound):
        member_get(an, m.pk)
    with pytest.raises(StaleError):  # a double click on "receive"
        transfer_receive(actor=users.binh, transfer=t, expected_version=t.version, received_on=D(2026, 3, 10))


def test_a_transfer_neither_received_nor_cancelled_is_overdue_on_both_sides(tree, users):
    m = register(tree.xa_c1, card="1")
    t = in_transit(users.an, m, tree.xb_c1, moved=D(2026, 3, 2), letter=D(2026, 3, 5))
    due = fresh(t).due_on
    assert due == min(cal.add_working_days(D(2026, 3, 5), 30), cal.add_working_days(D(2026, 3, 2), 60))
    for user, org in ((users.an, tree.xa), (users.binh, tree.xb)):
        assert list(transfers_overdue(scope_for(user), org=org, as_of=due)) == []
        assert list(transfers_overdue(scope_for(user), org=org, as_of=due + dt.timedelta(days=1))) == [t]
    # Until received, the member is counted where they were: never on no list.
    assert member_counts(scope_for(None), tree.xa, D(2026, 11, 1)).total == 1
    assert member_counts(scope_for(None), tree.xb, D(2026, 11, 1)).total == 0


def test_a_temporary_member_is_shown_but_not_counted_where_received(tree, users):
    m = register(tree.xa_c1, card="1")
    t = in_transit(users.an, m, tree.xb_c1, kind=TransferKind.TEMPORARY, until=D(2026, 12, 31))
    transfer_receive(actor=users.binh, transfer=t, expected_version=t.version, received_on=D(2026, 3, 9))
    m.refresh_from_db()
    assert m.cell_id == tree.xa_c1.pk  # the membership stays where it is
    assert [x.membership_id for x in temporary_members_here(scope_for(users.binh), org=tree.xb)] == [m.pk]
    assert member_counts(scope_for(None), tree.xb_c1, D(2026, 4, 1)).total == 0
    assert member_counts(scope_for(None), tree.xa_c1, D(2026, 4, 1)).total == 1
    t = transfer_return(
        actor=users.binh, transfer=fresh(t), expected_version=fresh(t).version, on=D(2026, 6, 1)
    )
    assert t.state == TransferState.RETURNED
    assert list(temporary_members_here(scope_for(users.binh), org=tree.xb)) == []


def test_a_temporary_transfer_needs_its_end_within_two_years(tree, users):
    m = register(tree.xa_c1, card="1")
    for until, code in ((None, "cases.temporary_end_missing"), (D(2028, 3, 3), "cases.temporary_too_long")):
        with refused(code):
            transfer_create(
                actor=users.an,
                membership=m,
                kind="temporary",
                moved_on=D(2026, 3, 2),
                reason="Học",
                to_cell=tree.xb_c1,
                until=until,
            )
    assert Transfer.objects.count() == 0


def test_a_transfer_outside_the_system_ends_the_membership_here(tree, users):
    m = register(tree.xa_c1, card="1")
    t = transfer_create(
        actor=users.an,
        membership=m,
        kind="permanent",
        moved_on=D(2026, 3, 2),
        reason="Chuyển công tác",
        outside_name="Đảng bộ tỉnh Cà Mau",
    )
    t = transfer_issue_letter(
        actor=users.an, transfer=t, expected_version=t.version, letter_ref="GGT 9", letter_on=D(2026, 3, 6)
    )
    assert t.state == TransferState.SENT_OUTSIDE and t.due_on is None
    m.refresh_from_db()
    assert m.status == Status.TRANSFERRED_OUT and m.status_since == D(2026, 3, 6) and not m.is_active


def test_the_generic_form_cannot_move_a_member_in_transit(tree, users):
    m = register(tree.xa_c1, card="1")
    in_transit(users.an, m, tree.xa_c2)
    with refused("cases.open_transfer"):
        member_record_event(
            actor=users.an, membership=m, kind=EventKind.CELL_CHANGED, on=D(2026, 3, 9), to_cell=tree.xa_c2
        )
    with refused("cases.transfer_already_open"):
        transfer_create(
            actor=users.an,
            membership=m,
            kind="permanent",
            moved_on=D(2026, 3, 9),
            reason="x",
            to_cell=tree.xa_c2,
        )


def test_death_in_transit_closes_the_transfer_and_a_death_before_a_transfer_is_refused(tree, users):
    m = register(tree.xa_c1, card="1")
    t = in_transit(users.an, m, tree.xb_c1, letter=D(2026, 3, 5))
    member_record_event(actor=users.an, membership=m, kind=EventKind.DIED, on=D(2026, 3, 20))
    t = fresh(t)
    assert t.state == TransferState.CANCELLED and t.due_on is None and "Từ trần" in t.cancel_reason
    with refused("cases.transfer_member_gone"):
        transfer_create(
            actor=users.an,
            membership=m,
            kind="permanent",
            moved_on=D(2026, 3, 25),
            reason="x",
            to_cell=tree.xb_c1,
        )
    # A transfer received on 10/03, then a death recorded as of 05/03: out of order.
    other = register(tree.xa_c1, "Trần Văn Hai", card="2")
    t2 = in_transit(users.an, other, tree.xb_c1, letter=D(2026, 3, 5))
    transfer_receive(actor=users.binh, transfer=t2, expected_version=t2.version, received_on=D(2026, 3, 10))
    with refused("members.event_out_of_order"):
        member_record_event(actor=users.binh, membership=other, kind=EventKind.DIED, on=D(2026, 3, 5))


# --- Exemptions -------------------------------------------------------------------------


def test_an_exemption_from_request_to_end(tree, users):
    m = register(tree.xa_c1, card="1", birth=D(1950, 1, 1))
    e = exemption_request(
        actor=users.bithu1,
        membership=m,
        kind="exempt",
        requested_on=D(2026, 2, 2),
        reason="Tuổi cao, sức khỏe yếu",
    )
    with refused("members.report_before_decision"):
        exemption_report(
            actor=users.bithu1, exemption=e, expected_version=e.version, reported_on=D(2026, 2, 3)
        )
    with refused("members.decided_before_request"):
        exemption_decide(
            actor=users.bithu1,
            exemption=e,
            expected_version=e.version,
            decided_on=D(2026, 2, 1),
            decision_ref="NQ 3",
        )
    e = exemption_decide(
        actor=users.bithu1,
        exemption=e,
        expected_version=e.version,
        decided_on=D(2026, 2, 10),
        decision_ref="NQ 3",
    )
    m.refresh_from_db()
    assert m.status == Status.EXEMPT and m.events.last().decision_ref == "NQ 3"
    e = exemption_report(
        actor=users.bithu1, exemption=e, expected_version=e.version, reported_on=D(2026, 2, 12)
    )
    e = exemption_end(actor=users.bithu1, exemption=e, expected_version=e.version, on=D(2026, 9, 1))
    m.refresh_from_db()
    assert m.status == Status.OFFICIAL and membership_replay(m) == []
    assert (e.decided_on, e.reported_on, e.ended_on) == (D(2026, 2, 10), D(2026, 2, 12), D(2026, 9, 1))


def test_a_probationary_member_may_be_temporarily_exempted_but_not_exempted(tree, users):
    m = register(tree.xa_c1, card="1", admitted=D(2026, 1, 5), official=None)
    with refused("members.exemption_not_allowed"):
        exemption_request(
            actor=users.an, membership=m, kind="exempt", requested_on=D(2026, 2, 2), reason="Ốm"
        )
    e = exemption_request(
        actor=users.an,
        membership=m,
        kind="temp_exempt",
        requested_on=D(2026, 2, 2),
        reason="Đi biển dài ngày",
    )
    exemption_decide(
        actor=users.an, exemption=e, expected_version=e.version, decided_on=D(2026, 2, 5), decision_ref="NQ 4"
    )
    m.refresh_from_db()
    assert m.status == Status.TEMP_EXEMPT


@pytest.mark.parametrize("ending", [EventKind.EXPELLED, EventKind.REMOVED, EventKind.LEFT, EventKind.DIED])
def test_a_member_who_left_cannot_be_exempted_nor_transferred(tree, users, ending):
    m = register(tree.xa_c1, card="1")
    member_record_event(actor=users.an, membership=m, kind=ending, on=D(2026, 1, 5), decision_ref="QĐ 1")
    with refused("members.exemption_not_allowed"):
        exemption_request(
            actor=users.an, membership=m, kind="exempt", requested_on=D(2026, 2, 2), reason="Ốm"
        )
    with refused("cases.transfer_member_gone"):
        transfer_create(
            actor=users.an,
            membership=m,
            kind="permanent",
            moved_on=D(2026, 2, 2),
            reason="x",
            to_cell=tree.xa_c2,
        )
    with refused("core.reason"):
        member_record_event(actor=users.an, membership=m, kind=EventKind.EXEMPTED, on=D(2026, 2, 2))
    assert Exemption.objects.count() == 0 and Transfer.objects.count() == 0


def test_a_residence_registration_lets_the_residence_cell_see_the_member_read_only(tree, users):
    from dangvien.cases.recognition.selectors import living_here

    m = register(tree.xa_c1, card="1")
    residence_register(actor=users.an, membership=m, cell=tree.xb_c1, registered_on=D(2026, 4, 1))
    assert list(living_here(scope_for(users.binh), org=tree.xb)) == [m]
    assert list(living_here(scope_for(users.an), org=tree.xa)) == []
    with pytest.raises(NotFound):  # the list, not the file
        member_get(scope_for(users.binh), m.pk)
    assert Membership.objects.get(pk=m.pk).cell_id == tree.xa_c1.pk


def test_report_overdue_lists_late_recognitions_and_transfers_too(tree, users, capsys):
    import json

    from django.core.management import call_command

    from dangvien.cases.recognition.services import recognition_open
    from dangvien.members.services import member_register
    from tests.conftest import person

    t = in_transit(users.an, register(tree.xa_c1, "Chuyển Chậm", card="1"), tree.xb_c1)  # due 16/04/2026
    m = member_register(
        actor=None,
        person=person("Dự Bị Chậm", D(1996, 1, 1)),
        cell=tree.xa_c1,
        admission_date=D(2025, 3, 7),
        ceremony_date=D(2025, 3, 14),
    )
    r = recognition_open(actor=None, membership=m)  # the cell's review due 24/04/2026
    call_command("report", "overdue", "--org", "XB", "--as-of", "2026-04-28", "--format", "json")
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["kind"], i["case"]) for i in items] == [("transfer", t.pk)]  # the receiving side's list too
    call_command("report", "overdue", "--org", "XA", "--as-of", "2026-04-28", "--format", "json")
    items = json.loads(capsys.readouterr().out)["items"]
    # 27/04/2026 is the day off for the Hùng Kings (their day fell on a Sunday).
    assert [(i["kind"], i["case"], i["due_on"], i["working_days_late"]) for i in items] == [
        ("transfer", t.pk, "2026-04-16", 7),
        ("recognition", r.pk, "2026-04-24", 1),
    ]
    assert items[0]["rule"] == "deadline.transfer_present_working_days"
    assert items[1]["rule"] == "deadline.recognition_cell_working_days"
