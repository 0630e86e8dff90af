from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.indicators.trajectory import LATE, NO_DATA, ON_TRACK, Trajectory, position, target_value

D = Decimal


def ghg() -> Trajectory:
    """PCAET: GHG -24 % between 2017 and 2030, from 1 000 000 teq CO2."""
    baseline = D("1000000")
    return Trajectory(date(2017, 1, 1), baseline, date(2030, 1, 1), target_value(baseline, None, D("-0.24")))


def test_a_relative_target_resolves_against_the_baseline():
    assert target_value(D("1000000"), None, D("-0.24")) == D("760000")
    assert target_value(D("200"), None, D("4")) == D("1000")  # renewables x 5
    assert target_value(None, None, D("-0.13")) is None
    assert target_value(None, D("100"), None) == D("100")


def test_the_path_is_straight_between_baseline_and_target():
    path = ghg()
    assert path.expected(date(2017, 1, 1)) == D("1000000")
    assert path.expected(date(2030, 1, 1)) == D("760000")
    assert path.expected(date(2010, 1, 1)) == D("1000000")
    assert path.expected(date(2035, 1, 1)) == D("760000")
    midway = path.expected(date(2023, 7, 3))  # 2374 of 4748 days
    assert midway == D("880000")


@pytest.mark.parametrize(
    ("value", "status"),
    [(D("870000"), ON_TRACK), (D("880000"), ON_TRACK), (D("900000"), LATE)],
)
def test_decreasing_target_below_the_path_is_on_track(value, status):
    result = position(ghg(), "baisse", date(2023, 7, 3), value)
    assert result.status == status
    assert result.gap == value - D("880000")


def test_increasing_target_above_the_path_is_on_track():
    path = Trajectory(date(2017, 1, 1), D("200"), date(2030, 1, 1), D("1000"))
    assert position(path, "hausse", date(2030, 1, 1), D("1000")).status == ON_TRACK
    assert position(path, "hausse", date(2030, 1, 1), D("999")).status == LATE


def test_no_value_or_no_target_means_no_data():
    assert position(None, "baisse", date(2022, 1, 1), D("1")).status == NO_DATA
    assert position(ghg(), "baisse", None, None).status == NO_DATA


@given(
    st.decimals(min_value=1, max_value=10**7, places=2),
    st.decimals(min_value=-1, max_value=5, places=2),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)),
)
def test_the_expected_value_stays_between_baseline_and_target(baseline, change, on):
    target = target_value(baseline, None, change)
    path = Trajectory(date(2017, 1, 1), baseline, date(2030, 1, 1), target)
    low, high = min(baseline, target), max(baseline, target)
    assert low <= path.expected(on) <= high


def test_a_path_of_one_day_is_its_baseline_on_that_day():
    path = Trajectory(date(2030, 1, 1), D("10"), date(2030, 1, 1), D("20"))
    assert path.expected(date(2030, 1, 1)) == D("10")


def test_a_date_without_a_value_or_a_value_without_a_date_is_no_data():
    assert position(ghg(), "baisse", None, D("1")).status == NO_DATA
    assert position(ghg(), "baisse", date(2023, 7, 3), None).status == NO_DATA


def test_the_position_gives_the_expected_value_the_gap_and_its_ratio():
    result = position(ghg(), "baisse", date(2023, 7, 3), D("902000"))
    assert (result.expected, result.gap, result.gap_ratio) == (D("880000"), D("22000"), D("0.025"))
    assert result.label == "En retard"
    assert position(ghg(), "baisse", date(2023, 7, 3), D("800000")).label == "Dans la trajectoire"
    zero = Trajectory(date(2020, 1, 1), D("0"), date(2030, 1, 1), D("0"))
    assert position(zero, "hausse", date(2025, 1, 1), D("3")).gap_ratio is None  # nothing to divide by


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (D("105"), ON_TRACK),
        (D("95"), ON_TRACK),
        (D("105.01"), LATE),
        (D("94.99"), LATE),
        (D("100"), ON_TRACK),
    ],
)
def test_a_steady_target_is_on_track_within_five_percent_of_the_baseline(value, status):
    path = Trajectory(date(2020, 1, 1), D("100"), date(2030, 1, 1), D("100"))
    assert position(path, "maintien", date(2025, 1, 1), value).status == status


@pytest.mark.parametrize(
    ("value", "status"), [(D("0.05"), ON_TRACK), (D("-0.05"), ON_TRACK), (D("0.06"), LATE)]
)
def test_a_steady_target_from_zero_allows_five_hundredths_either_way(value, status):
    path = Trajectory(date(2020, 1, 1), D("0"), date(2030, 1, 1), D("0"))
    assert position(path, "maintien", date(2025, 1, 1), value).status == status
