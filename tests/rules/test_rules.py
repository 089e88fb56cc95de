"""Rule packs, overrides and the working-day calendar, at their boundaries."""

import datetime as dt
from fractions import Fraction

import pytest

from dangvien.accounts.models import AuditEntry
from dangvien.core.errors import ServiceError
from dangvien.orgs.models import OrgKind
from dangvien.orgs.services import org_create
from dangvien.rules.arithmetic import vote_passes, votes_needed
from dangvien.rules.calendar import (
    Calendar,
    add_months,
    add_working_days,
    age_in_full_months,
    calendar_from_db,
    working_days_between,
)
from dangvien.rules.packs import PACKS, PARAMS, pack_for
from dangvien.rules.selectors import RuleBook, rule, rules_overview
from dangvien.rules.services import calendar_day_remove, calendar_day_set, rule_override, rule_override_revoke

D = dt.date


# --- Packs ---------------------------------------------------------------------------


def test_every_pack_gives_every_parameter_a_value_a_source_and_a_confidence():
    for pack in PACKS:
        assert set(pack.entries) == set(PARAMS), pack.code
        for key, entry in pack.entries.items():
            assert entry.source.strip(), (pack.code, key)
            assert entry.confidence in ("H", "M", "L"), (pack.code, key)


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (D(2019, 5, 1), "qd24-2021"),  # older acts: the oldest pack the product knows
        (D(2025, 1, 19), "qd24-2021"),
        (D(2025, 1, 20), "qd232-2025"),
        (D(2025, 6, 20), "qd232-2025"),
        (D(2025, 6, 30), "qd232-2025"),
        (D(2025, 7, 1), "qd294-2025"),
        (D(2026, 11, 23), "qd294-2025"),
    ],
)
def test_the_pack_in_force_is_chosen_by_the_date_of_the_act(on, code):
    assert pack_for(on).code == code


@pytest.mark.django_db
def test_a_rule_cites_the_text_in_force_on_the_date_of_the_act():
    assert "QĐ 232" in rule("deadline.ceremony_working_days", on=D(2025, 6, 20)).source
    assert "QĐ 294" in rule("deadline.ceremony_working_days", on=D(2025, 7, 1)).source


# --- Age in months -------------------------------------------------------------------


def test_the_day_a_person_turns_18_in_months_and_the_day_before():
    birth = D(2008, 3, 15)
    minimum = pack_for(D(2026, 3, 15)).entries["admission.min_age_months"].value
    assert age_in_full_months(birth, D(2026, 3, 14)) == 215 < minimum
    assert age_in_full_months(birth, D(2026, 3, 15)) == 216 == minimum


def test_60_years_is_within_the_limit_and_60_years_and_11_months_is_not():
    birth = D(1965, 5, 10)
    maximum = pack_for(D(2026, 1, 1)).entries["admission.max_age_months"].value
    assert age_in_full_months(birth, D(2025, 5, 10)) == 720 == maximum  # full 60: still admissible
    assert age_in_full_months(birth, D(2025, 6, 9)) == 720  # 60 years and 30 days: still 720 months
    assert age_in_full_months(birth, D(2025, 6, 10)) == 721 > maximum
    assert age_in_full_months(birth, D(2026, 4, 10)) == 731 > maximum  # 60 years 11 months: "60" in years


def test_calendar_months_clamp_to_the_end_of_a_shorter_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2021, 3, 12), 60) == D(2026, 3, 12)


# --- Working days --------------------------------------------------------------------


def test_a_deadline_spanning_tet_2026_skips_the_five_days_off():
    # Tết Bính Ngọ: Mon 16/02 to Fri 20/02/2026 off.
    assert add_working_days(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 23)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_a_deadline_spanning_tet_2027():
    # Tết Đinh Mùi: Thu 04/02 to Wed 10/02/2027 off.
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert working_days_between(D(2027, 2, 1), D(2027, 2, 12)) == 4  # 2, 3, 11, 12 (the 1st not counted)


def test_60_working_days_from_a_resolution_before_tet_2026():
    # 60 working days from Thu 08/01/2026: five Tết days and no other holiday on the way.
    due = add_working_days(D(2026, 1, 8), 60)
    assert due == D(2026, 4, 9)
    assert working_days_between(D(2026, 1, 8), due) == 60


def test_the_2_9_holidays_and_the_swapped_saturday_of_2026():
    # 2026: Mon 31/08 off in exchange for Sat 22/08 worked; 1/9 and 2/9 off.
    assert Calendar().is_working_day(D(2026, 8, 22))
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)
    assert working_days_between(D(2026, 8, 21), D(2026, 8, 24)) == 2  # Sat 22 and Mon 24


def test_due_dates_are_the_day_before_the_day_of_and_the_day_after():
    due = add_working_days(D(2026, 3, 2), 30)
    assert working_days_between(due, due - dt.timedelta(days=1)) <= 0  # not late the day before
    assert working_days_between(due, due) == 0  # due today: not late
    assert working_days_between(due, add_working_days(due, 1)) == 1  # one working day late


def test_a_suspension_moves_the_due_date_by_the_suspended_working_days():
    due = D(2026, 3, 20)
    suspended, resumed = D(2026, 3, 2), D(2026, 3, 9)
    moved = add_working_days(due, working_days_between(suspended, resumed))
    assert moved == D(2026, 3, 27)


def test_administrator_days_change_the_arithmetic():
    cal = Calendar(extra_off=[D(2026, 3, 3)], extra_work=[D(2026, 3, 7)])  # a Tuesday off, a Saturday worked
    assert not cal.is_working_day(D(2026, 3, 3))
    assert cal.is_working_day(D(2026, 3, 7))
    assert cal.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5


def test_negative_spans():
    assert add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert working_days_between(D(2026, 2, 23), D(2026, 2, 13)) == -1


# --- Votes ---------------------------------------------------------------------------


def test_a_vote_of_exactly_two_thirds_passes_and_one_short_fails():
    two_thirds = Fraction(2, 3)
    assert vote_passes(yes=28, denominator=42, threshold=two_thirds)
    assert not vote_passes(yes=27, denominator=42, threshold=two_thirds)
    assert votes_needed(denominator=42, threshold=two_thirds) == 28
    assert votes_needed(denominator=10, threshold=two_thirds) == 7  # 6,67 rounds up, never down
    assert not vote_passes(yes=6, denominator=10, threshold=two_thirds)
    assert not vote_passes(yes=0, denominator=0, threshold=two_thirds)


# --- Overrides -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_override_takes_effect_from_its_date_only_and_can_be_revoked(tree, users):
    o = rule_override(
        actor=users.admin,
        key="certificate.validity_months",
        value="48",
        effective_from=D(2026, 3, 1),
        reason="Công văn thử nghiệm số 1",
    )
    book = RuleBook.load()
    assert book.value("certificate.validity_months", on=D(2026, 2, 28)) == 60
    assert book.value("certificate.validity_months", on=D(2026, 3, 1)) == 48
    assert book.value("certificate.validity_months", on=D(2026, 3, 2)) == 48
    assert "Công văn thử nghiệm số 1" in book.get("certificate.validity_months", on=D(2026, 3, 2)).source
    assert AuditEntry.objects.filter(action="rules.override").count() == 1

    rule_override_revoke(actor=users.admin, override=o, reason="Nhập nhầm")
    assert rule("certificate.validity_months", on=D(2026, 3, 2)).value == 60
    assert AuditEntry.objects.filter(action="rules.override.revoke").count() == 1
    with pytest.raises(ServiceError):
        rule_override_revoke(actor=users.admin, override=o, reason="lần hai")


@pytest.mark.django_db
def test_a_province_override_applies_inside_that_province_only(tree, users):
    other = org_create(
        actor=None,
        code="KHAC",
        name="Đảng bộ tỉnh Khác",
        kind=OrgKind.PROVINCE,
        parent=None,
        founded_on=D(2000, 1, 1),
    )
    rule_override(
        actor=users.admin,
        key="deadline.ceremony_working_days",
        value="20",
        effective_from=D(2026, 1, 1),
        reason="Tỉnh ủy quy định chặt hơn",
        province=tree.province,
    )
    rule_override(
        actor=users.admin,
        key="deadline.ceremony_working_days",
        value="25",
        effective_from=D(2026, 6, 1),
        reason="Toàn quốc, sau",
    )
    book = RuleBook.load()
    on = D(2026, 7, 1)
    assert book.value("deadline.ceremony_working_days", on=on, org=tree.xa_c1) == 20  # the province's wins
    assert book.value("deadline.ceremony_working_days", on=on, org=other) == 25
    assert book.value("deadline.ceremony_working_days", on=D(2026, 5, 1), org=other) == 30
    assert book.value("deadline.ceremony_working_days", on=on) == 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("certificate.validity_months", "sáu mươi", "số nguyên"),
        ("certificate.validity_months", "-5", "số nguyên"),
        ("vote.cell_threshold", "3/2", "không quá 1"),
        ("vote.cell_threshold", "2/0", "tỷ lệ"),
        ("admission.over_age_needs_province_agreement", "có lẽ", "có"),
        ("khong.co", "1", "Không có tham số"),
    ],
)
def test_a_bad_override_is_refused_and_writes_nothing(tree, users, key, value, message):
    from dangvien.rules.models import RuleOverride

    with pytest.raises(ServiceError) as exc:
        rule_override(actor=users.admin, key=key, value=value, effective_from=D(2026, 1, 1), reason="thử")
    assert message in exc.value.message
    assert not RuleOverride.objects.exists()


@pytest.mark.django_db
def test_only_administrators_change_rules_and_the_calendar(tree, users):
    from dangvien.rules.models import CalendarDay, RuleOverride

    for user in (users.an, users.bithu1, users.xem1):
        with pytest.raises(ServiceError):
            rule_override(
                actor=user, key="probation.months", value="6", effective_from=D(2026, 1, 1), reason="x"
            )
        with pytest.raises(ServiceError):
            calendar_day_set(actor=user, date=D(2026, 3, 3), working=False, reason="x")
    assert not RuleOverride.objects.exists() and not CalendarDay.objects.exists()
    calendar_day_set(actor=users.admin, date=D(2026, 3, 3), working=False, reason="Ngày truyền thống tỉnh")
    assert not calendar_from_db().is_working_day(D(2026, 3, 3))
    calendar_day_remove(actor=users.admin, date=D(2026, 3, 3))
    assert calendar_from_db().is_working_day(D(2026, 3, 3))
    assert AuditEntry.objects.filter(action__startswith="rules.calendar").count() == 2


@pytest.mark.django_db
def test_the_overview_shows_every_parameter_with_its_history(tree, users, django_assert_num_queries):
    rule_override(
        actor=users.admin, key="probation.months", value="12", effective_from=D(2026, 1, 1), reason="x"
    )
    with django_assert_num_queries(1):
        rows = rules_overview(today=D(2026, 11, 23))
    assert len(rows) == len(PARAMS)
    probation = next(r for r in rows if r.key == "probation.months")
    assert len(probation.per_pack) == len(PACKS) and len(probation.overrides) == 1
