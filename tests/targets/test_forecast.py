"""The forecast on made-up histories whose right answer is worked out by hand, then on
real dossiers through the database."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from dangvien.cases.admission import procedure as P
from dangvien.orgs.scope import scope_for
from dangvien.targets.forecast import OpenCase, PastCase, forecast, forecast_for, load_pipeline
from dangvien.targets.periods import default_bounds

D = dt.date
TODAY = D(2026, 11, 16)  # 45 days before 31/12/2026
YEAR = default_bounds("2026")
STEPS = (
    P.APPLICATION,
    P.HISTORY,
    P.INTRODUCTIONS,
    P.OPINIONS,
    P.CELL_VOTE,
    P.BASE_RESOLUTION,
    P.DECISION,
    P.CEREMONY,
)


def past(
    *, admitted: bool, at_decision_for: int = 0, reached: str = P.CEREMONY, path: str = "00000001."
) -> PastCase:
    """A closed dossier that entered the decision step on 1/3/2025 and was decided
    `at_decision_for` days later (if admitted), or stopped at `reached`."""
    entered = D(2025, 3, 1)
    return PastCase(
        path=path,
        steps=STEPS,
        reached=STEPS.index(reached) if not admitted else len(STEPS) - 1,
        admitted=admitted,
        entered={"opened": D(2025, 1, 1), P.DECISION: entered},
        decided_on=entered + dt.timedelta(days=at_decision_for) if admitted else None,
    )


# Ten dossiers were at the decision step: eight admitted after 10, 20, … 80 days; two refused.
HISTORY = [past(admitted=True, at_decision_for=10 * (i + 1)) for i in range(8)] + [
    past(admitted=False, reached=P.DECISION) for _ in range(2)
]


def test_five_dossiers_waiting_for_the_decision_give_two_expected_admissions():
    # Conversion at the decision step: 8/10. Of the admitted, 4 of 8 were decided within the
    # 45 days left (10, 20, 30, 40). Each of five fresh dossiers: 0.8 × 0.5 = 0.4 → 2.0.
    open_cases = [OpenCase("00000001.", P.DECISION, TODAY, None) for _ in range(5)]
    f = forecast(
        org_id=1, period=YEAR, today=TODAY, admitted=2, target=5, open_cases=open_cases, history=HISTORY
    )
    assert f.expected == pytest.approx(2.0)
    (line,) = f.lines
    assert (line.step, line.open_cases, line.pace.seen, line.pace.admitted) == (P.DECISION, 5, 10, 8)
    assert line.pace.conversion == pytest.approx(0.8) and line.pace.median_days() == 50
    # Variance 5 × 0.4 × 0.6 = 1.2; range 2 ± 1.645·√1.2 = 2 ± 1.80 → 0.20 … 3.80 → 0 … 4.
    assert f.variance == pytest.approx(1.2)
    assert (f.low, f.expected_total, f.high) == (2 + 0, 4, 2 + 4)
    assert f.at_risk and not f.out_of_reach  # 2 + 2 < 5, but 6 ≥ 5


def test_a_dossier_that_has_already_waited_is_judged_among_the_past_ones_as_slow():
    # Waited 35 days: the past dossiers not decided by then took 40…80 days, all within 35 + 45.
    waited = [OpenCase("00000001.", P.DECISION, TODAY - dt.timedelta(days=35), None)]
    f = forecast(
        org_id=1, period=YEAR, today=TODAY, admitted=0, target=None, open_cases=waited, history=HISTORY
    )
    assert f.expected == pytest.approx(0.8)
    # Waited 85 days: slower than every past dossier: an even chance of the time, shown as such.
    stuck = [OpenCase("00000001.", P.DECISION, TODAY - dt.timedelta(days=85), None)]
    f = forecast(
        org_id=1, period=YEAR, today=TODAY, admitted=0, target=None, open_cases=stuck, history=HISTORY
    )
    assert f.expected == pytest.approx(0.4)
    assert not f.at_risk  # no target, no risk


def test_a_decided_dossier_counts_with_its_decision_date():
    decided_in = OpenCase("00000001.", P.CEREMONY, D(2026, 10, 1), D(2026, 9, 30))
    decided_before = OpenCase("00000001.", P.CEREMONY, D(2026, 1, 5), D(2025, 12, 30))  # counted in 2025
    f = forecast(
        org_id=1,
        period=YEAR,
        today=TODAY,
        admitted=0,
        target=1,
        open_cases=[decided_in, decided_before],
        history=HISTORY,
    )
    assert f.expected == pytest.approx(1.0)  # 8 of 8 that reached the ceremony were admitted
    assert not f.at_risk


def test_the_pool_is_opened_at_last_years_pace_and_never_beyond_its_size():
    # Opened → decided in 61…130 days for the eight admitted (1/1 → 1/3 is 59 days, plus 10…80):
    # none of them fits in 45 days, so the pool adds nothing before 31/12.
    f = forecast(
        org_id=1,
        period=YEAR,
        today=TODAY,
        admitted=0,
        target=None,
        open_cases=[],
        history=HISTORY,
        pool=30,
        openings_last_year=24,
    )
    assert f.pool_expected == 0
    # A whole year ahead with the same pace: 2 dossiers a month for 12 months, 24 of the 30.
    f = forecast(
        org_id=1,
        period=default_bounds("2027"),
        today=D(2027, 1, 1),
        admitted=0,
        target=None,
        open_cases=[],
        history=HISTORY,
        pool=30,
        openings_last_year=24,
    )
    assert 0 < f.pool_expected <= 24 * 0.8
    few = forecast(
        org_id=1,
        period=default_bounds("2027"),
        today=D(2027, 1, 1),
        admitted=0,
        target=None,
        open_cases=[],
        history=HISTORY,
        pool=3,
        openings_last_year=24,
    )
    assert few.pool_expected <= 3 * 0.8 + 1e-9


def test_a_step_with_too_little_history_uses_every_organizations_history():
    small = HISTORY[:3]  # three dossiers of its own
    calls = []

    def national():
        calls.append(1)
        from dangvien.targets.forecast import paces

        return paces(HISTORY)

    open_cases = [OpenCase("00000001.", P.DECISION, TODAY, None) for _ in range(5)]
    f = forecast(
        org_id=1,
        period=YEAR,
        today=TODAY,
        admitted=0,
        target=None,
        open_cases=open_cases,
        history=small,
        national=national,
    )
    assert f.lines[0].pace.national and f.expected == pytest.approx(2.0) and calls
    enough = forecast(
        org_id=1,
        period=YEAR,
        today=TODAY,
        admitted=0,
        target=None,
        open_cases=open_cases,
        history=HISTORY,
        national=national,
    )
    assert not enough.lines[0].pace.national


def test_a_period_already_over_expects_nothing_more():
    f = forecast(
        org_id=1,
        period=default_bounds("2025"),
        today=TODAY,
        admitted=7,
        target=10,
        open_cases=[OpenCase("x", P.DECISION, TODAY, None)],
        history=HISTORY,
    )
    assert f.expected == 0 and f.expected_total == 7 and f.at_risk and f.out_of_reach
    assert math.isclose(f.variance, 0)


@pytest.mark.django_db
def test_the_forecast_reads_the_open_dossiers_of_the_subtree_from_the_database(tree):
    from ..cases_helpers import candidate, open_case

    open_case(candidate(tree.xa_c1, name="Nguyễn Thị Hằng"))
    open_case(candidate(tree.xb_c1, name="Lê Thị Mai"))
    data = load_pipeline(scope_for(None), tree.xa, TODAY)
    assert [c.path for c in data.open_cases] == [tree.xa_c1.path]
    f = forecast_for(data, tree.xa, period=YEAR, today=TODAY, admitted=0, target=3)
    assert sum(line.open_cases for line in f.lines) == 1
    assert f.at_risk


def test_a_term_with_years_left_adds_the_units_own_pace_beyond_the_next_twelve_months():
    term = default_bounds("2025-2030")  # ends 31/12/2029
    today = D(2026, 12, 31)
    f = forecast(
        org_id=1,
        period=term,
        today=today,
        admitted=200,
        target=435,
        open_cases=[],
        history=HISTORY,
        admitted_last_year=73,
    )
    # 31/12/2026 → 31/12/2029 is 1,096 days; beyond the first 365: 731 days at 73 a year = 146.2.
    assert f.later_days == 731 and f.later_expected == pytest.approx(146.2)
    # Range 146.2 ± 1.645·√146.2 = 126.3 … 166.1: even its top (367) falls short of 435.
    assert (f.low, f.expected_total, f.high) == (326, 346, 367)
    assert f.at_risk and f.out_of_reach
    assert (
        forecast(
            org_id=1,
            period=YEAR,
            today=TODAY,
            admitted=0,
            target=None,
            open_cases=[],
            history=HISTORY,
            admitted_last_year=73,
        ).later_expected
        == 0
    )  # a year: the pipeline covers it
