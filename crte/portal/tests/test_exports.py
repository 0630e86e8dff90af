import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from frictionless import Package, Resource, Schema, system

from crte.demo.reference import load_reference_contract, load_reference_data
from crte.finance.tests.factories import FundingLineFactory
from crte.indicators.models import Indicator, Measurement
from crte.portal.exports import DATA_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    load_reference_data()
    contract, _ = load_reference_contract()
    indicator = Indicator.objects.get(contract=contract, code="pcaet-ges")
    indicator.baseline_year, indicator.baseline_value = 2017, Decimal("1500000")
    indicator.save()
    Measurement.objects.create(indicator=indicator, date="2022-01-01", value=Decimal("1450000"))
    return contract


def validate_package(directory) -> None:
    with system.use_context(trusted=True):
        report = Package(str(directory / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:10]


def validate_projects(directory) -> None:
    descriptor = json.loads(
        (DATA_DIR / "betagouv-projets-territoire-0.1.0.schema.json").read_text(encoding="utf-8")
    )
    resource = Resource(
        path="projets-territoire.csv",
        basepath=str(directory),
        schema=Schema.from_descriptor(descriptor),
    )
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:10]


def test_export_of_the_reference_contract_validates_against_both_schemas(reference, tmp_path):
    call_command("export", reference.slug, out=str(tmp_path), stdout=io.StringIO())
    validate_package(tmp_path)
    validate_projects(tmp_path)
    actions = (tmp_path / "actions.csv").read_text(encoding="utf-8").splitlines()
    assert len(actions) == reference.actions.count() + 1
    projects = (tmp_path / "projets-territoire.csv").read_text(encoding="utf-8")
    assert projects.count(",CRTE,") == reference.actions.count()
    values = (tmp_path / "valeurs.csv").read_text(encoding="utf-8")
    # The -24 % target resolves once the baseline is known: 1 500 000 x 0.76.
    assert "pcaet-ges,2030-01-01,objectif,1140000" in values
    assert "pcaet-ges,2022-01-01,resultat,1450000" in values


def test_financing_amounts_are_resolved_from_shares_to_the_cent(reference, tmp_path):
    action = reference.actions.get(title__startswith="Aménagement du parking relais à Douvrin")
    FundingLineFactory(action=action, external_id="x", amount=None, share=Decimal("0.3530958"))
    call_command("export", reference.slug, out=str(tmp_path), stdout=io.StringIO())
    rows = (tmp_path / "financements.csv").read_text(encoding="utf-8")
    assert "/x," in rows and ",247167.06,0.3530958," in rows
    validate_package(tmp_path)


def test_export_ids_are_stable_between_two_exports(reference, tmp_path):
    call_command("export", reference.slug, out=str(tmp_path / "a"), stdout=io.StringIO())
    call_command("export", reference.slug, out=str(tmp_path / "b"), stdout=io.StringIO())
    first = (tmp_path / "a" / "projets-territoire.csv").read_text(encoding="utf-8")
    second = (tmp_path / "b" / "projets-territoire.csv").read_text(encoding="utf-8")
    assert [line[:36] for line in first.splitlines()] == [line[:36] for line in second.splitlines()]


def test_the_zip_is_downloadable_from_a_published_contract(client, reference, tmp_path):
    reference.is_published = True
    reference.save()
    response = client.get(reverse("portal:contract_export", args=[reference.slug]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = {name.split("/", 1)[1] for name in archive.namelist()}
    assert {"datapackage.json", "actions.csv", "projets-territoire.csv"} <= names
    archive.extractall(tmp_path)
    validate_package(tmp_path / reference.slug)


def test_the_zip_of_an_unpublished_contract_is_not_public(client, contract):
    assert client.get(reverse("portal:contract_export", args=[contract.slug])).status_code == 404


def test_unknown_contract_gives_a_clear_error(db):
    with pytest.raises(Exception, match="Contrat introuvable"):
        call_command("export", "inconnu", out="/tmp/nowhere", stdout=io.StringIO())


def test_the_national_export_is_every_contract_export_in_turn_in_one_query_per_file(db, tmp_path):
    """Streamed a resource at a time over every contract, the national package holds exactly
    the rows of each contract's own export, contract after contract, whatever their number."""
    from django.test.utils import CaptureQueriesContext

    from crte.contracts.models import Contract
    from crte.demo.generate import generate
    from crte.portal.exports import RESOURCES, export_files, write_all

    load_reference_data()
    load_reference_contract()
    generate(4, seed=5)
    with CaptureQueriesContext(connection) as few:
        write_all(tmp_path / "tout")
    expected: dict[str, list[str]] = {name: [] for name in RESOURCES}
    for contract in Contract.objects.order_by("pk"):
        for name, content in export_files(contract).items():
            if name.endswith(".csv"):
                lines = content.splitlines(keepends=True)
                expected[name[:-4]] += lines if not expected[name[:-4]] else lines[1:]
    for name, lines in expected.items():
        assert (tmp_path / "tout" / f"{name}.csv").read_text(encoding="utf-8") == "".join(lines), name
    assert sum(len(lines) for lines in expected.values()) > 1000
    generate(3, seed=6)
    with CaptureQueriesContext(connection) as more:
        write_all(tmp_path / "encore")
    assert len(more.captured_queries) == len(few.captured_queries) <= len(RESOURCES) + 6


TRICKY_TEXTS = [
    '=HYPERLINK("http://x")',
    "+33 6 12 34 56 78",
    "-12,5",
    "-١٢",  # not ASCII digits: guarded like any text
    "@SOMME(A1)",
    "\tTabulation",
    "\rRetour",
    "seul\rretour",
    "ligne\r\nsuivante",
    "deux\nlignes",
    'guillemet " dedans',
    "virgule, dedans",
    "\\.",
    "  espaces  ",
    "Été 🌿 œuvre",
    "",
]


def tricky_contract():
    """Texts and figures written to trip a formatter: formulas, quotes, line breaks, a lone
    carriage return, rounding halves, shares, a target computed below zero."""
    from datetime import date

    from crte.actions.tests.factories import ActionFactory
    from crte.contracts.tests.factories import ContractFactory, OrientationFactory, PriorityFactory
    from crte.core.tests.factories import FunderFactory, OrganisationFactory
    from crte.governance.models import Decision
    from crte.governance.tests.factories import CommitteeFactory, MeetingFactory
    from crte.indicators.models import Target

    contract = ContractFactory(name="=Contrat, « piégé »\r", version=3, signed_on=date(2022, 1, 21))
    orientation = OrientationFactory(contract=contract, code="+o", name='Axe "1"\n')
    priority = PriorityFactory(orientation=orientation, code="@p", label="\rEnjeu")
    owner_b, owner_a = OrganisationFactory(name="Zeta, =commune"), OrganisationFactory(name="Alpha\rville")
    for n, title in enumerate(TRICKY_TEXTS):
        action = ActionFactory(
            contract=contract,
            orientation=orientation,
            priority=priority if n % 2 else None,
            title=title or "sans titre",
            description=TRICKY_TEXTS[-1 - n],
            amount=[None, Decimal("1234567.89"), Decimal("0.01"), Decimal("-0.00"), Decimal("100")][n % 5],
            amount_basis=["total", "annuel", "globalise"][n % 3],
            amount_text=title,
            calendar_text=TRICKY_TEXTS[n // 2],
            start_year=[None, 2022, 2030][n % 3],
            source=title,
        )
        action.owners.set([owner_b, owner_a] if n % 2 else [owner_a])
        FundingLineFactory(action=action, funder=None if n % 4 == 0 else FunderFactory(name=f"{title} {n}"))
        FundingLineFactory(
            action=action,
            amount=None,
            share=Decimal("0.33333333"),
            source_text=title,
            funder=None,
        )
    indicator = Indicator.objects.create(
        contract=contract,
        code="-ind",
        name="=Indicateur",
        unit="t",
        direction=Indicator.Direction.HAUSSE,
        baseline_year=2017,
        baseline_value=Decimal("-0.000001"),
        source="seul\rretour",
    )
    Measurement.objects.create(indicator=indicator, date="2023-06-30", value=Decimal("-12.5"), source="@x")
    Target.objects.create(indicator=indicator, year=2030, relative_change=Decimal("-0.9"), note="=cible")
    Target.objects.create(indicator=indicator, year=2026, value=Decimal("0.0000005"), note="")
    meeting = MeetingFactory(committee=CommitteeFactory(contract=contract))
    Decision.objects.create(meeting=meeting, kind="autre", subject="=SUJET\r, « x »", order=1)
    return contract


def test_the_export_of_texts_and_figures_written_to_trip_it_is_a_valid_package(tmp_path):
    """The reference, generated contracts and a contract of tricky texts and figures: the
    national package validates, formulas stay text, a lone carriage return is quoted, no
    « -0 » and no number in French format."""
    from crte.demo.generate import generate
    from crte.portal.exports import write_all

    load_reference_data()
    load_reference_contract()
    generate(3, seed=7)
    tricky_contract()
    write_all(tmp_path / "tout")
    actions = (tmp_path / "tout" / "actions.csv").read_bytes().decode("utf-8")
    assert '"seul\rretour"' in actions and "'=HYPERLINK" in actions and ",-12,5," not in actions
    validate_package(tmp_path / "tout")
    validate_projects(tmp_path / "tout")
