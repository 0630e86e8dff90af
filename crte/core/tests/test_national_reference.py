"""The national reference comes with the database, and a contract's territory is real:
communes, départements, régions derived from its groupings, names resolved where it is."""

import gzip
import json
import shutil

import pytest
from django.urls import reverse

from crte.contracts.models import Contract, Territory
from crte.core.models import (
    Commune,
    Departement,
    FormerCommune,
    Grouping,
    Organisation,
    PerimeterAccess,
    ReferenceVintage,
    Region,
)
from crte.core.national import NATIONAL_DIR, VINTAGE, load_national_reference
from crte.core.resolve import BodyIndex, grouping_nature, identify_grouping, outside, place_for_groupings
from crte.core.tests.factories import UserFactory
from crte.finance.models import Scheme
from crte.reports.map import commune_map

pytestmark = pytest.mark.django_db

# Three real EPCI of different natures, régions and zones (COG 2026, SIREN).
HAUT_LEON = "200067072"  # CC Haut-Léon Communauté, Finistère, Bretagne
ROUEN = "200023414"  # Métropole Rouen Normandie, Seine-Maritime, Normandie
CINOR = "249740119"  # CA Intercommunale du Nord de la Réunion, La Réunion (overseas)
ARRAS = "200033579"  # CU d'Arras, Pas-de-Calais, Hauts-de-France


def test_migrate_leaves_the_whole_national_reference_in_place():
    assert ReferenceVintage.objects.filter(name=VINTAGE).exists()
    assert Commune.objects.filter(is_current=True).count() == 34969
    assert Grouping.objects.filter(nature__in=["CC", "CA", "CU", "METRO"]).count() == 1255
    assert Grouping.objects.filter(nature="EPT").count() == 11
    assert Departement.objects.filter(zone__in=["metro", "drom"]).count() == 101
    assert Region.objects.filter(zone__in=["metro", "drom"]).count() == 18
    lens = Commune.objects.get(insee_code="62498")
    assert (lens.name, lens.departement.code, lens.region.code, lens.siren) == (
        "Lens",
        "62",
        "32",
        "216204982",
    )
    # every région and département has its body, the State its services
    for kind, level_count in [("conseil-regional", 18), ("prefecture", 101), ("caf", 101), ("dreal", 18)]:
        assert Organisation.objects.filter(kind=kind).count() == level_count, kind


def test_delegated_and_former_communes_point_to_todays_commune():
    former = FormerCommune.objects.filter(kind="commune-deleguee").select_related("current").first()
    assert former is not None and former.current.is_current
    # Annecy-le-Vieux (74011) is a delegated commune of today's Annecy (74010) since 2017
    old = FormerCommune.objects.get(code="74011", kind="commune-deleguee")
    assert (old.name, old.current.insee_code, old.current.name) == ("Annecy-le-Vieux", "74010", "Annecy")


def contract_for(siren: str) -> Contract:
    grouping = Grouping.objects.get(siren=siren)
    territory = Territory.objects.create(name=grouping.name, epci=grouping.organisation, departement_code="")
    territory.groupings.set([grouping])
    territory.derive()
    return Contract.objects.create(slug=f"crte-{siren}", name=f"CRTE {grouping.name}", territory=territory)


@pytest.mark.parametrize(
    ("siren", "departement", "region", "communes"),
    [(HAUT_LEON, "29", "53", 14), (ROUEN, "76", "28", 71), (CINOR, "974", "04", 3)],
)
def test_a_contract_on_a_real_epci_gets_its_territory_map_and_perimeter(
    client, siren, departement, region, communes
):
    contract = contract_for(siren)
    territory = contract.territory
    assert territory.communes.count() == communes
    assert (territory.departement_code, territory.region_code) == (departement, region)
    assert list(territory.regions.values_list("code", flat=True)) == [region]
    svg = str(commune_map(territory.communes.all(), {}))
    assert svg.count("data-insee=") == communes  # every commune drawn, merged ones included
    prefecture = UserFactory(username=f"pref-{departement}")
    PerimeterAccess.objects.create(user=prefecture, level="departement", code=departement)
    elsewhere = UserFactory(username="pref-ailleurs")
    PerimeterAccess.objects.create(user=elsewhere, level="departement", code="01")
    regional = UserFactory(username="region")
    PerimeterAccess.objects.create(user=regional, level="region", code=region)
    assert contract in Contract.objects.visible_to(prefecture)
    assert contract in Contract.objects.visible_to(regional)
    assert contract not in Contract.objects.visible_to(elsewhere)
    client.force_login(prefecture)
    assert client.get(contract.get_absolute_url()).status_code == 200
    client.force_login(elsewhere)
    assert client.get(contract.get_absolute_url()).status_code == 404


def test_a_territory_of_several_epci_spans_their_departements():
    haut_leon, arras = Grouping.objects.get(siren=HAUT_LEON), Grouping.objects.get(siren=ARRAS)
    territory = Territory.objects.create(name="Deux EPCI", epci=haut_leon.organisation, departement_code="")
    territory.groupings.set([haut_leon, arras])
    territory.derive()
    contract = Contract.objects.create(slug="crte-deux", name="Deux", territory=territory)
    assert set(territory.departements.values_list("code", flat=True)) == {"29", "62"}
    assert territory.departement_code == "62"  # the CU d'Arras holds more people
    breton = UserFactory(username="pref-29")
    PerimeterAccess.objects.create(user=breton, level="departement", code="29")
    assert contract in Contract.objects.visible_to(breton)


ROLES = {
    # name as written: (body in Finistère / Bretagne, body in Pas-de-Calais / Hauts-de-France)
    "Région": ("Région Bretagne", "Région Hauts-de-France"),
    "Conseil régional": ("Région Bretagne", "Région Hauts-de-France"),
    "CR": ("Région Bretagne", "Région Hauts-de-France"),
    "Département": ("Département du Finistère", "Département du Pas-de-Calais"),
    "le Département": ("Département du Finistère", "Département du Pas-de-Calais"),
    "CD": ("Département du Finistère", "Département du Pas-de-Calais"),
    "Agence de l'eau": ("Agence de l'eau Loire-Bretagne", "Agence de l'eau Artois-Picardie"),
    "CAF": (
        "Caisse d'allocations familiales du Finistère",
        "Caisse d'allocations familiales du Pas-de-Calais",
    ),
    "DDTM": (
        "Direction départementale des territoires et de la mer du Finistère",
        "Direction départementale des territoires et de la mer du Pas-de-Calais",
    ),
    "DREAL": (
        "Direction régionale de l'environnement, de l'aménagement et du logement Bretagne",
        "Direction régionale de l'environnement, de l'aménagement et du logement Hauts-de-France",
    ),
    "Préfecture": ("Préfecture du Finistère", "Préfecture du Pas-de-Calais"),
}


@pytest.mark.parametrize("name", list(ROLES))
def test_generic_names_mean_the_contracts_own_bodies_in_two_regions(name):
    for siren, expected in zip((HAUT_LEON, ARRAS), ROLES[name], strict=True):
        index = BodyIndex(place_for_groupings([Grouping.objects.get(siren=siren)]))
        found = index.find(name)
        assert found.ok and found.organisation.name == expected, (name, siren, found)


def test_specific_names_and_communes_resolve_and_outsiders_are_flagged():
    breton = place_for_groupings([Grouping.objects.get(siren=HAUT_LEON)])
    index = BodyIndex(breton)
    cd29 = index.find("CD29").organisation
    assert cd29.name == "Département du Finistère" and not outside(cd29, breton)
    roscoff = index.find("Ville de Roscoff").organisation
    assert (roscoff.commune.insee_code, outside(roscoff, breton)) == ("29239", False)
    brest = index.find("Commune de Brest").organisation
    assert brest.commune.insee_code == "29019" and outside(brest, breton)  # Brest Métropole, not Haut-Léon
    cd62 = index.find("CD62").organisation
    assert cd62.name == "Département du Pas-de-Calais" and outside(cd62, breton)
    assert index.find("Région Hauts-de-France").organisation.name == "Région Hauts-de-France"
    assert outside(index.find("Région Hauts-de-France").organisation, breton)
    assert not outside(index.find("ADEME").organisation, breton)  # national bodies act everywhere


def test_special_collectivities_answer_for_their_departements():
    corse = Grouping.objects.filter(communes__departement__code="2A").first()
    index = BodyIndex(place_for_groupings([corse]))
    assert index.find("Département").organisation.name == "Collectivité de Corse"
    assert index.find("Région").organisation.name == "Collectivité de Corse"
    alsace = Grouping.objects.filter(communes__departement__code="68").first()
    assert BodyIndex(place_for_groupings([alsace])).find("CD").organisation.short_name == "CeA"


def test_grouping_names_of_every_nature_are_recognised():
    assert [
        grouping_nature(n)
        for n in [
            "Communauté urbaine d'Arras",
            "La Métropole Rouen Normandie",
            "PETR du Pays de Morlaix",
            "Pays de Brocéliande",
            "Syndicat mixte du Pays de Rennes",
            "Parc naturel régional d'Armorique",
            "CC Haut-Léon Communauté",
            "Établissement public territorial Plaine Commune",
            "Ville de Lens",
        ]
    ] == ["CU", "METRO", "PETR", "PAYS", "SM", "PNR", "CC", "EPT", None]
    assert identify_grouping("Communauté urbaine d'Arras").siren == ARRAS
    assert identify_grouping("Métropole Rouen Normandie").siren == ROUEN
    assert identify_grouping("Nord de la Réunion", "CINOR").siren == CINOR
    assert identify_grouping("Intercommunalité imaginaire", "", "SIREN 200 067 072").siren == HAUT_LEON
    assert identify_grouping("Intercommunalité imaginaire") is None


def test_the_scheme_catalogue_is_national_with_the_fonds_vert_measures():
    names = set(Scheme.objects.values_list("short_name", flat=True))
    assert {
        "DETR",
        "DSIL",
        "DSIL relance",
        "DSID",
        "DPV",
        "FNADT",
        "Fonds vert",
        "PVD",
        "ACV",
        "FEDER",
        "LEADER",
    } <= names
    measures = Scheme.objects.filter(name__startswith="Fonds vert : ")
    assert measures.count() == 14
    assert measures.filter(name__contains="Renaturation des villes et des villages").exists()
    water = Scheme.objects.get(short_name="Programme de l'agence de l'eau")
    assert water.funder is None and water.funder_kind == "agence-eau"


def test_a_second_vintage_updates_the_reference_without_breaking_contracts(tmp_path):
    contract = contract_for(HAUT_LEON)
    merged, absorbing = "29239", "29259"  # Roscoff into Saint-Pol-de-Léon, in this invented vintage
    assert contract.territory.communes.filter(insee_code=merged).exists()
    for path in NATIONAL_DIR.glob("*.json.gz"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "VINTAGE").write_text("Essai 2027", encoding="utf-8")
    communes = read(tmp_path, "communes")
    gone = next(c for c in communes if c["code"] == merged and c["type"] == "commune-actuelle")
    communes.remove(gone)
    communes.append(
        {
            "code": merged,
            "nom": gone["nom"],
            "type": "commune-deleguee",
            "chefLieu": absorbing,
            "departement": "29",
            "region": "53",
        }
    )
    write(tmp_path, "communes", communes)
    epci = read(tmp_path, "epci")
    for entry in epci:
        if entry["code"] == HAUT_LEON:
            entry["nom"] = "CC du Haut-Léon (nouveau nom)"
            entry["membres"] = [m for m in entry["membres"] if m["code"] != merged]
    write(tmp_path, "epci", epci)
    load_national_reference(tmp_path)
    roscoff = Commune.objects.get(insee_code=merged)
    assert (roscoff.is_current, roscoff.successor.insee_code) == (False, absorbing)
    grouping = Grouping.objects.get(siren=HAUT_LEON)
    assert grouping.name == "CC du Haut-Léon (nouveau nom)" and grouping.organisation.name == grouping.name
    contract.refresh_from_db()
    assert contract.territory.communes.filter(insee_code=merged).exists()  # nothing broken
    contract.territory.derive()
    codes = set(contract.territory.communes.values_list("insee_code", flat=True))
    assert merged not in codes and absorbing in codes
    assert ReferenceVintage.objects.filter(name="Essai 2027").exists()


def read(directory, name):
    with gzip.open(directory / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def write(directory, name, data):
    with gzip.open(directory / f"{name}.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(data, handle)


def test_the_perimeter_rollup_maps_its_departements(client):
    contract_for(HAUT_LEON)
    contract_for(ARRAS)
    admin = UserFactory(username="national", is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("reports:rollup")).content.decode()
    assert 'data-departement="29"' in page and 'data-departement="62"' in page
    assert "Finistère (29)" in page
