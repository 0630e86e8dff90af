"""The one money rule, on exact figures."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.finance.money import (
    LineFacts,
    Period,
    action_total,
    cents,
    is_own_share,
    own_years,
    period_total,
    resolved,
    span,
    split,
    spread,
    years_inside,
)

CONTRACT = Period(2021, 2026)


def line(amount, *, annual=False, start=None, end=None) -> LineFacts:
    return LineFacts("F", "O", "", "prevu", amount, annual, start, end)


def test_a_written_amount_wins_over_a_share():
    assert resolved(D("100"), D("0.5"), D("1000")) == D("100")


def test_a_share_resolves_to_the_cent_half_up():
    assert resolved(None, D("0.33333333"), D("1000")) == D("333.33")
    assert resolved(None, D("0.005"), D("1")) == D("0.01")  # 0.005 rounds up
    assert resolved(None, D("0.5"), None) is None
    assert resolved(None, None, D("1000")) is None


def test_cents_rounds_half_up():
    assert cents(D("2.345")) == D("2.35")
    assert cents(D("2.344")) == D("2.34")


def test_years_of_a_span():
    assert span(2022, 2024, CONTRACT) == [2022, 2023, 2024]
    assert span(2025, None, CONTRACT) == [2025]  # a total dated by one year is that year's
    assert span(2025, None, CONTRACT, annual=True) == [2025, 2026]  # « par an à compter de »
    assert span(2024, 2022, CONTRACT) == [2024]
    assert span(None, 2024, CONTRACT) == []
    assert span(2024, None, Period()) == [2024]
    assert span(2024, None, Period(), annual=True) == [2024]
    assert span(2028, None, CONTRACT, annual=True) == [2028]  # starts after the contract


def test_years_inside_the_contract():
    assert years_inside(2019, 2022, CONTRACT) == [2021, 2022]
    assert years_inside(2027, 2028, CONTRACT) == [2027]  # none inside: its first year
    assert years_inside(2021, 2026, CONTRACT) == list(range(2021, 2027))


def test_an_annual_amount_counts_each_year_inside_the_contract():
    assert period_total(line(D("1000"), annual=True, start=2022, end=2024), CONTRACT) == D("3000")
    assert period_total(line(D("1000"), annual=True, start=2019), CONTRACT) == D("6000")
    assert period_total(line(D("1000"), annual=True), CONTRACT) == D("1000")
    assert period_total(line(D("1000"), start=2022, end=2024), CONTRACT) == D("1000")
    assert period_total(line(None, annual=True, start=2022), CONTRACT) == D("0")


def test_an_action_follows_the_same_rule():
    assert action_total(D("500"), True, 2025, None, CONTRACT) == D("1000")
    assert action_total(D("500"), False, 2025, None, CONTRACT) == D("500")
    assert action_total(None, True, 2025, None, CONTRACT) == D("0")


def test_a_total_is_spread_to_the_cent_by_largest_remainder():
    assert spread(line(D("100"), start=2021, end=2023), CONTRACT) == {
        2021: D("33.34"),
        2022: D("33.33"),
        2023: D("33.33"),
    }
    assert spread(line(D("100")), CONTRACT) == {None: D("100")}
    assert spread(line(None, start=2021), CONTRACT) == {}
    assert spread(line(D("10"), annual=True, start=2025), CONTRACT) == {2025: D("10"), 2026: D("10")}


def test_period_length():
    assert CONTRACT.years() == 6
    assert Period(2021, None).years() is None
    assert Period(2026, 2021).years() is None


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    start=st.integers(2015, 2030),
    length=st.integers(0, 10),
    annual=st.booleans(),
)
def test_the_years_always_add_up_to_the_period_total(amount, start, length, annual):
    facts = line(amount, annual=annual, start=start, end=start + length)
    assert sum(spread(facts, CONTRACT).values(), D(0)) == period_total(facts, CONTRACT)


@pytest.mark.parametrize("share", [D("0.1"), D("0.25"), D("0.3333"), D("1")])
def test_shares_of_an_amount_never_keep_sub_cent_decimals(share):
    value = resolved(None, share, D("123456.78"))
    assert value == value.quantize(D("0.01"))


@pytest.mark.django_db
def test_the_maquette_reads_the_same_facts_as_plain_rows_and_as_models(action, funder):
    from crte.finance.overview import contract_facts, contract_lines, facts_of
    from crte.finance.tests.factories import FundingLineFactory

    FundingLineFactory(action=action, funder=funder, amount=None, share=D("0.3333"), credit_type="relance")
    FundingLineFactory(action=action, funder=None, amount=D("10"), is_annual=True, start_year=2023)
    assert contract_facts(action.contract) == [facts_of(line) for line in contract_lines(action.contract)]


def test_a_one_year_period_counts_one_year():
    assert Period(2022, 2022).years() == 1
    assert Period(2022, 2021).years() is None


def test_a_spread_amount_keeps_whole_cents_and_gives_one_cent_each_to_the_first_years():
    # 0,02 € over three years: every year the cents rounded down, the cents left one by one.
    assert spread(line(D("0.02"), start=2022, end=2024), CONTRACT) == {
        2022: D("0.01"),
        2023: D("0.01"),
        2024: D("0.00"),
    }


def test_an_annual_action_counts_its_own_years_inside_the_contract():
    assert action_total(D("100"), True, 2022, 2024, CONTRACT) == D("300")
    assert action_total(D("100"), True, 2022, None, CONTRACT) == D("500")  # to the contract's end
    assert action_total(D("100"), False, 2022, 2024, CONTRACT) == D("100")


# -- issue 21: one truth for every figure ------------------------------------------------


def test_a_total_dated_by_one_year_is_that_years_line():
    """A 2024 line of 200 000 € was 66 666,66 € in 2024, 2025 and 2026."""
    assert spread(line(D("200000"), start=2024), CONTRACT) == {2024: D("200000")}
    assert spread(line(D("200000"), start=2024, end=2024), CONTRACT) == {2024: D("200000")}
    assert period_total(line(D("200000"), start=2024), CONTRACT) == D("200000")


def test_an_explicit_span_is_spread_and_an_annual_amount_counts_each_year_it_covers():
    assert spread(line(D("250000"), start=2024, end=2026), CONTRACT) == {
        2024: D("83333.34"),
        2025: D("83333.33"),
        2026: D("83333.33"),
    }
    yearly = line(D("50000"), annual=True, start=2024, end=2026)
    assert spread(yearly, CONTRACT) == dict.fromkeys([2024, 2025, 2026], D("50000"))
    assert period_total(yearly, CONTRACT) == D("150000")
    assert spread(line(D("50000"), annual=True, start=2024), CONTRACT) == dict.fromkeys(
        [2024, 2025, 2026], D("50000")
    )


def test_only_the_years_inside_the_contract_count():
    """An amount per year counts for its years inside the contract; a total is split over
    all its years and only the parts of the years inside count. A line with no year inside
    counts once, in its first year (never lost)."""
    before = line(D("800"), start=2015, end=2022)  # 100 a year
    assert spread(before, CONTRACT) == {2021: D("100"), 2022: D("100")}
    assert period_total(before, CONTRACT) == D("200")
    after = line(D("300"), start=2025, end=2027)
    assert spread(after, CONTRACT) == {2025: D("100"), 2026: D("100")}
    assert spread(line(D("10"), annual=True, start=2019, end=2022), CONTRACT) == {
        2021: D("10"),
        2022: D("10"),
    }
    assert spread(line(D("500"), start=2018, end=2019), CONTRACT) == {2018: D("500")}
    assert spread(line(D("10"), annual=True, start=2018, end=2019), CONTRACT) == {2018: D("10")}
    assert spread(line(D("500"), start=2018, end=2019), Period()) == {2018: D("250"), 2019: D("250")}


def test_a_line_takes_its_own_years_or_its_actions_never_one_of_each():
    assert own_years(2024, None, 2022, 2026) == (2024, None)
    assert own_years(2024, 2025, 2022, 2026) == (2024, 2025)
    assert own_years(None, None, 2022, 2026) == (2022, 2026)
    assert own_years(None, 2025, 2022, 2026) == (2022, 2026)  # an end alone says nothing
    assert own_years(None, None, None, None) == (None, None)


def test_the_owners_own_share():
    assert is_own_share(7, {7, 8})
    assert not is_own_share(9, {7, 8})
    assert not is_own_share(None, {7})
    assert is_own_share(9, {7}, marked=True)
    assert is_own_share(None, set(), marked=True)


def test_split_examples():
    assert split(D("100"), 3) == [D("33.34"), D("33.33"), D("33.33")]
    assert split(D("200000"), 3) == [D("66666.67"), D("66666.67"), D("66666.66")]
    assert split(D("0.01"), 2) == [D("0.01"), D("0.00")]
    assert split(D("5"), 1) == [D("5")]
    assert split(D("0"), 4) == [D("0.00")] * 4


@given(total=st.decimals(min_value=0, max_value=10**12, places=2), parts=st.integers(1, 40))
def test_a_split_adds_up_to_the_cent_and_its_parts_differ_by_a_cent_at_most(total, parts):
    pieces = split(total, parts)
    assert len(pieces) == parts
    assert sum(pieces, D(0)) == total
    assert all(p == p.quantize(D("0.01")) and p >= 0 for p in pieces)
    assert max(pieces) - min(pieces) <= D("0.01")
    assert pieces == sorted(pieces, reverse=True)  # the cents left go to the first years


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    start=st.integers(2010, 2035),
    length=st.one_of(st.none(), st.integers(0, 12)),
    annual=st.booleans(),
    period=st.sampled_from([CONTRACT, Period(2023, 2028), Period(), Period(2021, None)]),
)
def test_every_year_counted_is_a_year_of_the_line_inside_the_contract(amount, start, length, annual, period):
    facts = line(amount, annual=annual, start=start, end=None if length is None else start + length)
    years = span(facts.start_year, facts.end_year, period, annual=annual)
    parts = spread(facts, period)
    inside = [y for y in years if (period.start or y) <= y <= (period.end or y)]
    assert list(parts) == (inside or years[:1])
    assert list(parts) == years_inside(facts.start_year, facts.end_year, period, annual=annual)
    if not annual and len(inside) == len(years):
        assert sum(parts.values(), D(0)) == amount  # a total wholly inside counts whole
