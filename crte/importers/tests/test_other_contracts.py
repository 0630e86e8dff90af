"""Contracts of other territories, written in layouts unlike the reference, each read as
text, Word and PDF and checked field by field."""

from decimal import Decimal
from pathlib import Path

import pytest

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.importers.pipeline import import_source
from crte.importers.tests.documents import write_aligned, write_docx, write_pdf
from crte.indicators.models import Indicator, Target

pytestmark = pytest.mark.django_db
CONTRACTS = Path(__file__).resolve().parent / "contracts"


def as_format(tmp_path, name: str, fmt: str) -> Path:
    text = (CONTRACTS / f"{name}.txt").read_text(encoding="utf-8")
    if fmt == "txt":
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    if fmt == "aligned":
        return write_aligned(text, tmp_path / f"{name}.txt")
    writer = {"docx": write_docx, "pdf": write_pdf}[fmt]
    return writer(text, tmp_path / f"{name}.{fmt}")


FORMATS = ["txt", "docx", pytest.param("pdf", marks=pytest.mark.pdf), "aligned"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_numbered_axes_and_one_column_per_financer_and_scheme(tmp_path, fmt):
    result = import_source(path=as_format(tmp_path, "cc-haut-leon-2023", fmt), slug="crte-hlc")
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-hlc")
    assert contract.territory.groupings.get().siren == "200067072"
    assert (contract.signed_on.isoformat(), contract.start_year, contract.end_year) == (
        "2023-03-15",
        2023,
        2026,
    )
    assert contract.duration_years == 4
    signatories = [
        (p.organisation.name, p.signatory_name) for p in contract.partners.select_related("organisation")
    ]
    assert signatories == [("CC Haut-Léon Communauté", "Yann KERBRAT"), ("État", "Anne LE GALL")]
    orientations = {a.title: a.orientation.name for a in Action.objects.filter(contract=contract)}
    assert orientations == {
        "Pôle d'échanges multimodal de Roscoff": "Mieux se déplacer",
        "Voie verte Saint-Pol – Roscoff": "Mieux se déplacer",
        "Rénovation énergétique de l'école": "Mieux se loger",
    }
    pem = Action.objects.get(contract=contract, title="Pôle d'échanges multimodal de Roscoff")
    assert pem.amount == Decimal("1200000")  # the cost, not the DSIL column
    lines = {
        (line.funder.name, line.scheme.short_name if line.scheme else "", line.amount)
        for line in pem.funding_lines.select_related("funder", "scheme")
    }
    assert lines == {
        ("État", "DSIL", Decimal("300000")),
        ("Région Bretagne", "", Decimal("250000")),
        ("Département du Finistère", "", Decimal("150000")),
    }
    green = Action.objects.get(contract=contract, title="Voie verte Saint-Pol – Roscoff")
    assert [o.name for o in green.owners.all()] == ["CC Haut-Léon Communauté"]
    assert {line.funder.name for line in green.funding_lines.select_related("funder")} == {
        "État",
        "Département du Finistère",
        "Fonds européen de développement régional",
    }
    school = Action.objects.get(contract=contract, title="Rénovation énergétique de l'école")
    assert [o.commune.insee_code for o in school.owners.all()] == ["29030"]  # Cléder
    figures = {
        i.code: (
            i.unit,
            i.direction,
            [m.value for m in i.measurements.all()],
            [t.value for t in i.targets.all()],
        )
        for i in Indicator.objects.filter(contract=contract).prefetch_related("measurements", "targets")
    }
    assert figures["communes"] == ("communes", "maintien", [Decimal("14")], [])
    assert figures["habitants"] == ("habitants", "maintien", [Decimal("32000")], [])
    assert figures["trajets-domicile-travail"] == ("%", "maintien", [Decimal("78")], [])
    assert figures["aires-de-covoiturage"] == ("aires", "hausse", [], [Decimal("12")])
    ges = Target.objects.get(indicator__contract=contract, indicator__code="pcaet-ges")
    assert (ges.year, ges.relative_change, ges.indicator.catalogue_entry.code) == (
        2030,
        Decimal("-0.3"),
        "crte_1.1",
    )


MORLAIX_EPCI = "242900835,242900751,200067072"  # Morlaix Communauté, Pays de Landivisiau, Haut-Léon


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_petr_over_three_epci_with_roman_articles_and_one_column_per_scheme(tmp_path, fmt):
    path = as_format(tmp_path, "petr-pays-de-morlaix-2024", fmt)
    refused = import_source(path=path, slug="crte-ppm")
    assert [e.code for e in refused.report.errors] == ["territoire"]  # a PETR the reference lacks
    assert "PETR du Pays de Morlaix" in refused.report.errors[0].message
    result = import_source(path=path, slug="crte-ppm", territory=MORLAIX_EPCI)
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-ppm")
    assert contract.territory.groupings.count() == 3
    assert contract.territory.communes.count() == 26 + 19 + 14
    assert (contract.signed_on.isoformat(), contract.start_year, contract.end_year) == (
        "2024-04-02",
        2024,
        2026,
    )
    assert [o.name for o in contract.orientations.order_by("order")][:2] == [
        "Mieux se déplacer",
        "Mieux préserver et valoriser nos écosystèmes",
    ]
    carpool = Action.objects.get(contract=contract, title="Aire de covoiturage de Pleyber-Christ")
    assert carpool.amount == Decimal("180000") and carpool.orientation.name == "Mieux se déplacer"
    lines = {
        (line.funder.name, line.scheme.short_name if line.scheme else "", line.amount)
        for line in carpool.funding_lines.select_related("funder", "scheme")
    }
    assert lines == {
        ("État", "Fonds vert", Decimal("90000")),
        ("État", "DETR", Decimal("36000")),
        ("CA Morlaix Communauté", "", Decimal("54000")),  # the owner's own share
    }
    school = Action.objects.get(contract=contract, title="Renaturation de la cour de l'école")
    assert school.maturity == "validee"  # the signed contract's own table


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_overseas_recovery_contract_with_numbered_strategic_orientations(tmp_path, fmt):
    result = import_source(path=as_format(tmp_path, "cinor-2021", fmt), slug="crte-cinor")
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-cinor")
    assert contract.name.lower().startswith("contrat de relance et de transition écologique")
    assert contract.territory.groupings.get().siren == "249740119"
    assert (contract.territory.departement_code, contract.territory.region_code) == ("974", "04")
    assert (contract.signed_on.isoformat(), contract.start_year, contract.end_year) == (
        "2021-07-19",
        2021,
        2026,
    )
    assert list(contract.orientations.order_by("order").values_list("name", flat=True))[:2] == [
        "Préserver la ressource en eau",
        "Se déplacer autrement",
    ]
    reservoir = Action.objects.get(contract=contract, title="Réhabilitation du réservoir de La Montagne")
    assert reservoir.amount == Decimal("2400000") and (reservoir.start_year, reservoir.end_year) == (
        2022,
        2023,
    )
    assert reservoir.orientation.name == "Préserver la ressource en eau"
    assert [o.commune.insee_code for o in reservoir.owners.all()] == ["97411"]  # Saint-Denis (La Réunion)
    lines = {(line.funder.name, line.amount) for line in reservoir.funding_lines.select_related("funder")}
    assert lines == {
        ("Région La Réunion", Decimal("400000")),
        ("Département de La Réunion", Decimal("300000")),
        ("Office de l'eau Réunion", Decimal("600000")),
        ("Fonds européen de développement régional", Decimal("700000")),
    }
    assert not [e for e in result.report.warnings if e.code == "hors-territoire"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_metropole_with_an_own_share_column_and_territorial_bodies(tmp_path, fmt):
    result = import_source(path=as_format(tmp_path, "metropole-rouen-2023", fmt), slug="crte-rouen")
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-rouen")
    assert contract.territory.groupings.get().siren == "200023414"
    assert contract.territory.communes.count() == 71
    assert (contract.signed_on.isoformat(), contract.start_year, contract.end_year) == (
        "2023-09-12",
        2023,
        2026,
    )
    signatories = [p.signatory_name for p in contract.partners.all()]
    assert signatories == ["Nicolas MAYER-ROSSIGNOL", "Claire VERT"]
    bus = Action.objects.get(contract=contract, title="Extension du réseau de bus à haut niveau de service")
    assert bus.orientation.name == "Mieux se déplacer" and bus.amount == Decimal("30000000")
    assert {(line.funder.name, line.amount) for line in bus.funding_lines.select_related("funder")} == {
        ("Métropole Rouen Normandie", Decimal("15000000")),
        ("Région Normandie", Decimal("6000000")),
        ("Département de la Seine-Maritime", Decimal("3000000")),
        ("Banque des Territoires", Decimal("6000000")),
    }
    rain = Action.objects.get(contract=contract, title="Réseau de récupération des eaux pluviales")
    assert [o.commune.insee_code for o in rain.owners.all()] == ["76231"]  # Elbeuf
    assert {(line.funder.name, line.amount) for line in rain.funding_lines.select_related("funder")} == {
        ("Métropole Rouen Normandie", Decimal("200000")),
        ("Agence de l'eau Seine-Normandie", Decimal("400000")),
    }
