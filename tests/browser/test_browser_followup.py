"""In Chromium: a whole official recognition (the cell secretary, then the commune's
staff) and a transfer between two committees (the sending ward's staff issue the letter,
the receiving ward's staff receive the member; neither sees the other's tree)."""

from __future__ import annotations

import datetime as dt

from dangvien.cases.models import Recognition, RecognitionState, Transfer, TransferState
from dangvien.members.models import Membership, Status
from dangvien.members.services import member_register

from ..cases_helpers import officials
from ..conftest import person, register
from .test_browser import pytestmark as browser_marks
from .test_browser import shot, sign_in
from .test_browser_admission import sign_out, submit

pytestmark = browser_marks
D = dt.date


def test_a_full_recognition_by_the_secretary_and_the_committee_staff(page, transactional_db, tree, users):
    officials(tree.xa_c1, 9)
    mentor = officials(tree.xa_c1, 1, prefix="Người giúp đỡ")[0]
    m = member_register(
        actor=None,
        person=person("Lê Thị Dự Bị", D(1996, 4, 2), "female"),
        cell=tree.xa_c1,
        admission_date=D(2025, 3, 7),
        ceremony_date=D(2025, 3, 14),
    )

    # The secretary finds her on the probation list and opens the follow-up.
    sign_in(page, "bithu1")
    page.click("header nav a:has-text('Dự bị')")
    page.wait_for_selector("#probation td:has-text('Chưa mở hồ sơ theo dõi')")
    page.click("#probation a:has-text('Lê Thị Dự Bị')")
    page.click("#probation button:has-text('Mở hồ sơ theo dõi')")
    page.wait_for_selector("#ends:has-text('14/03/2026')")
    page.click("summary:has-text('Phân công')")
    page.check(f'#form-mentor input[name=mentor][value="{mentor.pk}"]')
    page.fill("#form-mentor [name=on]", "20/03/2025")
    page.click("#form-mentor button[type=submit]")
    page.wait_for_selector(".messages:has-text('giúp đỡ')")
    # The cell cannot meet before the end of probation, nor without the end papers.
    submit(page, "cell_vote", {"held_on": "16/03/2026", "denominator": "10", "yes": "10", "no": "0"})
    assert "thiếu Bản tự kiểm điểm" in page.inner_text("#form-cell_vote .alert")
    page.click("summary:has-text('Ghi ngày nộp')")
    for name in ("self_review_on", "mentor_review_on", "mass_opinion_on", "residence_opinion_on"):
        page.fill(f"#form-papers [name={name}]", "02/03/2026")
    page.click("#form-papers button[type=submit]")
    page.wait_for_selector("#papers li.given:has-text('Bản tự kiểm điểm')")
    submit(page, "cell_vote", {"held_on": "14/03/2026", "denominator": "10", "yes": "10", "no": "0"})
    assert "sau khi hết thời gian dự bị" in page.inner_text("#form-cell_vote")
    # A first meeting without 2/3 either way is kept; the second passes.
    submit(page, "cell_vote", {"held_on": "16/03/2026", "denominator": "10", "yes": "6", "no": "4"})
    assert "KHÔNG đủ 2/3" in page.inner_text(".messages")
    submit(page, "cell_vote", {"held_on": "23/03/2026", "denominator": "10", "yes": "9", "no": "1"})
    assert "Biểu quyết đạt" in page.inner_text(".messages")
    page.wait_for_selector("#votes tr.fail")
    shot(page, "recognition-cell")
    sign_out(page)

    # The commune's staff see it due on their home page, then record the resolution and the decision.
    sign_in(page, "an")
    page.wait_for_selector("#watch a:has-text('Lê Thị Dự Bị')")
    page.click("#watch a:has-text('Lê Thị Dự Bị')")
    submit(page, "committee_vote", {"held_on": "27/03/2026", "members": "9", "yes": "9", "no": "0"})
    assert "Biểu quyết đạt" in page.inner_text(".messages")
    submit(
        page,
        "decision",
        {"decided_on": "15/05/2026", "decision_ref": "125-QĐ/ĐU", "decided_by": "Ban Thường vụ Đảng ủy"},
    )
    assert "từ ngày 14/03/2026" in page.inner_text(".messages")
    shot(page, "recognition-decided")
    page.click("#facts a:has-text('Lê Thị Dự Bị')")
    assert "Chính thức" in page.inner_text("h1")
    assert "14/03/2026" in page.inner_text("#timeline")
    m.refresh_from_db()
    assert m.status == Status.OFFICIAL and m.official_date == D(2026, 3, 14)
    assert Recognition.objects.get(membership=m).state == RecognitionState.OFFICIAL


def test_a_transfer_between_two_committees_walked_by_both_sides(page, transactional_db, tree, users):
    m = register(tree.xa_c1, "Phạm Văn Chuyển", card="4401")
    member_url = f"{page.base}/dang-vien/{m.pk}/"

    # The sending ward's staff record the move and the introduction letter.
    sign_in(page, "an")
    page.goto(member_url)
    page.click("#member-actions a:has-text('Chuyển sinh hoạt')")
    page.fill("#form-transfer [name=to_code]", "XB-C9")
    page.fill("#form-transfer [name=moved_on]", "02/03/2026")
    page.fill("#form-transfer [name=reason]", "Chuyển công tác về phường Bình Minh")
    page.click("#form-transfer button[type=submit]")
    assert "Không có tổ chức đảng mã" in page.inner_text("#form-transfer")
    page.fill("#form-transfer [name=to_code]", "XB-C1")
    page.click("#form-transfer button[type=submit]")
    page.wait_for_selector("h1:has-text('Phạm Văn Chuyển')")
    submit(
        page,
        "letter",
        {"letter_ref": "45-GGT/ĐU", "letter_on": "05/03/2026", "issued_by": "Đảng ủy xã An Phú"},
    )
    assert "chậm nhất ngày" in page.inner_text(".messages")
    assert "Đang chờ nơi đến tiếp nhận" in page.inner_text("#next")
    page.goto(page.base + "/chuyen-sinh-hoat/?xem=qua-han")
    page.wait_for_selector("#transfers a:has-text('Phạm Văn Chuyển')")  # 16/04/2026 has passed
    sign_out(page)

    # The receiving ward's staff see the incoming side only, and receive the member.
    sign_in(page, "binh")
    assert page.goto(member_url).status == 404
    page.goto(page.base + "/")
    page.click("header nav a:has-text('Chuyển sinh hoạt')")
    page.click("#tabs a:has-text('Chuyển đến')")
    page.click("#transfers a:has-text('Phạm Văn Chuyển')")
    assert "Chi bộ Thôn 1" in page.inner_text("#facts")
    submit(page, "receive", {"received_on": "10/03/2026"})
    assert "Đã tiếp nhận" in page.inner_text(".messages")
    assert "đúng hạn" in page.inner_text("#facts")
    shot(page, "transfer-received")
    page.click("#facts a:has-text('Phạm Văn Chuyển')")
    assert "Chi bộ Khu phố 1" in page.inner_text("main")
    sign_out(page)

    # The sender no longer sees the member's file.
    sign_in(page, "an")
    assert page.goto(member_url).status == 404
    t = Transfer.objects.get()
    assert t.state == TransferState.RECEIVED and Membership.objects.get(pk=m.pk).cell_id == tree.xb_c1.pk
