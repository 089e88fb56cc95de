"""Issue 21, item 3: a cell's meetings, their attendance from the registry of the day,
assessments heard there and votes that take their counts from the attendance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from dangvien.candidates.models import Assessment
from dangvien.committees.meetings import meeting_assess, meeting_figures, meeting_record, roll_on
from dangvien.committees.models import Meeting, Presence
from dangvien.members.models import Membership
from dangvien.members.services import memberships_move_cell
from dangvien.orgs.scope import ScopeDenied
from dangvien.watch.services import _no_meeting

from ..cases_helpers import candidate, fresh, officials, open_case, prepare, vote
from ..conftest import refused

D = dt.date
DAY = D(2026, 2, 10)


@pytest.fixture
def cell(tree):
    officials(tree.xa_c1, 12)
    return tree.xa_c1


def _presence(cell, day, *, exempt_present=0, excused=0, absent=0):
    """Everyone present but the given numbers of absent officials; exempt come as asked."""
    roll = roll_on(cell, day)
    out: dict[int, str] = {}
    officials_ = [r for r in roll if r.status == "official"]
    for r in roll:
        out[r.membership_id] = Presence.ABSENT if r.exempt else Presence.PRESENT
    for r in [r for r in roll if r.exempt][:exempt_present]:
        out[r.membership_id] = Presence.PRESENT
    for r in officials_[:excused]:
        out[r.membership_id] = Presence.EXCUSED
    for r in officials_[excused : excused + absent]:
        out[r.membership_id] = Presence.ABSENT
    return out


def test_a_vote_at_a_meeting_with_two_exempt_present_and_three_absent(cell):
    case = prepare(open_case(candidate(cell)), introducers=officials(cell, 2, prefix="Người giới thiệu"))
    officials(cell, 3, prefix="Miễn sinh hoạt", status="exempt")
    # 15 official (12, the mentor, two introducers) and 3 exempt; two exempt came; of three
    # officials absent, one had the committee's leave (not counted) and two had none.
    m = meeting_record(
        actor=None,
        cell=cell,
        held_on=DAY,
        presence=_presence(cell, DAY, exempt_present=2, excused=1, absent=2),
    )
    f = meeting_figures(m)
    assert (f.official, f.exempt, f.summoned, f.present, f.exempt_present, f.excused_official, f.absent) == (
        15, 3, 15, 14, 2, 1, 3,
    )  # fmt: skip
    assert f.denominator == 16 and f.excluded == {"excused": 1}
    args = {"summoned": f.summoned, "present": f.present, "exempt_present": 2, "excluded": f.excluded}
    failed = vote(case, held_on=DAY, yes=10, denominator=16, meeting=m, **args)  # 10/16 < 2/3
    assert not failed.passed and failed.meeting == m and not failed.denominator_note
    other_day = Meeting.objects.create(cell=cell, held_on=D(2026, 2, 11))
    with refused("committees.meeting_other_cell"):  # a meeting of another day
        vote(case, held_on=DAY, yes=11, denominator=16, meeting=other_day, **args)
    passed = vote(case, held_on=DAY, yes=11, denominator=16, meeting=m, **args)  # 11/16 ≥ 2/3
    assert passed.passed and fresh(case).cell_resolution_on == DAY


def test_the_attendance_is_the_registry_of_the_meeting_day_before_a_transfer(cell, tree):
    leaving = officials(cell, 1, prefix="Chuyển đi")[0]
    memberships_move_cell(
        actor=None,
        memberships=Membership.objects.filter(pk=leaving.pk),
        to_cell=tree.xa_c2,
        on=D(2026, 3, 1),
        note="",
    )
    before = meeting_record(actor=None, cell=cell, held_on=D(2026, 2, 28), presence={})
    assert before.attendance.filter(membership=leaving).exists() and before.attendance.count() == 13
    after = meeting_record(actor=None, cell=cell, held_on=D(2026, 3, 1), presence={})
    assert not after.attendance.filter(membership=leaving).exists() and after.attendance.count() == 12
    # Left out means absent without leave; the figures never change afterwards.
    assert meeting_figures(before).present == 0 and meeting_figures(before).absent == 13
    arrived = meeting_record(
        actor=None, cell=tree.xa_c2, held_on=D(2026, 3, 1), presence={leaving.pk: "present"}
    )
    assert meeting_figures(arrived).present == 1


def test_a_meeting_is_refused_twice_for_strangers_and_outside_the_scope(cell, tree, users):
    stranger = officials(tree.xa_c2, 1, prefix="Người ngoài")[0]
    with refused("committees.not_in_cell_that_day"):
        meeting_record(actor=None, cell=cell, held_on=DAY, presence={stranger.pk: "present"})
    with refused("committees.presence_invalid"):
        first = roll_on(cell, DAY)[0].membership_id
        meeting_record(actor=None, cell=cell, held_on=DAY, presence={first: "asleep"})
    with refused("core.date_in_future"):
        meeting_record(actor=None, cell=cell, held_on=D(2099, 1, 1), presence={})
    meeting_record(actor=users.bithu1, cell=cell, held_on=DAY, presence={})  # the cell's secretary
    with refused("committees.meeting_exists"):  # a double click
        meeting_record(actor=users.bithu1, cell=cell, held_on=DAY, presence={})
    for user in (users.binh, users.xem1):
        with pytest.raises(ScopeDenied):
            meeting_record(actor=user, cell=cell, held_on=D(2026, 2, 12), presence={})
    with pytest.raises(ScopeDenied):  # a secretary records only their own cell
        meeting_record(actor=users.bithu1, cell=tree.xa_c2, held_on=DAY, presence={})
    assert Meeting.objects.count() == 1


def test_an_assessment_heard_at_a_meeting(cell, tree):
    cand = candidate(cell)
    m = meeting_record(actor=None, cell=cell, held_on=DAY, presence={})
    a = meeting_assess(
        actor=None, meeting=m, candidate=cand, strengths="Nhiệt tình", conclusion="Tiếp tục bồi dưỡng"
    )
    assert a.on == DAY and m.assessments.get().assessment == a
    other = candidate(tree.xa_c2, name="Lê Thị Hoa")
    with refused("committees.candidate_other_cell"):
        meeting_assess(actor=None, meeting=m, candidate=other, conclusion="x")
    assert Assessment.objects.count() == 1


def test_the_watch_names_a_cell_keeping_its_register_with_no_meeting_last_month(cell, tree):
    meeting_record(actor=None, cell=cell, held_on=D(2026, 9, 15), presence={})
    assert [i.key for i in _no_meeting(D(2026, 10, 31))] == []  # September had one
    items = list(_no_meeting(D(2026, 11, 1)))  # October had none
    assert [i.key for i in items] == [f"no_meeting:{cell.pk}:2026-10"] and items[
        0
    ].url == "/to-chuc/XA-C1/sinh-hoat/"
    meeting_record(actor=None, cell=cell, held_on=D(2026, 10, 31), presence={})  # the last day counts
    assert list(_no_meeting(D(2026, 11, 1))) == []
    # XA-C2 never recorded a meeting here: its register is on paper, no reminder.
    assert all(str(tree.xa_c2.pk) not in i.key for i in _no_meeting(D(2026, 12, 1)))


def test_a_secretary_records_a_meeting_on_the_page_and_starts_a_vote_from_it(cell, users, login):
    case = prepare(open_case(candidate(cell)), introducers=officials(cell, 2, prefix="Người giới thiệu"))
    c = login(users.bithu1)
    page = c.get(reverse("web:meeting_new", args=["XA-C1"]) + "?ngay=10/02/2026").content.decode()
    assert 'id="roll"' in page and page.count('<select name="p') == 15
    roll = roll_on(cell, DAY)
    data = {"held_on": "10/02/2026", "kind": "regular", "guests": "", "items": "Xét kết nạp"}
    data |= {f"p{r.membership_id}": "present" for r in roll}
    data[f"p{roll[0].membership_id}"] = "excused"
    r = c.post(reverse("web:meeting_new", args=["XA-C1"]) + "?ngay=10/02/2026", data)
    assert r.status_code == 302
    m = Meeting.objects.get()
    detail = c.get(r["Location"]).content.decode()
    assert "14" in detail and f"?buoi={m.pk}" in detail
    form = c.get(reverse("web:case_detail", args=[case.pk]) + f"?buoi={m.pk}").content.decode()
    assert (
        'id="from-meeting"' in form
        and 'value="10/02/2026"' in form
        and 'name="meeting" value="' + str(m.pk) in form
    )
    # Another commune's staff see neither the register nor the meeting.
    assert login(users.binh).get(reverse("web:meetings", args=["XA-C1"])).status_code == 404
    assert login(users.binh).get(reverse("web:meeting_detail", args=["XA-C1", m.pk])).status_code == 404


def test_ids_in_the_meeting_pages_are_never_written_with_a_thousands_separator(rf, users, tree):
    """With USE_THOUSAND_SEPARATOR, {{ 12345 }} prints "12.345": a roll's field names and
    the link to a vote must carry the bare number, or every member reads as absent."""
    from django.template.loader import render_to_string

    from dangvien.committees.meetings import Figures, Roll
    from dangvien.committees.models import MeetingKind
    from dangvien.web.forms import MeetingForm

    request = rf.get("/")
    request.user = users.bithu1
    form = MeetingForm()
    form.fields["kind"].choices = MeetingKind.choices
    roll = [Roll(12345, "Nguyễn Văn An", "1", "official")]
    page = render_to_string(
        "web/committees/meeting_new.html",
        {"org": tree.xa_c1, "form": form, "roll": roll, "day": DAY, "presences": Presence.choices},
        request=request,
    )
    assert 'name="p12345"' in page
    meeting = Meeting(pk=54321, cell=tree.xa_c1, held_on=DAY)

    class Case:
        pk = 7

        class person:
            full_name = "Nguyễn Thị Hằng"

    page = render_to_string(
        "web/committees/meeting.html",
        {"org": meeting.cell, "meeting": meeting, "figures": Figures(), "attendance": [], "heard": [],
         "voting": [Case], "votes": [], "form": None, "can_write": True},
        request=request,
    )  # fmt: skip
    assert "?buoi=54321#" in page


def test_a_recognition_vote_at_a_meeting_takes_its_total_from_the_attendance(cell, tree, users, login):
    from dangvien.cases.recognition.services import recognition_open, recognition_record_cell_vote

    from ..cases.test_recognition import fresh as fresh_r
    from ..cases.test_recognition import papers_in, probationary

    officials(cell, 2, prefix="Miễn sinh hoạt", status="exempt")
    m = probationary(cell, D(2025, 3, 14))
    r = recognition_open(actor=None, membership=m)
    papers_in(r, D(2026, 3, 2))
    day = D(2026, 3, 20)
    # 12 officials (one absent with leave), 2 exempt (one came), the probationary member present.
    meeting = meeting_record(
        actor=None, cell=cell, held_on=day, presence=_presence(cell, day, exempt_present=1, excused=1)
    )
    assert meeting_figures(meeting).denominator == 12 + 1 - 1
    page = login(users.bithu1).get(reverse("web:meeting_detail", args=["XA-C1", meeting.pk])).content.decode()
    assert f"?buoi={meeting.pk}#form-cell_vote" in page and "Lê Thị Dự Bị" in page
    form = (
        login(users.bithu1)
        .get(reverse("web:recognition_detail", args=[r.pk]) + f"?buoi={meeting.pk}")
        .content.decode()
    )
    assert 'id="from-meeting"' in form and 'value="12"' in form
    other = meeting_record(actor=None, cell=cell, held_on=D(2026, 3, 21), presence={})
    with refused("committees.meeting_other_cell"):
        recognition_record_cell_vote(
            actor=None, recognition=fresh_r(r), expected_version=fresh_r(r).version, held_on=day,
            denominator=12, yes=8, no=0, meeting=other,
        )  # fmt: skip
    vote = recognition_record_cell_vote(
        actor=None, recognition=fresh_r(r), expected_version=fresh_r(r).version, held_on=day,
        denominator=12, yes=8, no=0, meeting=meeting,
    )  # fmt: skip
    assert vote.meeting == meeting and vote.outcome == "official"  # 8/12 = 2/3


def test_the_minutes_of_a_meeting_carry_its_attendance_assessments_and_votes(cell, tree, users, login):
    import io

    from docx import Document

    from dangvien.members.models import Office
    from dangvien.members.officers import officer_appoint

    case = prepare(open_case(candidate(cell)), introducers=officials(cell, 2, prefix="Người giới thiệu"))
    secretary = roll_on(cell, DAY)[1]
    officer_appoint(actor=None, organization=cell, office=Office.SECRETARY, valid_from=D(2025, 1, 1),
                    membership=Membership.objects.get(pk=secretary.membership_id))  # fmt: skip
    presence = _presence(cell, DAY, excused=1, absent=1)
    m = meeting_record(
        actor=None,
        cell=cell,
        held_on=DAY,
        presence=presence,
        guests="Đ/c Trần Văn Hùng, Đảng ủy viên",
        items="Xét kết nạp",
    )
    meeting_assess(
        actor=None, meeting=m, candidate=case.candidate, strengths="Nhiệt tình", conclusion="Đủ điều kiện"
    )
    f = meeting_figures(m)
    vote(
        case,
        held_on=DAY,
        yes=11,
        summoned=f.summoned,
        present=f.present,
        exempt_present=0,
        excluded=f.excluded,
        denominator=f.denominator,
        meeting=m,
    )
    r = login(users.bithu1).get(reverse("web:meeting_minutes", args=["XA-C1", m.pk]))
    assert r.status_code == 200
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "minutes.docx").write_bytes(r.content)
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert f"Đảng viên được triệu tập: {f.summoned}. Có mặt: {f.present}" in text
    assert "Cấp trên dự: Đ/c Trần Văn Hùng, Đảng ủy viên." in text
    assert "Nhận xét quần chúng Nguyễn Thị Hằng: ưu điểm: Nhiệt tình" in text
    assert f"Biểu quyết kết nạp đối với Nguyễn Thị Hằng: 11/{f.denominator} tán thành" in text
    assert f"Chủ trì: đồng chí {secretary.name}, bí thư chi bộ." in text
    assert "{{" not in text and "…" not in text
    assert login(users.binh).get(reverse("web:meeting_minutes", args=["XA-C1", m.pk])).status_code == 404


def test_a_probationary_member_is_assessed_at_a_meeting(cell, tree, users, login):
    import io

    from docx import Document

    from dangvien.cases.models import ProbationAssessment
    from dangvien.cases.recognition.services import probation_assess, recognition_open

    from ..cases.test_recognition import probationary

    r = recognition_open(actor=None, membership=probationary(cell, D(2025, 9, 14)))
    m = meeting_record(actor=None, cell=cell, held_on=DAY, presence={})
    page = login(users.bithu1).post(
        reverse("web:meeting_detail", args=["XA-C1", m.pk]),
        {
            "candidate": f"r{r.pk}",
            "strengths": "Gương mẫu",
            "weaknesses": "",
            "conclusion": "Tiếp tục phấn đấu",
        },
    )
    assert page.status_code == 302 and ProbationAssessment.objects.get().conclusion == "Tiếp tục phấn đấu"
    other = meeting_record(actor=None, cell=tree.xa_c2, held_on=DAY, presence={})
    with refused("committees.meeting_other_cell"):
        probation_assess(actor=None, recognition=r, meeting=other, conclusion="x")
    with pytest.raises(ScopeDenied):
        probation_assess(actor=users.binh, recognition=r, meeting=m, conclusion="x")
    minutes = login(users.bithu1).get(reverse("web:meeting_minutes", args=["XA-C1", m.pk])).content
    text = "\n".join(p.text for p in Document(io.BytesIO(minutes)).paragraphs)
    assert (
        "Nhận xét đảng viên dự bị Lê Thị Dự Bị: ưu điểm: Gương mẫu; khuyết điểm: —. "
        "Chi bộ kết luận: Tiếp tục phấn đấu." in text
    )
