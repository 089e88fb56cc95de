"""The committee's dashboard and the progress page in a real browser: the charts are
drawn (their screenshot holds the chart's colours), a target is set through the form and
the sentence leadership reads changes with it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangvien.targets.services import target_set

from ..conftest import register
from ..images import png_pixels, share_of
from .test_browser import ARTIFACTS, shot, sign_in
from .test_browser import pytestmark as browser_marks

pytestmark = browser_marks
D = dt.date


def red(p: tuple[int, int, int]) -> bool:
    r, g, b = p
    return r > 150 and g < 80 and b < 80  # the progress line and bars (#b3171d)


def test_the_dashboard_draws_its_charts_and_the_staff_set_a_target(page, transactional_db, tree, users):
    today = timezone.localdate()
    year = str(today.year)
    target_set(actor=None, org=tree.xa, period=year, value=8)
    target_set(actor=None, org=tree.xa_c1, period=year, value=5)
    for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]):
        register(
            tree.xa_c1 if i < 2 else tree.xa_c2,
            name,
            admitted=today,
            official=None,  # works any day of the year
        )
    sign_in(page, "an")
    page.wait_for_selector("#dashboard svg.chart")
    assert page.locator("#dashboard svg.chart").count() >= 3
    assert "3 / 8 đảng viên — đạt 37,50%" in page.inner_text("#dash-year")
    chart = page.locator("#dash-year svg.chart").first
    ARTIFACTS.mkdir(exist_ok=True)
    png = chart.screenshot(path=str(ARTIFACTS / "dashboard-year-chart.png"))
    width, height, pixels = png_pixels(png)
    assert width > 300 and height > 100
    assert share_of(pixels, red) > 0.002  # the line is drawn, not an empty frame
    shot(page, "dashboard")

    page.click("#dash-year h2 a")
    page.wait_for_selector("#target-form")
    assert "Đã kết nạp 3 đảng viên, đạt 37,50% chỉ tiêu" in page.inner_text("#sentence")
    page.fill("#id_value", "12")
    page.fill("#id_effective_on", f"{today:%d/%m/%Y}")  # in effect from today, whatever the month
    page.fill("#id_decision_ref", "NQ 12-NQ/ĐU")
    page.fill("#id_reason", "Nghị quyết điều chỉnh giữa năm")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector(".messages li")
    assert "Đã lưu chỉ tiêu 12" in page.inner_text(".messages")
    assert "đạt 25,00% chỉ tiêu" in page.inner_text("#sentence")
    history = page.inner_text("#history")
    assert "8" in history and "12" in history and "NQ 12-NQ/ĐU" in history
    page.click("text=Cách tính số dự kiến")
    assert page.is_visible("details.explain table")
    shot(page, "progress-page")


def test_a_cell_secretary_sees_no_dashboard_and_no_target_form(page, transactional_db, tree, users):
    sign_in(page, "bithu1")
    assert page.locator("#dashboard").count() == 0
    page.goto(page.base + "/chi-tieu/?to-chuc=XA-C1")
    page.wait_for_selector("#summary")
    assert page.locator("#target-form").count() == 0
    response = page.goto(page.base + "/chi-tieu/?to-chuc=XB")
    assert response is not None and response.status == 404
