"""A whole admission in Chromium, from "noticed by the Youth Union" to "probationary member
after the ceremony": the cell secretary lists the person with a mentor and an assessment,
the commune's staff run the awareness class, the secretary carries the dossier to the
cell's resolution (meeting a failed check and a failed vote on the way), then the staff
record the committee's resolution, the decision and the ceremony."""

from __future__ import annotations

import datetime as dt

from dangvien.candidates.models import Candidate, State
from dangvien.cases.models import Case, CaseState
from dangvien.members.models import Membership, Status

from ..cases_helpers import officials
from .test_browser import pytestmark as browser_marks
from .test_browser import shot, sign_in

pytestmark = browser_marks
D = dt.date


def submit(page, form: str, fields: dict[str, str], *, papers: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    for name, value in fields.items():
        page.fill(f"#form-{form} [name={name}]", value)
    for code in papers:
        page.check(f"#form-{form} input[name=papers][value={code}]")
    page.click(f"#form-{form} button[type=submit]")
    page.wait_for_load_state()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("header form button:has-text('Đăng xuất')")
    page.wait_for_url("**/dang-nhap/**")


def test_a_full_admission_by_the_secretary_and_the_committee_staff(page, transactional_db, tree, users):
    officials(tree.xa_c1, 12)
    mentor = officials(tree.xa_c1, 1, prefix="Người giúp đỡ")[0]
    introducers = officials(tree.xa_c1, 2, prefix="Giới thiệu")

    # The Youth Union noticed her: the secretary puts her on the cell's list, with a mentor.
    sign_in(page, "bithu1")
    page.click("header nav a:has-text('Quần chúng')")
    page.click("text=Thêm quần chúng")
    page.fill("#form-candidate [name=full_name]", "Nguyễn Thị Hằng")
    page.fill("#form-candidate [name=birth_date]", "15/03/1998")
    page.check("#form-candidate input[name=sex][value=female]")
    page.fill("#form-candidate [name=education]", "7/12")
    page.select_option("#form-candidate [name=cell]", str(tree.xa_c1.pk))
    page.select_option("#form-candidate [name=source]", "youth_union")
    page.fill("#form-candidate [name=listed_on]", "10/01/2026")
    page.click("#form-candidate button[type=submit]")
    page.wait_for_selector("h1:has-text('Nguyễn Thị Hằng')")
    page.click("summary:has-text('Phân công người giúp đỡ')")
    page.check(f'#form-mentor input[name=mentor][value="{mentor.pk}"]')
    page.fill("#form-mentor [name=on]", "10/01/2026")
    page.click("#form-mentor button[type=submit]")
    page.wait_for_selector("#mentors li:has-text('Người giúp đỡ XA-C1 0')")
    page.click("summary:has-text('Ghi nhận xét')")
    page.fill("#form-assess [name=on]", "05/02/2026")
    page.fill("#form-assess [name=conclusion]", "Chi bộ thống nhất cử đi học lớp nhận thức")
    page.click("#form-assess button[type=submit]")
    page.wait_for_selector("td:has-text('Chi bộ thống nhất cử đi học lớp nhận thức')")
    sign_out(page)

    # The commune's staff run the awareness class; she passes.
    sign_in(page, "an")
    page.goto(page.base + "/lop-hoc/them/")
    page.fill("#form-class [name=name]", "Lớp bồi dưỡng nhận thức về Đảng khóa 1/2026")
    page.select_option("#form-class [name=organizer]", str(tree.xa.pk))
    page.fill("#form-class [name=starts_on]", "02/03/2026")
    page.fill("#form-class [name=ends_on]", "06/03/2026")
    page.click("#form-class button[type=submit]")
    page.wait_for_selector("h1:has-text('khóa 1/2026')")
    page.click("summary:has-text('Ghi danh học viên')")
    page.check("#form-enroll input[name=people]")
    page.click("#form-enroll button[type=submit]")
    page.wait_for_selector("#attendees td:has-text('Nguyễn Thị Hằng')")
    page.fill("#attendees [name=certificate_number]", "125/CN")
    page.click("#attendees button:has-text('Ghi kết quả')")
    page.wait_for_selector("#attendees td:has-text('125/CN')")
    sign_out(page)
    cand = Candidate.objects.get(person__full_name="Nguyễn Thị Hằng")
    assert cand.state == State.READY

    # The secretary opens the dossier from her page.
    sign_in(page, "bithu1")
    page.click("header nav a:has-text('Quần chúng')")
    page.click("text=Nguyễn Thị Hằng")
    assert "còn giá trị đến 05/03/2031" in page.inner_text("#certificate")
    page.fill("#form-open [name=opened_on]", "02/10/2026")
    page.click("#form-open button[type=submit]")
    page.wait_for_selector("h1:has-text('Hồ sơ kết nạp: Nguyễn Thị Hằng')")
    assert "Đơn xin vào Đảng" in page.inner_text("#next h2")
    submit(page, "step", {"done_on": "05/10/2026"}, papers=("application",))
    assert "Đã ghi bước" in page.inner_text(".messages")

    # Background verification: the result, then the history step.
    page.fill("#verifications [name=result_on]", "20/10/2026")
    page.click("#verifications button:has-text('Ghi kết quả')")
    page.wait_for_selector("#verifications td:has-text('Không có vấn đề')")
    submit(page, "step", {"done_on": "21/10/2026"}, papers=("history", "verification"))

    # Two official members introduce her.
    for m in introducers:
        page.click("#introductions summary:has-text('Ghi người giới thiệu')")
        page.check(f'#form-introduction input[name=introducer][value="{m.pk}"]')
        submit(page, "introduction", {"months_together": "24", "given_on": "22/10/2026"})
        assert "Đã ghi giới thiệu" in page.inner_text(".messages")
    submit(page, "step", {"done_on": "23/10/2026"}, papers=("introduction",))
    submit(page, "step", {"done_on": "28/10/2026"}, papers=("opinions",))

    # A failed check: lower-secondary school not finished. The vote is refused, with the source.
    assert "✗" in page.inner_text("#checks tr:has-text('Học vấn')")
    submit(page, "cell_vote", {"held_on": "05/11/2026", "yes": "15", "no": "0"})
    assert "chưa đủ điều kiện" in page.inner_text("#form-cell_vote .alert")
    assert "Học vấn" in page.inner_text("#form-cell_vote .alert")
    shot(page, "admission-failed-check")
    page.click("#checks summary")
    submit(page, "exceptions", {"education_exception": "Xã đặc biệt khó khăn (QĐ 861/QĐ-TTg)"})
    assert "✓" in page.inner_text("#checks tr:has-text('Học vấn')")

    # A failed vote: 9 of 15 is short of 2/3 (10). It is kept and shown.
    assert "15 đảng viên chính thức" in page.inner_text("#registry")
    submit(page, "cell_vote", {"held_on": "05/11/2026", "yes": "9", "no": "6"})
    assert "KHÔNG đạt: 9/15" in page.inner_text(".messages")
    assert "Không đạt" in page.inner_text("#votes")
    submit(page, "cell_vote", {"held_on": "12/11/2026", "yes": "12", "no": "3"}, papers=("cell_resolution",))
    assert "biểu quyết đạt: 12/15" in page.inner_text(".messages")
    shot(page, "admission-cell-resolution")
    sign_out(page)

    # The committee staff take it from the board.
    sign_in(page, "an")
    page.click("header nav a:has-text('Kết nạp')")
    page.click("#board [data-step=base_resolution] .case-card:has-text('Nguyễn Thị Hằng')")
    submit(
        page,
        "committee_vote",
        {"held_on": "16/11/2026", "members": "9", "present": "9", "yes": "8", "no": "1"},
    )
    assert "Đảng ủy biểu quyết đạt" in page.inner_text(".messages")
    submit(
        page,
        "decision",
        {"decided_on": "18/11/2026", "decision_ref": "123-QĐ/ĐU", "received_on": "19/11/2026"},
        papers=("decision",),
    )
    # 30 working days from receiving the decision on 19/11/2026 skips 24/11, Vietnam Culture Day, and 1/1).
    assert "Lễ kết nạp" in page.inner_text("#next h2") and "04/01/2027" in page.inner_text("#due")
    submit(page, "ceremony", {"held_on": "23/11/2026"})
    assert "là đảng viên dự bị" in page.inner_text(".messages")
    shot(page, "admission-ceremony")

    case = Case.objects.get(person=cand.person)
    assert case.state == CaseState.ADMITTED and case.votes.count() == 3
    m = Membership.objects.get(person=cand.person)
    assert (m.status, m.admission_date, m.ceremony_date) == (
        Status.PROBATIONARY,
        D(2026, 11, 18),
        D(2026, 11, 23),
    )
    assert Candidate.objects.get(pk=cand.pk).state == State.ADMITTED
    page.click("text=Xem trong danh sách đảng viên")
    page.wait_for_selector("#timeline")
    assert "Kết nạp (dự bị)" in page.inner_text("#timeline")
