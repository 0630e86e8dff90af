"""The annual financing convention (Art. 4-2) lists, for its year, the lines of that year:
a line dated by one year in that year only, a span spread over its years, an amount per
year once in each year it covers; never the owner's own share; totals to the cent."""

from decimal import Decimal as D

import pytest

from crte.actions.tests.factories import ActionFactory
from crte.core.tests.factories import FunderFactory
from crte.finance.agreements import convention_content, live_participations
from crte.finance.models import FundingAgreement
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db
YEARS = range(2021, 2027)


@pytest.fixture
def validated(orientation, owner_org):
    """A validated action of 2022-2026 (the contract runs 2021-2026)."""
    return ActionFactory(
        orientation=orientation, owners=[owner_org], amount=D("900000"), start_year=2022, end_year=2026
    )


def by_year(contract) -> dict[int, D]:
    return {year: sum((p.amount for p in live_participations(contract, year)), D(0)) for year in YEARS}


def test_a_line_dated_by_one_year_is_only_in_that_years_convention(validated, funder):
    FundingLineFactory(action=validated, funder=funder, amount=D("200000"), start_year=2024)
    assert by_year(validated.contract) == {2021: 0, 2022: 0, 2023: 0, 2024: D("200000"), 2025: 0, 2026: 0}


def test_a_line_without_years_takes_its_actions_not_half_of_each(validated, funder):
    """Its own start year and its action's end year made a span nobody wrote."""
    validated.end_year = None  # « à compter de 2022 »: a total amount is engaged that year
    validated.save()
    FundingLineFactory(action=validated, funder=funder, amount=D("90000"))
    assert by_year(validated.contract)[2022] == D("90000")
    assert sum(by_year(validated.contract).values(), D(0)) == D("90000")


def test_a_span_is_spread_to_the_cent_and_an_annual_line_counts_each_year(validated, funder):
    FundingLineFactory(action=validated, funder=funder, amount=D("250000"), start_year=2024, end_year=2026)
    other = FunderFactory(name="Département de test")
    FundingLineFactory(action=validated, funder=other, amount=D("50000"), is_annual=True, start_year=2024)
    assert by_year(validated.contract) == {
        2021: 0,
        2022: 0,
        2023: 0,
        2024: D("133333.34"),
        2025: D("133333.33"),
        2026: D("133333.33"),
    }
    assert sum(by_year(validated.contract).values(), D(0)) == D("400000")


def test_the_owners_own_share_is_not_a_partners_participation(validated, funder, owner_org):
    FundingLineFactory(action=validated, funder=funder, amount=D("100000"), start_year=2023)
    FundingLineFactory(action=validated, funder=owner_org, amount=D("60000"), start_year=2023)
    marked = FunderFactory(name="Syndicat porteur")
    FundingLineFactory(
        action=validated, funder=marked, amount=D("40000"), start_year=2023, is_own_funding=True
    )
    rows = live_participations(validated.contract, 2023)
    assert [(row.funder, row.amount) for row in rows] == [(funder.name, D("100000"))]


def test_a_conventions_totals_add_up_to_the_cent(validated, funder):
    """Three lines spread over three years: each line's years add up to it, and the
    convention's action and partner totals are the sums of its rows."""
    others = [FunderFactory(name=f"Financeur {n}") for n in range(2)]
    for who in [funder, *others]:
        FundingLineFactory(
            action=validated, funder=who, amount=D("250000.01"), start_year=2022, end_year=2024
        )
    content = convention_content(FundingAgreement(contract=validated.contract, year=2022))
    rows = [row for action in content["actions"] for row in action["partners"]]
    assert [row.amount for row in rows] == [D("83333.34")] * 3  # 25 000 001 cents: 2 left over
    assert content["total"] == sum((row.amount for row in rows), D(0)) == D("250000.02")
    assert content["actions"][0]["total"] == content["total"]
    assert sum(content["by_funder"].values(), D(0)) == content["total"]
    over_the_years = [
        convention_content(FundingAgreement(contract=validated.contract, year=y))["total"] for y in YEARS
    ]
    assert sum(over_the_years, D(0)) == 3 * D("250000.01")
