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
    period_total,
    resolved,
    span,
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
    assert span(2025, None, CONTRACT) == [2025, 2026]  # open: to the contract's end
    assert span(2024, 2022, CONTRACT) == [2024]
    assert span(None, 2024, CONTRACT) == []
    assert span(2024, None, Period()) == [2024]


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


def test_a_total_is_spread_to_the_cent_with_the_remainder_last():
    assert spread(line(D("100"), start=2021, end=2023), CONTRACT) == {
        2021: D("33.33"),
        2022: D("33.33"),
        2023: D("33.34"),
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


def test_a_spread_amount_keeps_whole_cents_and_gives_the_rest_to_the_last_year():
    # 0,02 € over three years: cents rounded down each year, the last year takes what is left.
    assert spread(line(D("0.02"), start=2022, end=2024), CONTRACT) == {
        2022: D("0.00"),
        2023: D("0.00"),
        2024: D("0.02"),
    }


def test_an_annual_action_counts_its_own_years_inside_the_contract():
    assert action_total(D("100"), True, 2022, 2024, CONTRACT) == D("300")
    assert action_total(D("100"), True, 2022, None, CONTRACT) == D("500")  # to the contract's end
    assert action_total(D("100"), False, 2022, 2024, CONTRACT) == D("100")
