from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from crte.actions.models import Action
from crte.contracts.models import Contract, Membership
from crte.core.models import Commune, Organisation, User
from crte.importers.demo import REFERENCE_SLUG, load_reference_contract, load_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    load_reference_data()
    contract, created = load_reference_contract()
    assert created
    return contract


def test_reference_contract_has_its_territory_period_and_signatories(reference):
    assert reference.slug == REFERENCE_SLUG
    assert reference.status == Contract.Status.SIGNE
    assert str(reference.signed_on) == "2022-01-21"
    assert (reference.start_year, reference.end_year) == (2021, 2026)
    assert reference.territory.communes.count() == 100
    assert reference.territory.departement_code == "62"
    assert reference.territory.epci.siren == "200072460"
    signatories = reference.partners.filter(is_signatory=True).select_related("organisation")
    assert [p.organisation.name for p in signatories] == [
        "Communauté d'Agglomération de Béthune-Bruay, Artois Lys Romane",
        "État",
    ]


def test_reference_contract_has_seven_orientations_and_41_actions(reference):
    assert reference.orientations.count() == 7
    assert reference.actions.count() == 41
    counts = {o.name: o.actions.count() for o in reference.orientations.all()}
    assert counts["Se déplacer"] == 6
    assert counts["Apprendre"] == 1


@pytest.mark.parametrize(
    ("title", "amount", "basis", "start", "end", "maturity"),
    [
        ("Aménagement du parking relais à Douvrin", "700000", "total", 2021, 2021, "validee"),
        ("Suivi-Animation OPAH-RU", "400000", "globalise", 2022, 2027, "validee"),
        ("Programme d'Intérêt Général", "6500000", "annuel", None, None, "en_cours"),
        ("Programmation NPRU", "57800000", "total", 2021, 2026, "validee"),
        ("Programme pluriannuel de réhabilitation", "2000000", "annuel", 2021, None, "validee"),
        ("Politique intercommunale du commerce", "300000", "annuel", 2021, 2021, "en_cours"),
        ("ERBM-1er triennal", None, "total", 2022, 2022, "en_maturation"),
        ("Convention Territoriale Globale", None, "total", 2021, 2021, "en_maturation"),
    ],
)
def test_reference_actions_field_by_field(reference, title, amount, basis, start, end, maturity):
    action = reference.actions.get(title__startswith=title)
    assert action.amount == (Decimal(amount) if amount else None)
    assert (action.amount_basis, action.start_year, action.end_year) == (basis, start, end)
    assert action.maturity == maturity
    assert action.source.startswith("crte-cabbalr-2022.txt, ligne ")


def test_owners_are_resolved_to_the_catalogue_or_kept_as_written(reference):
    action = reference.actions.get(title__startswith="Etude exploratoire")
    owners = {o.name: o.category for o in action.owners.all()}
    assert owners["Communauté d'Agglomération de Béthune-Bruay, Artois Lys Romane"] == "EPCI"
    assert owners["AULA"] == Organisation.Category.INCONNU


def test_actions_are_attached_to_the_enjeu_named_above_them(reference):
    action = reference.actions.get(title__startswith="Aménagement du parking relais à Douvrin")
    assert action.priority.label.startswith("Réduire sensiblement la part modale")


def test_setup_demo_twice_keeps_the_data_and_duplicates_nothing(settings):
    settings.DEMO_MODE = True
    call_command("setup_demo", stdout=StringIO())
    action = Action.objects.get(title__startswith="Suivi-Animation OPAH-RU")
    action.maturity = Action.Maturity.ENGAGEE
    action.save()
    counts = (Commune.objects.count(), Organisation.objects.count(), Action.objects.count())
    call_command("setup_demo", stdout=StringIO())
    assert (Commune.objects.count(), Organisation.objects.count(), Action.objects.count()) == counts
    assert Action.objects.get(pk=action.pk).maturity == Action.Maturity.ENGAGEE
    assert Contract.objects.get(slug=REFERENCE_SLUG).is_published
    assert User.objects.filter(username="chef.projet").count() == 1
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)
