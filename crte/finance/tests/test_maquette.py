"""The maquette's arithmetic, on any lines (hypothesis): cells add up to the lines, no
float touches money, years split to the cent."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crte.finance.maquette import LineFacts, Period, build_maquette, period_total, spread

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
years = st.one_of(st.none(), st.integers(min_value=2015, max_value=2030))


@st.composite
def lines(draw):
    start = draw(years)
    end = draw(st.one_of(st.none(), st.integers(min_value=start or 2015, max_value=2032)))
    return LineFacts(
        funder=draw(st.sampled_from(["État", "Région", "CD62", "CABBALR"])),
        orientation=draw(st.sampled_from(["Se déplacer", "Habiter"])),
        credit_type=draw(st.sampled_from(["relance", "contractualise", "non précisé"])),
        status=draw(st.sampled_from(["prevu", "demande", "accorde", "verse", "refuse"])),
        amount=draw(st.one_of(st.none(), money)),
        is_annual=draw(st.booleans()),
        start_year=start,
        end_year=end,
    )


PERIOD = Period(2021, 2026)


@given(st.lists(lines(), max_size=30))
def test_the_cells_always_add_up_to_the_sum_of_the_lines(facts):
    maquette = build_maquette(facts, PERIOD)
    expected = sum((period_total(f, PERIOD) for f in facts), Decimal(0))
    assert sum(maquette.cells.values(), Decimal(0)) == expected
    assert maquette.total() == expected
    assert sum(maquette.status_totals().values(), Decimal(0)) == expected
    by_funder = maquette.pivot("funder", "year")
    assert sum((sum(row.values(), Decimal(0)) for row in by_funder.values()), Decimal(0)) == expected
    assert all(isinstance(v, Decimal) for v in maquette.cells.values())


@given(lines())
def test_a_total_amount_splits_over_its_years_to_the_cent(facts):
    parts = spread(facts, PERIOD)
    if facts.amount is None:
        assert parts == {}
    elif not facts.is_annual:
        # Only the parts of the years inside the contract count (all of it when none is).
        inside = (
            facts.start_year is None
            or PERIOD.start <= facts.start_year <= (facts.end_year or 0) <= PERIOD.end
        )
        if inside:
            assert sum(parts.values(), Decimal(0)) == facts.amount
        assert sum(parts.values(), Decimal(0)) <= facts.amount
        assert all(p == p.quantize(Decimal("0.01")) for p in parts.values())
        assert all(p >= 0 for p in parts.values())


def test_the_spreading_rule_on_examples():
    base = dict(funder="État", orientation="O", credit_type="c", status="prevu")
    total = LineFacts(**base, amount=Decimal("100"), is_annual=False, start_year=2022, end_year=2024)
    assert spread(total, PERIOD) == {
        2022: Decimal("33.34"),
        2023: Decimal("33.33"),
        2024: Decimal("33.33"),
    }
    annual = LineFacts(**base, amount=Decimal("150000"), is_annual=True, start_year=2015, end_year=2022)
    assert spread(annual, PERIOD) == {2021: Decimal("150000"), 2022: Decimal("150000")}
    open_ended = LineFacts(**base, amount=Decimal("2000000"), is_annual=True, start_year=2021, end_year=None)
    assert list(spread(open_ended, PERIOD)) == [2021, 2022, 2023, 2024, 2025, 2026]
    unknown = LineFacts(**base, amount=Decimal("5"), is_annual=False, start_year=None, end_year=None)
    assert spread(unknown, PERIOD) == {None: Decimal("5")}
