"""A document's territory and contract details are found, or reported (issue 21): the
signing grouping under its usual, former or approximate name, or through the communes the
document names; a real tie asks for the SIREN."""

import pytest

from crte.contracts.models import Contract
from crte.core.models import Grouping, Organisation
from crte.core.resolve import bare_name, communes_cited, match_grouping
from crte.importers.pipeline import import_source

pytestmark = pytest.mark.django_db

GRAND_CAHORS = "200023737"  # CA du Grand Cahors, Lot
HAUT_LEON = "200067072"  # CC Haut-Léon Communauté, Finistère
LODEVOIS = "200017341"  # CC Lodévois et Larzac, Hérault
CREUSE_GRAND_SUD = "200044014"  # CC Creuse Grand Sud


def sirens(match):
    return sorted(g.siren for g in match.groupings)


def test_a_grouping_s_name_without_its_nature():
    assert bare_name("Communauté de communes des Crêtes du Nord") == "cretes du nord"
    assert bare_name("CA du Pays de Vire (CAPV)") == "pays de vire"
    assert bare_name("Brest Métropole") == bare_name("Métropole de Brest") == "brest"
    assert bare_name("Lunel Agglo") == "lunel"


def test_a_grouping_whose_nature_changed_is_found_by_its_name():
    """A contract signed by the « Communauté de communes X » of what is now the « CA X »."""
    found = match_grouping([("Communauté de communes du Grand Cahors", "")])
    assert (sirens(found), found.how, found.label) == (
        [GRAND_CAHORS],
        "nom approché",
        "Communauté de communes du Grand Cahors",
    )
    assert match_grouping([("Communauté de communes Lodévois-et-Larzac", "")]).grouping.siren == LODEVOIS
    assert match_grouping([("Communauté urbaine Haut Léon", "")]).grouping.siren == HAUT_LEON


def test_a_name_several_groupings_hold_is_a_tie_the_communes_settle():
    tie = match_grouping([("Communauté de communes Grand Sud", "")])
    assert tie.grouping is None and len(tie.groupings) >= 2
    assert CREUSE_GRAND_SUD in sirens(tie)
    communes = Grouping.objects.get(siren=CREUSE_GRAND_SUD).communes.order_by("-population")[:3]
    text = "Porteurs : " + ", ".join(f"Commune de {c.name}" for c in communes) + "."
    found = match_grouping([("Communauté de communes Grand Sud", "")], text)
    assert found.grouping.siren == CREUSE_GRAND_SUD


def test_the_communes_a_document_names_point_to_its_grouping():
    text = (
        "Maître d'ouvrage\tOpération\n"
        "Ville de Roscoff\tPort\nCommune de Cléder\tÉcole\nPlouescat\tHalles\nSantec\tDunes\n"
        "le plan de la ville\n"  # words in lower case are not names
    )
    weights = communes_cited(text)
    haut_leon = Grouping.objects.get(siren=HAUT_LEON).pk
    assert weights[haut_leon] == max(weights.values()) >= 4
    found = match_grouping([("Communauté de communes des Quatre Rivières Inconnues", "")], text)
    assert (sirens(found), found.how) == ([HAUT_LEON], "communes")
    # a PETR covers several EPCI: its communes never make it one of them
    assert match_grouping([("PETR du Pays Inconnu", "")], text).groupings == []
    # without a name, communes say nothing (a préfecture's list covers many EPCI)
    assert match_grouping([], text).groupings == []
    # a name written nowhere else, a commune or two: nothing is guessed
    assert match_grouping([("Communauté de communes Imaginaire", "")], "Commune de Cléder").groupings == []


def contract_text(grouping_line: str, owner: str) -> str:
    rows = [
        "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE",
        "",
        grouping_line,
        "et l'État, représenté par la Préfète du Lot, Madame Claire BRUN,",
        "",
        "Le contrat couvre les années 2023 à 2026.",
        "",
        "Maitre d'ouvrage\tOpération et programme\tContenu\tMontant prévisionnel (HT)"
        "\tFinancements\t\t\tAnnée",
        "\t\t\t\tEPCI\tETAT\tautres financeurs\t",
        "MIEUX SE DÉPLACER",
        f"{owner}\tVoie verte du Lot\tTravaux\t300K€\t30 %\t100K€ DSIL\tRégion 50K€\t2024",
        "CC du Grand Cahors\tPiste du causse\tTravaux\t100K€\t50 %\t\t\t2025",
        "",
        "Cahors, le 4 juillet 2023",
    ]
    return "\n".join(rows) + "\n"


def test_a_contract_signed_under_a_former_name_is_its_grouping_s(tmp_path):
    path = tmp_path / "contrat.txt"
    written = "Communauté de communes du Grand Cahors"
    path.write_text(
        contract_text(f"Entre la {written}, représentée par son Président, Monsieur Jean LAFON,", written),
        encoding="utf-8",
    )
    result = import_source(path=path, slug="crte-cahors")
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-cahors")
    assert contract.territory.groupings.get().siren == GRAND_CAHORS
    assert (str(contract.signed_on), contract.start_year, contract.end_year) == ("2023-07-04", 2023, 2026)
    said = [e.message for e in result.report.warnings if e.code == "territoire"]
    assert len(said) == 1 and "reconnu par son nom" in said[0] and GRAND_CAHORS in said[0]
    # its former name, as party, owner or « CC … », is the grouping itself, never a new body
    owners = {o.siren for a in contract.actions.all() for o in a.owners.all()}
    assert owners == {GRAND_CAHORS}
    assert GRAND_CAHORS in {p.organisation.siren for p in contract.partners.select_related("organisation")}
    assert not Organisation.objects.filter(name__icontains="communes du Grand Cahors").exists()


def test_a_tie_asks_for_the_siren_and_names_the_candidates(tmp_path):
    path = tmp_path / "contrat.txt"
    path.write_text(
        contract_text(
            "Entre la Communauté de communes Grand Sud, représentée par son Président, Monsieur Jean LAFON,",
            "Commune de Nulle-Part",
        ),
        encoding="utf-8",
    )
    result = import_source(path=path, slug="crte-grand-sud")
    [error] = result.report.errors
    assert error.code == "territoire" and "--territory SIREN" in error.message
    assert "Plusieurs EPCI portent ce nom" in error.message and CREUSE_GRAND_SUD in error.message
