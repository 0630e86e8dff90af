import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from frictionless import Package, system

from crte.contracts.models import Contract
from crte.contracts.tests.factories import ContractFactory
from crte.core.models import PerimeterAccess
from crte.core.tests.factories import UserFactory
from crte.demo.generate import generate
from crte.finance.summaries import refresh
from crte.indicators.reference import load_indicator_catalogue
from crte.reports.rollup import rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    load_indicator_catalogue()  # the national reference itself comes with the test database


def signature():
    return [
        (
            c.slug,
            c.territory.departement_code,
            [
                (
                    a.title,
                    a.amount,
                    a.maturity,
                    [
                        (line.funder_id is not None, line.amount, line.share, line.status)
                        for line in a.funding_lines.order_by("external_id")
                    ],
                )
                for a in c.actions.order_by("external_id")
            ],
            sorted(c.territory.communes.values_list("insee_code", flat=True)),
        )
        for c in Contract.objects.filter(slug__startswith="crte-gen-").order_by("slug")
    ]


class Rollback(Exception):
    pass


def generated_signature(contracts, seed):
    captured = []
    try:
        with transaction.atomic():
            generate(contracts, seed)
            captured.append(signature())
            raise Rollback
    except Rollback:
        pass
    return captured[0]


def test_the_generator_is_deterministic(catalogue):
    first = generated_signature(2, seed=7)
    assert first == generated_signature(2, seed=7)
    assert first != generated_signature(2, seed=8)
    for _slug, _dep, actions, communes in first:
        assert 30 <= len(actions) <= 150
        assert all(0 <= len(lines) <= 6 for *_, lines in actions)
        assert communes  # the real communes of a real EPCI (tested in importers/tests/test_territories.py)
        assert all(amount is None or amount >= 0 for _, amount, _, _ in actions)


def test_generated_contracts_are_labelled_as_demonstration(catalogue):
    generate(1, seed=3)
    contract = Contract.objects.get(slug__startswith="crte-gen-")
    assert "démonstration" in contract.source
    assert contract.committees.get(kind="COPIL").meetings.filter(is_demo=False).count() == 0


def test_perimeters_read_their_contracts_in_the_rollup(client, catalogue, contract):
    generate(3, seed=11)
    departement = Contract.objects.filter(slug__startswith="crte-gen-").first().territory.departement_code
    prefecture = UserFactory(username="prefecture")
    PerimeterAccess.objects.create(user=prefecture, level="departement", code=departement)
    client.force_login(prefecture)
    page = client.get(reverse("reports:rollup"))
    shown = {c.slug for c in page.context["contracts"]}
    assert shown == set(
        Contract.objects.filter(territory__departement_code=departement).values_list("slug", flat=True)
    )
    national = UserFactory(username="national")
    PerimeterAccess.objects.create(user=national, level="national")
    client.force_login(national)
    assert client.get(reverse("reports:rollup")).context["count"] == Contract.objects.count()


def test_the_rollup_lists_every_contract_a_page_at_a_time(client, contract, funding_line):
    from crte.reports import views

    national = UserFactory(username="national")
    PerimeterAccess.objects.create(user=national, level="national")
    client.force_login(national)
    first = client.get(reverse("reports:rollup"))
    views.ROLLUP_PAGE, size = 1, views.ROLLUP_PAGE
    try:
        ContractFactory(name="Zeta contrat", territory=contract.territory)
        page_one = client.get(reverse("reports:rollup"))
        page_two = client.get(reverse("reports:rollup"), {"page": 2})
    finally:
        views.ROLLUP_PAGE = size
    assert first.context["count"] == 1 and "1 / 2" not in first.content.decode()
    shown = [list(p.context["contracts_page"]) for p in (page_one, page_two)]
    assert [len(rows) for rows in shown] == [1, 1] and shown[0] != shown[1]
    assert page_two.context["count"] == 2  # the totals cover every contract on every page
    assert "2 / 2" in page_two.content.decode() and "page=1" in page_two.content.decode()
    funders = [len(p.context["funders_page"]) for p in (page_one, page_two)]
    assert funders[0] == 1 and len(page_one.context["by_funder"]) >= 1  # a page of financers, all summed


def test_region_access_reads_the_contracts_of_its_region(client, contract):
    contract.territory.region_code = "32"
    contract.territory.save()
    regional = UserFactory(username="region")
    PerimeterAccess.objects.create(user=regional, level="region", code="32")
    client.force_login(regional)
    assert client.get(contract.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:rollup")).context["count"] == 1


def test_the_rollup_is_refused_without_a_perimeter(client, reader):
    client.force_login(reader)
    assert client.get(reverse("reports:rollup")).status_code == 403


def test_rollup_query_count_does_not_grow_with_contracts(client, catalogue, django_assert_max_num_queries):
    national = UserFactory(username="national")
    PerimeterAccess.objects.create(user=national, level="national")
    client.force_login(national)
    generate(2, seed=1)
    refresh()  # new contracts' summaries are computed once (inserts batched by the database's limits)
    with django_assert_max_num_queries(24) as before:  # sessions are in the database on PostgreSQL
        client.get(reverse("reports:rollup"))
    generate(6, seed=2)
    refresh()
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(reverse("reports:rollup"))
    assert response.context["count"] == 8


def test_rollup_amounts_match_the_lines(catalogue):
    generate(2, seed=4)
    figures = rollup(None)
    assert figures == rollup(Contract.objects.all()) | {"contracts": figures["contracts"]}
    from crte.finance.models import FundingLine

    expected = sum(
        (line.resolved_amount() or Decimal(0))
        for line in FundingLine.objects.exclude(action__maturity="abandonnee").select_related("action")
    )
    assert sum(total for _, _, total in figures["by_funder"]) == expected


def test_national_export_is_one_valid_data_package(catalogue, tmp_path):
    generate(2, seed=9)
    call_command("export", all=True, out=str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    with system.use_context(trusted=True):
        report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    contracts = (tmp_path / "contrats.csv").read_text(encoding="utf-8").splitlines()
    assert len(contracts) == 3


def test_the_rollup_pages_its_long_lists_and_keeps_its_totals_and_map_whole(client, catalogue, monkeypatch):
    from crte.reports import views

    generate(4, seed=5)
    national = UserFactory(username="national")
    PerimeterAccess.objects.create(user=national, level="national")
    client.force_login(national)
    monkeypatch.setattr(views, "ROLLUP_PAGE", 1)
    first = client.get(reverse("reports:rollup"))
    second = client.get(reverse("reports:rollup"), {"departements": 2, "relance": 2})
    departements = first.context["by_departement"]
    assert len(departements) > 1 and first.context["recovery_count"] > 1
    for name in ("departements_page", "recovery_page"):
        assert len(first.context[name]) == 1 and list(first.context[name]) != list(second.context[name])
    assert first.context["departements_page"].paginator.count == len(departements)
    assert second.context["count"] == first.context["count"] == Contract.objects.count()
    html = second.content.decode()
    assert html.count("data-departement=") == len(departements)  # the map shows every one
    assert "Pages des départements" in html and "relance=1" in html and "departements=1" in html
