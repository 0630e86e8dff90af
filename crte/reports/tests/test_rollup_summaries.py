"""The roll-up reads per-contract summaries: they must give exactly what summing every
action and financing line gives, after any write (form, import, deletion, contract years)."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.contracts.tests.factories import ContractFactory
from crte.core.models import PerimeterAccess
from crte.core.tests.factories import UserFactory
from crte.demo.generate import generate
from crte.demo.reference import load_reference_data
from crte.finance import summaries
from crte.finance.models import ContractSummary, FundingLine
from crte.reports.rollup import raw_rollup, rollup

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def comparable(figures: dict, lines: int) -> dict:
    """Figures with amounts rounded to the cent (SQLite sums decimals in floating point)."""

    def money(value):
        return None if value is None else round(Decimal(value), 1 if lines > 1000 else 2)

    return {
        "count": figures["count"],
        "actions": figures["actions"],
        "amount": money(figures["amount"]),
        "contracts": [(c.pk, c.n_actions, money(c.amount)) for c in figures["contracts"]],
        "by_departement": {
            code: (row["name"], row["contracts"], money(row["amount"]))
            for code, row in figures["by_departement"].items()
        },
        "years": figures["years"],
        "by_funder": [
            (funder, [money(v) for v in values], money(total))
            for funder, values, total in figures["by_funder"]
        ],
        "recovery_count": figures["recovery_count"],
        "indicators": figures["indicators"],
    }


def same(contracts=None):
    lines = FundingLine.objects.count()
    assert comparable(rollup(contracts), lines) == comparable(raw_rollup(contracts), lines)


@pytest.fixture
def generated(db):
    load_reference_data()
    generate(8, seed=21)
    return list(Contract.objects.order_by("pk"))


def test_summaries_equal_the_lines_after_every_kind_of_write(generated):
    same()
    assert not ContractSummary.objects.filter(computed__lt=F("writes")).exists()
    first, second = generated[0], generated[1]
    action = first.actions.order_by("pk").first()
    action.amount = (action.amount or Decimal(0)) + Decimal("12345.67")
    action.save()
    same()
    line = FundingLine.objects.filter(action__contract=second).order_by("pk").first()
    line.amount = Decimal("999999.99")
    line.start_year = 2031
    line.save()
    same()
    FundingLine.objects.filter(action__contract=second).order_by("pk").last().delete()
    same()
    abandoned = second.actions.exclude(maturity=Action.Maturity.ABANDONNEE).first()
    abandoned.maturity = Action.Maturity.ABANDONNEE
    abandoned.save()
    same()
    first.end_year = (first.end_year or 2026) + 2  # annual amounts count more years
    first.save()
    same()
    first.actions.order_by("-pk").first().delete()
    same()
    ContractFactory(territory=None)  # a contract without actions, without a département
    same()
    same(Contract.objects.filter(pk__in=[first.pk, second.pk]))


def test_a_write_marks_only_its_contract_stale(generated):
    summaries.refresh()
    line = FundingLine.objects.filter(action__contract=generated[2]).first()
    line.amount = Decimal("1")
    line.save()
    assert set(summaries.stale()) == {generated[2].pk}
    assert summaries.refresh() == 1
    assert summaries.stale() == {}


def test_a_failed_import_marks_nothing_and_a_deferred_writer_marks_once(generated):
    summaries.refresh()
    contract = generated[3]
    before = ContractSummary.objects.get(contract=contract).writes
    with pytest.raises(RuntimeError), summaries.deferred():
        for action in contract.actions.all()[:3]:
            action.save()
        raise RuntimeError
    assert ContractSummary.objects.get(contract=contract).writes == before
    with summaries.deferred():
        for action in contract.actions.all()[:3]:
            action.save()
    assert ContractSummary.objects.get(contract=contract).writes == before + 1


def test_the_page_shows_the_summed_figures(client, generated):
    national = UserFactory(username="national")
    PerimeterAccess.objects.create(user=national, level="national")
    client.force_login(national)
    response = client.get(reverse("reports:rollup"))
    expected = raw_rollup(None)
    assert response.context["count"] == expected["count"] == len(generated)
    assert response.context["actions"] == expected["actions"]
    assert abs(response.context["amount"] - expected["amount"]) < CENT * 10


def test_when_the_summaries_cannot_be_written_the_lines_are_summed(generated, monkeypatch, caplog):
    """SQLite locked by a large import: the page is computed from the lines, not refused."""
    from django.db import OperationalError

    def locked(contracts=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(summaries, "refresh", locked)
    figures = rollup(None)
    assert isinstance(figures["contracts"], list)  # computed from the lines
    assert figures["count"] == len(generated) and "computed from the lines" in caplog.text


def test_kept_figures_change_with_any_write_to_the_perimeter(generated):
    from crte.indicators.models import Measurement

    before = rollup(None)
    assert rollup(None)["by_funder"] == before["by_funder"]  # kept
    line = FundingLine.objects.filter(action__contract=generated[4]).exclude(funder=None).first()
    line.amount = (line.resolved_amount() or Decimal(0)) + Decimal("1000000")
    line.save()
    after = rollup(None)
    assert after["by_funder"] != before["by_funder"]
    same()
    measurement = Measurement.objects.filter(indicator__contract__isnull=False).order_by("-date").first()
    measurement.value += 1000
    measurement.save()
    same()
    ContractFactory(territory=None)
    assert rollup(None)["count"] == before["count"] + 1
