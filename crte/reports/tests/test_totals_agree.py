"""The same financer and the same contract show the same totals on every page: the
maquette, the roll-up (summed by the database), the dashboard and the contract page, on the
reference contract and on 20 generated ones."""

from collections import defaultdict
from decimal import Decimal

import pytest

from crte.contracts.models import Contract
from crte.demo.generate import generate
from crte.demo.reference import load_reference_contract, load_reference_data
from crte.finance.money import Period, action_total, cents
from crte.finance.overview import contract_maquette
from crte.indicators.reference import load_indicator_catalogue
from crte.reports.dashboard import dashboard_figures
from crte.reports.rollup import rollup
from crte.workspace.contract_page import orientation_figures

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


@pytest.fixture
def contracts(db):
    load_reference_data()
    load_indicator_catalogue()
    reference, _ = load_reference_contract()
    generate(20, seed=11)
    return [reference, *Contract.objects.filter(slug__startswith="crte-gen-")]


def figured(totals: dict) -> dict:
    """Financers with money (a financer named only on lines without a figure has none)."""
    return {funder: total for funder, total in totals.items() if total}


def close(a: Decimal, b: Decimal, lines: int = 1) -> bool:
    """Equal to the cent (the database may sum in floating point: a cent per line at most)."""
    return abs(cents(a) - cents(b)) <= CENT * max(lines, 1)


def check_every_financer_has_the_same_total_on_every_page(contracts):
    assert len(contracts) == 21
    checked = 0
    for contract in contracts:
        maquette, facts = contract_maquette(contract)
        by_page = {
            "maquette": figured(
                {f: sum(v.values(), Decimal(0)) for f, v in maquette.pivot("funder", "year").items()}
            ),
            "roll-up": figured(
                {f: t for f, _, t in rollup(Contract.objects.filter(pk=contract.pk))["by_funder"]}
            ),
            "dashboard": figured(
                {r["funder"]: r["total"] for r in dashboard_figures(contract)["financing"]["by_funder"]}
            ),
        }
        lines_per_funder = defaultdict(int)
        for fact in facts:
            lines_per_funder[fact.funder] += 1
        funders = set(by_page["maquette"])
        assert funders, contract
        for page, totals in by_page.items():
            assert set(totals) == funders, (contract, page)
            for funder in funders:
                assert close(totals[funder], by_page["maquette"][funder], lines_per_funder[funder]), (
                    contract.slug,
                    page,
                    funder,
                    totals[funder],
                    by_page["maquette"][funder],
                )
                checked += 1
    assert checked > 100


def check_every_contract_has_the_same_total_on_every_page(contracts):
    everywhere = {
        c.pk: c.amount for c in rollup(Contract.objects.filter(pk__in=[c.pk for c in contracts]))["contracts"]
    }
    for contract in contracts:
        expected = sum(
            (
                action_total(
                    a.amount,
                    a.is_annual,
                    a.start_year,
                    a.end_year,
                    Period(contract.start_year, contract.end_year),
                )
                for a in contract.actions.exclude(maturity="abandonnee")
            ),
            Decimal(0),
        )
        on_contract_page = sum((s.contract_total for s in orientation_figures(contract)), Decimal(0))
        assert close(on_contract_page, expected, contract.actions.count()), contract.slug
        on_dashboard = dashboard_figures(contract)["completion"]["amount_total"]
        assert close(on_contract_page, on_dashboard), contract.slug
        assert close(on_contract_page, everywhere[contract.pk] or Decimal(0), contract.actions.count()), (
            contract.slug
        )


def test_financers_and_contracts_have_the_same_totals_on_every_page(contracts):
    """One set of 21 contracts (the data takes most of the time), two checks."""
    check_every_financer_has_the_same_total_on_every_page(contracts)
    check_every_contract_has_the_same_total_on_every_page(contracts)


def test_the_dashboard_at_a_past_date_shows_the_signed_contract(db):
    import datetime as dt

    from crte.reports.dashboard import dashboard_figures

    load_reference_data()
    reference, _ = load_reference_contract()
    at_mid_2022 = dashboard_figures(reference, as_of=dt.date(2022, 6, 30))
    assert at_mid_2022["completion"]["total"] == reference.actions.exclude(maturity="abandonnee").count()
    assert at_mid_2022["financing"]["by_funder"]
    before_signature = dashboard_figures(reference, as_of=dt.date(2021, 12, 31))
    assert before_signature["completion"]["total"] == 0


def test_the_evaluation_of_a_year_is_frozen_at_its_last_day():
    import datetime as dt

    from crte.reports.evaluation import evaluation_date

    today = dt.date(2026, 11, 29)
    assert evaluation_date(2025, None, today) == dt.date(2025, 12, 31)
    assert evaluation_date(2026, None, today) == today
    assert evaluation_date(2025, dt.date(2025, 6, 30), today) == dt.date(2025, 6, 30)
    with pytest.raises(ValueError, match="dans l'année évaluée"):
        evaluation_date(2025, dt.date(2026, 1, 15), today)
