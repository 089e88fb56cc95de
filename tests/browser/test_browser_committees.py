"""In Chromium (issue 21): the commune's staff assign a committee member to a cell and
read the yearly duty; the cell's secretary records a monthly meeting on a phone-sized
screen and starts nothing outside her cell."""

from __future__ import annotations

import datetime as dt

from dangvien.committees.models import Assignment, Meeting
from dangvien.members.models import Office
from dangvien.members.officers import officer_appoint

from ..cases_helpers import officials
from ..conftest import register
from .test_browser import pytestmark as browser_marks
from .test_browser import shot, sign_in
from .test_browser_admission import sign_out

pytestmark = browser_marks


def test_staff_assign_and_read_duties_and_a_secretary_records_a_meeting(page, transactional_db, tree, users):
    hung = register(tree.xa_c1, "Trần Văn Hùng", card="100001")
    officer_appoint(
        actor=None,
        organization=tree.xa,
        office=Office.COMMITTEE,
        valid_from=dt.date(2025, 1, 1),
        membership=hung,
    )
    officials(tree.xa_c1, 5)
    officials(tree.xa_c1, 1, prefix="Miễn sinh hoạt", status="exempt")

    sign_in(page, "an")
    page.goto(page.base + "/to-chuc/XA/")
    page.click("a:has-text('Phân công cấp ủy viên phụ trách chi bộ')")
    page.click("summary:has-text('Phân công cấp ủy viên phụ trách chi bộ')")
    page.fill("[name=card_number]", "100001")
    page.select_option("[name=cell]", "XA-C1")
    page.fill("[name=valid_from]", "01/02/2026")
    page.click("form:has([name=card_number]) button[type=submit]")
    page.wait_for_selector(".messages:has-text('phụ trách')")
    # December: the last quarter, a member who introduced nobody is shown in red.
    assert page.locator("#duties tr.none-yet:has-text('Trần Văn Hùng')").count() == 1
    assert "Năm 2026" in page.inner_text("main")
    shot(page, "committee-duties")
    page.click("a:has-text('Khảo sát nguồn')")
    page.click("summary:has-text('Ghi số người đơn vị quản lý')")
    page.select_option("form:has([name=covered]) [name=cell]", "XA-C1")
    page.fill("[name=covered]", "60")
    page.fill("form:has([name=covered]) [name=on]", "01/03/2026")
    page.click("form:has([name=covered]) button[type=submit]")
    page.wait_for_selector("#sourcing tr:has-text('60')")
    shot(page, "committee-sourcing")
    sign_out(page)
    assert Assignment.objects.count() == 1

    # The secretary, on a phone: the cell's page says who answers for it; she records the meeting.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "bithu1")
    page.goto(page.base + "/to-chuc/XA-C1/")
    assert "Trần Văn Hùng" in page.inner_text("#answering")
    page.click("#answering a:has-text('Sinh hoạt chi bộ')")
    page.click("a:has-text('Ghi buổi sinh hoạt')")
    page.fill("form.filters [name=ngay]", "05/03/2026")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#roll select")
    assert page.locator("#roll select").count() == 7  # Hùng, five officials, one exempt
    first = page.locator("#roll select").first
    first.select_option("excused")
    page.fill("#form-meeting [name=items]", "Sinh hoạt thường kỳ tháng 3")
    shot(page, "meeting-phone")
    page.click("#form-meeting button[type=submit]")
    page.wait_for_selector(".messages:has-text('5/7 có mặt')")
    assert "miễn sinh hoạt" in page.inner_text("#figures")
    shot(page, "meeting-recorded")
    assert Meeting.objects.get().held_on == dt.date(2026, 3, 5)
    # Another cell's register is not hers to write.
    response = page.goto(page.base + "/to-chuc/XA-C2/sinh-hoat/moi/")
    assert response is not None and response.status == 404
