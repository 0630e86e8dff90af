"""Importing for any territory: the grouping identified (or asked for), names resolved in
the contract's territory, names from elsewhere kept and reported."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from crte.contracts.models import Contract, Membership
from crte.contracts.tests.factories import ContractFactory, MembershipFactory
from crte.core.models import Organisation
from crte.core.tests.factories import UserFactory
from crte.demo.generate import generate
from crte.demo.reference import REFERENCE_DOCUMENT
from crte.finance.models import FundingLine
from crte.importers.pipeline import import_source
from crte.importers.tests.sheets import write_csv

pytestmark = pytest.mark.django_db

HAUT_LEON = "200067072"  # CC Haut-Léon Communauté, Finistère
HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Financeur", "Montant sollicité", "Année"]


def test_a_fresh_database_imports_the_reference_contract_with_every_financer(tmp_path):
    """`crte migrate` then `crte import`, no demo: the EPCI's and the State's lines are theirs."""
    report = tmp_path / "rapport.json"
    call_command("import", str(REFERENCE_DOCUMENT), "--report", str(report), stdout=StringIO())
    contract = Contract.objects.get(slug="crte-cabbalr")
    assert contract.territory.communes.count() == 100
    assert (contract.territory.departement_code, contract.territory.region_code) == ("62", "32")
    lines = FundingLine.objects.filter(action__contract=contract).select_related("funder")
    assert lines.count() == 75
    # the EPCI column's 32 lines, and 2 lines of the État column that name the EPCI
    assert lines.filter(funder__siren="200072460").count() == 34
    assert lines.filter(funder__name="État").count() == 22
    assert not lines.filter(funder__category=Organisation.Category.INCONNU).exists()
    unnamed = lines.filter(funder__isnull=True).count()
    assert unnamed == report.read_text(encoding="utf-8").count('"financeur-inconnu"')


def breton_table(tmp_path):
    return write_csv(
        tmp_path / "programmation.csv",
        [
            HEADER,
            ["Ville de Roscoff", "Rénovation de l'école", "500 000 €", "Région", "100 000 €", "2024"],
            ["", "", "", "CD29", "50 000 €", ""],
            ["", "", "", "Agence de l'eau", "20 000 €", ""],
            ["", "", "", "CAF", "10 000 €", ""],
            ["", "", "", "Région Hauts-de-France", "5 000 €", ""],
            ["Commune de Cléder", "Voie verte", "200 000 €", "Département", "40 000 €", "2025"],
        ],
    )


def test_generic_names_in_a_table_mean_the_contracts_own_bodies(tmp_path):
    result = import_source(path=breton_table(tmp_path), slug="crte-haut-leon", territory=HAUT_LEON)
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-haut-leon")
    assert contract.territory.departement_code == "29"
    school = contract.actions.get(title="Rénovation de l'école")
    assert [o.commune.insee_code for o in school.owners.all()] == ["29239"]  # Roscoff
    funders = [line.funder.name for line in school.funding_lines.order_by("id")]
    assert funders == [
        "Région Bretagne",
        "Département du Finistère",
        "Agence de l'eau Loire-Bretagne",
        "Caisse d'allocations familiales du Finistère",
        "Région Hauts-de-France",  # kept as written, never replaced…
    ]
    outside = [e for e in result.report.warnings if e.code == "hors-territoire"]
    assert len(outside) == 1 and "Région Hauts-de-France" in outside[0].message  # …and reported
    assert "ligne 6" in str(outside[0].place)
    cleder = contract.actions.get(title="Voie verte")
    assert cleder.funding_lines.get().funder.name == "Département du Finistère"


def document(name_line: str) -> str:
    rows = [
        "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE",
        "",
        "ENTRE",
        "",
        name_line,
        "",
        "Maitre d'ouvrage\tOpération et programme\tContenu\tMontant prévisionnel (HT)"
        "\tFinancements\t\t\tAnnée",
        "\t\t\t\tEPCI\tETAT\tautres financeurs\t",
        "MIEUX SE DÉPLACER",
        "Commune de Cléder\tVoie verte du littoral\tTravaux\t300K€\t30 %\t100K€ DSIL\tRégion 50K€\t2024",
    ]
    return "\n".join(rows) + "\n"


def test_a_document_whose_grouping_is_unknown_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "contrat.txt"
    path.write_text(document("La Communauté de communes Imaginaire des Abers (CCIA)"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", str(path), "--contract", "crte-abers", stdout=(out := StringIO()))
    assert "--territory SIREN" in out.getvalue() and "Imaginaire des Abers" in out.getvalue()
    assert not Contract.objects.filter(slug="crte-abers").exists()
    call_command("import", str(path), "--contract", "crte-abers", "--territory", HAUT_LEON, stdout=StringIO())
    contract = Contract.objects.get(slug="crte-abers")
    assert contract.territory.groupings.get().siren == HAUT_LEON
    line = FundingLine.objects.get(action__contract=contract, funder__category="REGION")
    assert line.funder.name == "Région Bretagne"


def test_a_document_names_its_grouping_in_any_nature(tmp_path):
    path = tmp_path / "contrat.txt"
    path.write_text(document("La Communauté urbaine d'Arras (CUA), représentée par son président"), "utf-8")
    result = import_source(path=path, slug="crte-arras")
    assert not result.report.errors, result.report.errors
    territory = Contract.objects.get(slug="crte-arras").territory
    assert (territory.groupings.get().siren, territory.departement_code) == ("200033579", "62")
    line = FundingLine.objects.get(action__contract__slug="crte-arras", funder__category="REGION")
    assert line.funder.name == "Région Hauts-de-France"
    assert Organisation.objects.get(siren="200033579").aliases.filter(label="CUA").exists()


def test_the_web_import_asks_for_the_territory_when_it_cannot_tell(client, tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    contract = ContractFactory(slug="crte-abers", territory=None)
    manager = UserFactory(username="chef-abers")
    MembershipFactory(user=manager, contract=contract, role=Membership.Role.CHEF_PROJET)
    client.force_login(manager)
    upload = SimpleUploadedFile("contrat.txt", document("La Communauté de communes Imaginaire").encode())
    page = client.post(reverse("importers:upload", args=[contract.slug]), {"file": upload}, follow=True)
    html = page.content.decode()
    assert 'data-testid="territory-form"' in html and "CC Haut-Léon Communauté (200067072)" in html
    token = page.context["token"]
    url = reverse("importers:choose_territory", args=[contract.slug, token])
    page = client.post(url, {"territory": "CC Haut-Léon Communauté (200067072)"}, follow=True)
    assert page.context["s"]["errors"] == 0
    client.post(reverse("importers:confirm", args=[contract.slug, token]))
    contract.refresh_from_db()
    assert contract.territory.groupings.get().siren == HAUT_LEON


def test_generated_contracts_stand_on_distinct_real_epci_funded_by_their_own_bodies():
    generate(4, seed=7)
    contracts = list(Contract.objects.filter(slug__startswith="crte-gen-7-").select_related("territory"))
    sirens = {c.territory.groupings.get().siren for c in contracts}
    assert len(sirens) == 4
    for contract in contracts:
        territory = contract.territory
        assert territory.communes.exists() and territory.region_code
        local = FundingLine.objects.filter(
            action__contract=contract, funder__category__in=["REGION", "DEPARTEMENT"]
        ).select_related("funder__region", "funder__departement")
        assert local.exists()
        for line in local:
            assert line.funder.region.code == territory.region_code, (contract, line.funder)
        fonds_vert = FundingLine.objects.filter(
            action__contract=contract, scheme__name__startswith="Fonds vert"
        )
        for line in fonds_vert.select_related("action"):
            assert line.action.communes.filter(pk__in=territory.communes.all()).exists()


def test_the_reference_document_for_another_epci_keeps_every_financer(tmp_path):
    """The same document with its EPCI renamed: the EPCI's lines go to that EPCI."""
    text = REFERENCE_DOCUMENT.read_text(encoding="utf-8")
    text = text.replace("Béthune-Bruay, Artois Lys Romane", "Lens-Liévin").replace("CABBALR", "CALL")
    path = tmp_path / "crte-lens.txt"
    path.write_text(text, encoding="utf-8")
    result = import_source(path=path, slug="crte-call")
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-call")
    assert contract.territory.groupings.get().siren == "246200364"  # CA de Lens - Liévin
    lines = FundingLine.objects.filter(action__contract=contract)
    assert lines.filter(funder__siren="246200364").count() == 34  # as the CABBALR's in the reference
    assert not lines.filter(funder__category=Organisation.Category.INCONNU).exists()
