"""The money rule in SQL (`sql.py`, the roll-up and the contract page) gives exactly what
`money.py` gives, to the cent, on any line and action (hypothesis), on the database the
tests run on (SQLite or PostgreSQL)."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crte.actions.models import Action
from crte.actions.tests.factories import ActionFactory
from crte.contracts.tests.factories import ContractFactory, OrientationFactory
from crte.finance.models import FundingLine
from crte.finance.money import Period, action_total, period_total, resolved
from crte.finance.overview import facts_of
from crte.finance.sql import action_period_total, line_period_total, resolved_amount
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

AMOUNTS = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**11, places=2),
    st.sampled_from([D("0.01"), D("0.02"), D("250000.01"), D("999999999999.99")]),
)
SHARES = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=1, places=8),
    st.sampled_from([D("0.33333334"), D("0.005"), D("0.125"), D("0.00000001"), D("1")]),
)
YEARS = st.one_of(st.none(), st.integers(2010, 2035))
PERIODS = st.sampled_from([(2021, 2026), (2023, 2028), (2022, 2022), (None, None), (2021, None)])


def years(draw) -> tuple[int | None, int | None]:
    start = draw(YEARS)
    if start is None:
        return None, draw(YEARS)  # an end alone
    length = draw(st.one_of(st.none(), st.integers(0, 12)))
    return start, None if length is None else start + length


@st.composite
def cases(draw):
    period = draw(PERIODS)
    action_years = years(draw)
    lines = [
        {
            "amount": draw(AMOUNTS),
            "share": draw(SHARES),
            "is_annual": draw(st.booleans()),
            "years": years(draw),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return period, draw(AMOUNTS), draw(st.sampled_from(Action.AmountBasis.values)), action_years, lines


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_sql_and_python_give_the_same_amounts(db, case):
    (first, last), amount, basis, (start, end), lines = case
    with transaction.atomic():
        contract = ContractFactory(start_year=first, end_year=last)
        action = ActionFactory(
            orientation=OrientationFactory(contract=contract),
            amount=amount,
            amount_basis=basis,
            start_year=start,
            end_year=end,
        )
        for n, line in enumerate(lines):
            FundingLineFactory(
                action=action,
                external_id=f"l{n}",
                amount=line["amount"],
                share=line["share"],
                is_annual=line["is_annual"],
                start_year=line["years"][0],
                end_year=line["years"][1],
            )
        period = Period(first, last)
        in_sql = Action.objects.annotate(total=action_period_total()).get(pk=action.pk).total or 0
        assert in_sql == action_total(amount, basis == Action.AmountBasis.ANNUAL, start, end, period)
        rows = FundingLine.objects.filter(action=action).annotate(
            resolved_in_sql=resolved_amount(), total_in_sql=line_period_total()
        )
        for row in rows.select_related("action__orientation", "funder"):
            assert row.resolved_in_sql == resolved(row.amount, row.share, amount)
            assert (row.total_in_sql or 0) == period_total(facts_of(row), period), (
                row.is_annual,
                row.start_year,
            )
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("share", "amount", "expected"),
    [
        (D("0.33333334"), D("250000"), D("83333.34")),  # 83 333,335: half up
        (D("0.125"), D("100.1"), D("12.51")),  # 12,5125
        (D("0.005"), D("1"), D("0.01")),
        (D("0.00000001"), D("999999999999.99"), D("10000.00")),
        (D("1"), D("999999999999.99"), D("999999999999.99")),
    ],
)
def test_a_share_resolves_half_up_in_sql_as_in_python(orientation, share, amount, expected):
    action = ActionFactory(orientation=orientation, amount=amount)
    FundingLineFactory(action=action, amount=None, share=share)
    assert FundingLine.objects.annotate(r=resolved_amount()).get(action=action).r == expected
    assert resolved(None, share, amount) == expected
