"""The report screens through the web: targets and progress, statistics, ratings, the
ceremony planner, the dashboard, Excel and PDF — each scope boundary from both sides, bad
input refused with a message and nothing written, query counts bounded."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangvien.cases.models import CeremonyDay
from dangvien.core.keep import forget_in_process
from dangvien.orgs.services import org_create
from dangvien.ratings.models import Level, MemberRating, OrgRating
from dangvien.targets.models import TargetRevision
from dangvien.targets.services import target_set

from ..conftest import register

pytestmark = pytest.mark.django_db
D = dt.date
PROGRESS = reverse("web:progress")


def queries_for(client, url: str) -> int:
    """How many queries one visit of the page takes."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_staff_read_the_sentence_leadership_reports(tree, users, login):
    target_set(actor=None, org=tree.xa, period="2026", value=3)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    html = page_of(login(users.an), f"{PROGRESS}?to-chuc=XA&ky=2026")
    assert "Đã kết nạp 1 đảng viên, đạt 33,33% chỉ tiêu năm 2026" in html
    assert "<svg" in html and "Chi bộ Thôn 1" in html
    assert 'id="target-form"' in html


def test_progress_is_404_outside_the_scope_and_read_only_for_viewers(tree, users, login, client):
    assert login(users.binh).get(f"{PROGRESS}?to-chuc=XA").status_code == 404
    client.logout()
    html = page_of(login(users.xem1), f"{PROGRESS}?to-chuc=XA-C1")
    assert 'id="target-form"' not in html
    response = login(users.xem1).post(f"{PROGRESS}?to-chuc=XA-C1&ky=2026", {"value": "4"})
    assert response.status_code == 404
    response = login(users.bithu1).post(f"{PROGRESS}?to-chuc=XA-C1&ky=2026", {"value": "4"})
    assert response.status_code == 404  # a secretary does not set the cell's own target
    assert not TargetRevision.objects.exists()
    assert login(users.nobody).get(f"{PROGRESS}?to-chuc=XA").status_code == 404


def test_setting_a_target_then_the_same_again_then_bad_input(tree, users, login):
    c = login(users.an)
    url = f"{PROGRESS}?to-chuc=XA&ky=2026"
    response = c.post(
        url,
        {"value": "146", "group": "", "effective_on": "", "reason": "", "decision_ref": "NQ 05"},
        follow=True,
    )
    assert "Đã lưu chỉ tiêu 146 từ ngày 01/01/2026" in response.content.decode()
    response = c.post(url, {"value": "146", "group": ""}, follow=True)  # a double click
    assert "không thay đổi gì" in response.content.decode()
    for bad, message in [
        ({"value": "-5"}, "Chưa lưu chỉ tiêu"),
        ({"value": "mười"}, "Chưa lưu chỉ tiêu"),
        ({"value": "10", "effective_on": "31/02/2026"}, "Chưa lưu chỉ tiêu"),
        ({"value": "10", "effective_on": "01/01/2027"}, "sau khi năm 2026 kết thúc"),
        ({"value": "10", "group": "người giàu"}, "Chưa lưu chỉ tiêu"),
    ]:
        response = c.post(url, bad, follow=True)
        assert message in response.content.decode(), bad
    assert TargetRevision.objects.count() == 1
    response = c.post(
        url,
        {"value": "166", "effective_on": "01/07/2026", "reason": "<script>alert(1)</script>"},
        follow=True,
    )
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert [r.value for r in TargetRevision.objects.order_by("effective_on")] == [146, 166]


def test_a_bad_period_or_date_in_the_address_says_so_and_shows_the_defaults(tree, users, login):
    html = page_of(login(users.an), f"{PROGRESS}?to-chuc=XA&ky=2026-2020&ngay=31/02/2026")
    assert 'role="alert"' in html


def test_children_targets_below_the_parent_are_flagged(tree, users, login):
    target_set(actor=None, org=tree.xa, period="2026", value=10)
    target_set(actor=None, org=tree.xa_c1, period="2026", value=4)
    target_set(actor=None, org=tree.xa_c2, period="2026", value=3)
    html = page_of(login(users.an), f"{PROGRESS}?to-chuc=XA&ky=2026")
    assert 'id="shortfall"' in html and "thiếu 3 so với chỉ tiêu của Đảng bộ xã An Phú" in html


def test_the_progress_page_takes_the_same_queries_for_two_or_twenty_children(tree, users, login):
    c = login(users.an)

    def count() -> int:
        """The report computed (the result kept until the data change forgotten)."""
        caches["jobs"].clear()
        forget_in_process()
        return queries_for(c, f"{PROGRESS}?to-chuc=XA&ky=2026")

    target_set(actor=None, org=tree.xa, period="2026", value=10)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    count()  # the first visit fills the caches (the bell's count, the forecast's fallback)
    few = count()
    for i in range(18):
        cell = org_create(actor=None, code=f"XA-N{i}", name=f"Chi bộ Mới {i}", kind="cell", parent=tree.xa)
        target_set(actor=None, org=cell, period="2026", value=1)
    # The first visit after the tree changed reads it again (its versions, the codes):
    # two more queries, whatever the number of children; the next reads the kept tree.
    assert count() == few + 2
    assert count() == few
    # Kept: the next visit with nothing written since reads the kept report.
    assert queries_for(c, f"{PROGRESS}?to-chuc=XA&ky=2026") < few / 2


def test_progress_exports_excel_with_numbers(tree, users, login):
    target_set(actor=None, org=tree.xa, period="2026", value=4)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    response = login(users.an).get(f"{PROGRESS}?to-chuc=XA&ky=2026&xuat=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A4"].value == "XA" and ws["D4"].value == 4 and ws["E4"].value == 1
    assert ws["F4"].value == pytest.approx(0.25)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_the_one_page_pdf_report_names_the_unit_and_its_figures(tree, users, login):
    from pypdf import PdfReader

    target_set(actor=None, org=tree.xa, period="2026", value=4)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    from ..jobs_helpers import finish

    c = login(users.an)
    page = finish(c, c.get(f"{reverse('web:progress_pdf')}?to-chuc=XA&ky=2026"))
    link = page.split('id="job-file"')[1].split('href="')[1].split('"')[0]
    response = c.get(link)
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    assert login(users.admin).get(link).status_code == 404  # the file is its starter's alone
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Đảng bộ xã An Phú" in text and "25,00%" in text
    assert login(users.binh).get(f"{reverse('web:progress_pdf')}?to-chuc=XA").status_code == 404


def test_statistics_page_and_its_excel(tree, users, login):
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    html = page_of(login(users.an), f"{reverse('web:statistics')}?to-chuc=XA")
    assert "Nguồn kết nạp" in html and "Tăng, giảm đảng viên" in html
    response = login(users.an).get(f"{reverse('web:statistics')}?to-chuc=XA&xuat=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Đảng viên", "Tăng giảm", "Nguồn kết nạp", "Lớp học", "Chưa kết nạp", "Xếp loại"]
    assert "Đảng bộ xã An Phú" in wb["Đảng viên"]["A1"].value
    assert login(users.binh).get(f"{reverse('web:statistics')}?to-chuc=XA").status_code == 404
    # In English the funnel's stages and the reasons of joining read in English (issue 20).
    c = login(users.an)
    c.cookies["django_language"] = "en"
    english = page_of(c, f"{reverse('web:statistics')}?to-chuc=XA")
    assert "Admitted" in english and "Được kết nạp" not in english and "Kết nạp</td>" not in english


def test_the_statistics_page_takes_the_same_queries_whatever_the_tree(tree, users, login):
    c = login(users.an)

    def count() -> int:
        """The figures computed (the results kept until the data change forgotten)."""
        caches["jobs"].clear()
        forget_in_process()
        return queries_for(c, f"{reverse('web:statistics')}?to-chuc=XA")

    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    count()  # the first visit fills the caches
    few = count()
    for i in range(10):
        cell = org_create(actor=None, code=f"XA-N{i}", name=f"Chi bộ Mới {i}", kind="cell", parent=tree.xa)
        register(cell, f"Trần Văn {chr(65 + i)}", admitted=D(2026, 3, 2), official=None)
    # The first visit after a change counts the unit's members again and stores them (the
    # count, the insert and, the test being one transaction, its savepoint: four more
    # queries, whatever the tree); the next reads what was stored.
    assert count() == few + 4
    assert count() == few


def test_a_secretary_rates_the_cells_members_and_a_viewer_cannot(tree, users, login, client):
    a = register(tree.xa_c1, "Nguyễn Văn An", card="1")
    url = f"{reverse('web:ratings')}?to-chuc=XA-C1&nam=2025"
    data = {"action": "members", "dang-vien": [str(a.pk)], f"muc-{a.pk}": Level.GOOD, f"diem-{a.pk}": "85"}
    response = login(users.bithu1).post(url, data, follow=True)
    assert "Đã lưu xếp loại năm 2025: 1 đảng viên thay đổi" in response.content.decode()
    bad = data | {f"diem-{a.pk}": "95", f"muc-{a.pk}": Level.INCOMPLETE}
    response = login(users.bithu1).post(url, bad, follow=True)
    assert "95 điểm ứng với mức" in response.content.decode()
    assert MemberRating.objects.get().level == Level.GOOD
    client.logout()
    assert login(users.xem1).post(url, data | {f"muc-{a.pk}": Level.EXCELLENT}).status_code == 404
    assert login(users.binh).get(url).status_code == 404
    html = page_of(login(users.an), f"{reverse('web:ratings')}?to-chuc=XA&nam=2025")
    assert 'id="rate-orgs"' in html and "1 đảng viên đã được xếp loại" in html
    login(users.an).post(
        f"{reverse('web:ratings')}?to-chuc=XA&nam=2025",
        {"action": "orgs", "to-chuc-con": ["XA-C1"], "muc-XA-C1": Level.EXCELLENT},
    )
    assert OrgRating.objects.get().organization == tree.xa_c1


def test_the_planner_lists_dossiers_and_staff_add_local_days(tree, users, login, client):
    url = f"{reverse('web:ceremonies')}?to-chuc=XA"
    html = page_of(login(users.an), url)
    assert "Ngày sinh Chủ tịch Hồ Chí Minh" in html and "Quốc khánh" in html
    response = login(users.an).post(
        url, {"action": "add", "name": "Ngày thành lập chi bộ đầu tiên", "day": "31", "month": "2"}
    )
    assert "không có trong năm" in response.content.decode()
    response = login(users.an).post(
        url, {"action": "add", "name": "<b>Ngày</b> truyền thống", "day": "15", "month": "8"}, follow=True
    )
    html = response.content.decode()
    assert "&lt;b&gt;Ngày&lt;/b&gt; truyền thống" in html and CeremonyDay.objects.count() == 1
    client.logout()
    assert (
        login(users.bithu1)
        .post(url.replace("XA", "XA-C1"), {"action": "add", "name": "x", "day": "1", "month": "5"})
        .status_code
        == 404
    )
    assert login(users.binh).get(url).status_code == 404
    assert CeremonyDay.objects.count() == 1


def test_the_planner_fits_a_decided_dossier_before_its_ceremony_deadline(tree):
    from dangvien.cases.admission.ceremonies import ceremony_plan, earliest_receipt
    from dangvien.orgs.scope import scope_for
    from dangvien.rules.calendar import Calendar

    from ..cases.test_cases import to_cell_vote
    from ..cases_helpers import officials, through_decision

    cal = Calendar()
    # 2/9/2026 is a holiday: a decision received on the 30th working day before still fits.
    first = earliest_receipt(D(2026, 9, 2), 30, cal)
    assert (
        cal.add_working_days(first, 30)
        >= D(2026, 9, 2)
        > cal.add_working_days(first - dt.timedelta(days=1), 30)
    )
    officials(tree.xa_c1, 12)
    case = to_cell_vote(tree.xa_c1, D(2026, 1, 8))
    case = through_decision(case, resolution=D(2026, 1, 12), decided=D(2026, 1, 20), received=D(2026, 1, 22))
    plan = ceremony_plan(scope_for(None), tree.xa, D(2026, 1, 23))
    days = {p.day.on: [f.case.pk for f in p.fits] for p in plan}
    assert days[D(2026, 2, 3)] == [case.pk]  # 3/2 is within 30 working days of 22/01
    assert days[D(2026, 5, 19)] == []


def test_the_home_page_of_a_committee_has_the_dashboard_and_a_cells_does_not(tree, users, login, client):
    target_set(actor=None, org=tree.xa, period="2026", value=3)
    register(tree.xa_c1, "Nguyễn Văn An", admitted=D(2026, 3, 2), official=None)
    html = page_of(login(users.an), reverse("web:home"))
    assert 'id="dashboard"' in html and 'id="dash-year"' in html and html.count("<svg") >= 3
    client.logout()
    assert 'id="dashboard"' not in page_of(login(users.bithu1), reverse("web:home"))


def test_the_targets_download_from_the_page_imports_back_unchanged(tree, users, login, tmp_path):
    from dangvien.targets.importing import import_targets

    target_set(actor=None, org=tree.xa, period="2026", value=10)
    target_set(actor=None, org=tree.xa_c1, period="2026", value=4, group="nữ")
    target_set(actor=None, org=tree.xb, period="2026", value=7)  # another ward: not in the file
    response = login(users.an).get(f"{PROGRESS}?to-chuc=XA&ky=2026&xuat=chi-tieu")
    path = tmp_path / "chi-tieu.xlsx"
    path.write_bytes(response.content)
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == ["Mã tổ chức", "Kỳ", "Chỉ tiêu", "Nhóm", "Ngày hiệu lực", "Ghi chú"]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["XA", "XA-C1"]
    result = import_targets(path=path, actor=users.an)
    assert result.ok and result.unchanged == 2 and result.created == 0


def test_rating_the_units_below_is_all_or_none_and_a_second_click_audits_nothing(tree, users, login):
    from dangvien.accounts.models import AuditEntry

    url = f"{reverse('web:ratings')}?to-chuc=XA&nam=2025"
    good = {
        "action": "orgs",
        "to-chuc-con": ["XA-C1", "XA-C2"],
        "muc-XA-C1": Level.GOOD,
        "muc-XA-C2": Level.EXCELLENT,
    }
    bad = good | {"diem-XA-C2": "40"}  # 40 points is not "excellent": nothing is written
    response = login(users.an).post(url, bad, follow=True)
    assert "40 điểm ứng với mức" in response.content.decode() and not OrgRating.objects.exists()
    login(users.an).post(url, good)
    audits = AuditEntry.objects.filter(action="ratings.org").count()
    response = login(users.an).post(url, good, follow=True)  # the same form again
    assert "0 tổ chức" in response.content.decode()
    assert (
        OrgRating.objects.count() == 2 and AuditEntry.objects.filter(action="ratings.org").count() == audits
    )
    assert login(users.bithu1).post(url.replace("XA&", "XA-C1&"), good).status_code == 404


def test_a_local_anniversary_is_removed_once_and_only_by_its_committee(tree, users, login, client):
    from dangvien.cases.admission.ceremonies import ceremony_day_add

    day = ceremony_day_add(actor=None, org=tree.xa, name="Ngày truyền thống", day=15, month=8)
    url = f"{reverse('web:ceremonies')}?to-chuc=XA"
    assert login(users.binh).post(url, {"action": "remove", "id": str(day.pk)}).status_code == 404
    client.logout()
    assert CeremonyDay.objects.count() == 1
    response = login(users.an).post(url, {"action": "remove", "id": str(day.pk)}, follow=True)
    assert "Đã bỏ ngày kỷ niệm" in response.content.decode() and not CeremonyDay.objects.exists()
    response = login(users.an).post(url, {"action": "remove", "id": str(day.pk)}, follow=True)  # second click
    assert "đã được bỏ khỏi danh sách" in response.content.decode()


def test_only_an_administrator_sets_a_terms_dates_through_the_page(tree, users, login, client):
    from dangvien.targets.models import Period

    url = f"{PROGRESS}?to-chuc=XA&ky=2020-2025"
    data = {"action": "period", "starts_on": "15/07/2020", "ends_on": "10/07/2025"}
    assert "period-dates" not in page_of(login(users.an), url)
    assert login(users.an).post(url, data).status_code == 404
    client.logout()
    response = login(users.admin).post(url, data | {"ends_on": "31/02/2025"}, follow=True)
    assert "Ngày 31/02/2025 không tồn tại" in response.content.decode()
    assert not Period.objects.exists()
    login(users.admin).post(url, data)
    period = Period.objects.get(code="2020-2025")
    assert (period.starts_on, period.ends_on) == (D(2020, 7, 15), D(2025, 7, 10))
