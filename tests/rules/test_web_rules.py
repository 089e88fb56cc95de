"""The administrators' pages for rules and the calendar, from both sides of the boundary."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.accounts.models import AuditEntry
from dangvien.rules.models import CalendarDay, RuleOverride
from dangvien.rules.selectors import rule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["an", "bithu1", "xem1", "binh"])
@pytest.mark.parametrize("page", ["web:rules", "web:calendar"])
def test_only_administrators_reach_the_rules_pages(tree, users, login, who, page):
    client = login(getattr(users, who))
    assert client.get(reverse(page)).status_code == 404
    assert client.post(reverse(page), {"key": "probation.months", "value": "6"}).status_code == 404
    assert not RuleOverride.objects.exists() and not CalendarDay.objects.exists()


def test_the_rules_page_shows_every_parameter_with_source_and_confidence(
    tree, users, login, django_assert_max_num_queries
):
    client = login(users.admin)
    # 8, and one for the administrator's second factor: django-otp reads the verified
    # device on each request, so that a reset (a lost phone) takes effect at once.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("web:rules"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "QĐ 294/2025 + HĐ 06/2025" in html and "QĐ 232/2025" in html and "QĐ 24/2021 + HĐ 01/2021" in html
    assert "Giấy chứng nhận học lớp bồi dưỡng nhận thức có giá trị" in html
    assert "HD 06-HD/TW (2025) mục 5.4" in html
    assert 'class="badge conf-L"' in html


def test_an_administrator_overrides_a_value_and_revokes_it(tree, users, login):
    client = login(users.admin)
    response = client.post(
        reverse("web:rules"),
        {
            "key": "certificate.validity_months",
            "value": "48",
            "effective_from": "01/03/2026",
            "province": str(tree.province.pk),
            "reason": "Công văn 12-CV/TU",
        },
    )
    assert response.status_code == 302
    o = RuleOverride.objects.get()
    assert rule("certificate.validity_months", on=dt.date(2026, 3, 1), org=tree.xa_c1).value == 48
    assert rule("certificate.validity_months", on=dt.date(2026, 2, 28), org=tree.xa_c1).value == 60
    html = client.get(reverse("web:rules")).content.decode()
    assert "Công văn 12-CV/TU" in html and "Đảng bộ tỉnh Thử" in html

    client.post(reverse("web:rule_override_revoke", args=[o.pk]), {"reason": "Sai số liệu"})
    o.refresh_from_db()
    assert o.revoked_at is not None and o.revoke_reason == "Sai số liệu"
    assert rule("certificate.validity_months", on=dt.date(2026, 3, 1), org=tree.xa_c1).value == 60
    assert AuditEntry.objects.filter(action__startswith="rules.override").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "bốn tám", "effective_from": "01/03/2026"}, "Nhập một số nguyên"),
        ({"value": "48", "effective_from": "31/02/2026"}, "31/02/2026"),
        (
            {"value": "48", "effective_from": "01/03/2026", "reason": ""},
            "This field is required|Trường này là bắt buộc|bắt buộc",
        ),
    ],
)
def test_a_bad_override_says_why_and_changes_nothing(tree, users, login, data, message):
    import re

    client = login(users.admin)
    payload = {"key": "certificate.validity_months", "province": "", "reason": "Công văn"} | data
    response = client.post(reverse("web:rules"), payload)
    assert response.status_code == 200
    assert re.search(message, response.content.decode())
    assert not RuleOverride.objects.exists()


def test_the_calendar_page_lists_tet_and_takes_declared_days(tree, users, login):
    client = login(users.admin)
    html = client.get(reverse("web:calendar") + "?nam=2026").content.decode()
    assert "17/02/2026" in html and "Tết Nguyên Đán" in html
    assert "22/08/2026" in html  # the Saturday worked in exchange for 31/08
    response = client.post(
        reverse("web:calendar"),
        {"date": "03/03/2026", "working": "0", "reason": "Ngày truyền thống của tỉnh"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get().working is False
    assert "Ngày truyền thống của tỉnh" in client.get(reverse("web:calendar") + "?nam=2026").content.decode()
    client.post(reverse("web:calendar") + "?nam=2026", {"remove": "2026-03-03"})
    assert not CalendarDay.objects.exists()
    bad = client.post(reverse("web:calendar"), {"date": "30/02/2026", "working": "0", "reason": "x"})
    assert bad.status_code == 200 and "30/02/2026" in bad.content.decode()
    assert not CalendarDay.objects.exists()


def test_years_are_written_without_a_thousands_separator(tree, users, login):
    html = login(users.admin).get(reverse("web:calendar") + "?nam=2026").content.decode()
    assert "2.026" not in html and "Lịch ngày làm việc 2026" in html


@pytest.mark.parametrize("who", ["an", "bithu1", "xem1"])
def test_only_administrators_revoke_overrides_or_remove_declared_days(tree, users, login, who):
    from dangvien.rules.services import calendar_day_set, rule_override

    o = rule_override(
        actor=users.admin, key="probation.months", value="12", effective_from=dt.date(2026, 1, 1), reason="x"
    )
    calendar_day_set(actor=users.admin, date=dt.date(2026, 3, 3), working=False, reason="Ngày của tỉnh")
    client = login(getattr(users, who))
    assert client.post(reverse("web:rule_override_revoke", args=[o.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("web:calendar"), {"remove": "2026-03-03"}).status_code == 404
    o.refresh_from_db()
    assert o.revoked_at is None and CalendarDay.objects.count() == 1


def test_a_second_click_on_revoke_changes_nothing_and_says_so(tree, users, login):
    from dangvien.rules.services import rule_override

    o = rule_override(
        actor=users.admin, key="probation.months", value="12", effective_from=dt.date(2026, 1, 1), reason="x"
    )
    client = login(users.admin)
    client.post(reverse("web:rule_override_revoke", args=[o.pk]), {"reason": "lần một"})
    response = client.post(
        reverse("web:rule_override_revoke", args=[o.pk]), {"reason": "lần hai"}, follow=True
    )
    assert "đã được hủy trước đó" in response.content.decode()
    o.refresh_from_db()
    assert o.revoke_reason == "lần một"
    assert AuditEntry.objects.filter(action="rules.override.revoke").count() == 1


def test_the_parameters_codes_are_shown_only_on_request(login, users):
    client = login(users.admin)
    plain = client.get(reverse("web:rules")).content.decode()
    assert ">admission.min_age_months<" not in plain  # in addresses only, never as text
    assert "Hiện mã tham số" in plain
    shown = client.get(reverse("web:rules"), {"ma": "1"}).content.decode()
    assert '<code class="small muted">admission.min_age_months</code>' in shown
