"""Finding actions: the search box folds accents and matches the start of words; names that
count by thousands across a perimeter (maîtres d'ouvrage, financers, schemes, communes,
contracts) are searched, never all listed, the user's own contracts first."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from crte.actions.tests.factories import ActionFactory
from crte.contracts.tests.factories import ContractFactory, OrientationFactory
from crte.core.models import Commune
from crte.core.tests.factories import FunderFactory, OrganisationFactory
from crte.finance.tests.factories import FundingLineFactory
from crte.workspace.lookups import LIMIT

pytestmark = pytest.mark.django_db


def titles(client, url, **params) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return sorted(a.title for a in response.context["page"])


@pytest.fixture
def list_url(contract):
    return reverse("workspace:contract_actions", args=[contract.slug])


def test_velo_finds_velo_not_developpement(client, manager, orientation, list_url):
    ActionFactory(orientation=orientation, title="Schéma directeur du système vélo")
    ActionFactory(orientation=orientation, title="Vélos en libre-service", description="Gares")
    ActionFactory(orientation=orientation, title="Développement économique", description="Pépinière")
    client.force_login(manager)
    assert titles(client, list_url, q="velo") == [
        "Schéma directeur du système vélo",
        "Vélos en libre-service",
    ]
    assert titles(client, list_url, q="VÉLO gares") == ["Vélos en libre-service"]
    assert titles(client, list_url, q="pepiniere") == ["Développement économique"]
    assert titles(client, list_url, q="elo") == []  # the middle of a word is not its start


def test_search_reads_the_owners_names_folded_too(client, manager, orientation, list_url):
    owner = OrganisationFactory(name="Commune d'Hénin-Beaumont")
    ActionFactory(orientation=orientation, owners=[owner], title="Halle couverte")
    client.force_login(manager)
    assert titles(client, list_url, q="henin halle") == ["Halle couverte"]


def test_the_search_box_of_a_name_filters_by_its_words(client, manager, orientation, list_url, funder):
    bethune = OrganisationFactory(name="Commune de Béthune")
    ActionFactory(orientation=orientation, owners=[bethune], title="Beffroi")
    ActionFactory(
        orientation=orientation, owners=[OrganisationFactory(name="Commune d'Auchel")], title="Stade"
    )
    line = FundingLineFactory(action=ActionFactory(orientation=orientation, title="Piscine"), funder=funder)
    client.force_login(manager)
    assert titles(client, list_url, moa_q="bethune") == ["Beffroi"]
    assert titles(client, list_url, moa=bethune.pk) == ["Beffroi"]
    assert titles(client, list_url, financeur_q="region de") == [line.action.title]  # « Région de test »
    assert titles(client, list_url, moa_q="nulle part") == []


def test_a_commune_is_chosen_by_its_name_or_code(client, manager, orientation, list_url):
    bethune = Commune.objects.get(insee_code="62119")
    ActionFactory(orientation=orientation, title="Beffroi").communes.set([bethune])
    ActionFactory(orientation=orientation, title="Ailleurs")
    client.force_login(manager)
    assert titles(client, list_url, commune="62119") == ["Beffroi"]
    assert titles(client, list_url, commune_q="béthu") == ["Beffroi"]
    assert titles(client, list_url, commune_q="62119") == ["Beffroi"]
    page = client.get(list_url).content.decode()
    assert '<option value="62119" >Béthune (62119)</option>' in page


def test_a_wrong_choice_is_ignored_not_the_other_filters(client, manager, orientation, list_url):
    ActionFactory(orientation=orientation, title="Vélo-route")
    ActionFactory(orientation=orientation, title="Gare")
    client.force_login(manager)
    assert titles(client, list_url, q="velo", moa="999999") == ["Vélo-route"]


@pytest.fixture
def many_owners(contract, orientation):
    """More maîtres d'ouvrage than a select shows, in this contract and in a published one."""
    other = ContractFactory(is_published=True)
    elsewhere = OrientationFactory(contract=other)
    for n in range(LIMIT + 5):
        ActionFactory(orientation=elsewhere, owners=[OrganisationFactory(name=f"Association A{n:02d}")])
    mine = OrganisationFactory(name="Syndicat Z des eaux")
    ActionFactory(orientation=orientation, owners=[mine])
    return mine


def test_the_perimeter_list_never_lists_every_name(client, manager, many_owners):
    client.force_login(manager)
    response = client.get(reverse("workspace:perimeter_actions"))
    form = response.context["form"]
    assert len(form.fields["moa"].choices) == 1 + LIMIT  # « Tous » and LIMIT names
    assert "… et d'autres : précisez la recherche" in response.content.decode()
    assert (
        "orientation" not in form.fields and "enjeu" not in form.fields
    )  # a contract's own, not a perimeter's
    assert form.fields["moa"].choices[1] == (str(many_owners.pk), "Syndicat Z des eaux")  # mine first


def test_suggestions_answer_at_most_the_limit_mine_first(client, manager, many_owners):
    client.force_login(manager)
    url = reverse("workspace:perimeter_actions_suggestions", args=["moa"])
    options = re.findall(
        r"<option value=\"(\d+)\"[^>]*>([^<]*)</option>", client.get(url, {"moa_q": ""}).content.decode()
    )
    assert len(options) == LIMIT and options[0][1] == "Syndicat Z des eaux"
    found = client.get(url, {"moa_q": "assoc a2"}).content.decode()
    assert re.findall(r">(Association A2\d)<", found) == [f"Association A2{n}" for n in range(5)]
    assert "d'autres" not in found
    assert client.get(reverse("workspace:perimeter_actions_suggestions", args=["x"])).status_code == 404


def test_a_visitor_gets_suggestions_from_published_contracts_only(client, contract, orientation):
    ActionFactory(orientation=orientation, owners=[OrganisationFactory(name="Secret SA")])
    url = reverse("workspace:perimeter_actions_suggestions", args=["moa"])
    assert "Secret SA" not in client.get(url, {"moa_q": "secret"}).content.decode()
    contract_url = reverse("workspace:contract_actions_suggestions", args=[contract.slug, "moa"])
    assert client.get(contract_url, {"moa_q": "secret"}).status_code == 404  # not published


def test_the_perimeter_list_filters_by_contract(client, manager, contract, orientation, many_owners):
    client.force_login(manager)
    url = reverse("workspace:perimeter_actions")
    assert len(titles(client, url, contrat=contract.pk)) == 1
    assert len(titles(client, url, contrat_q=contract.name.split()[0])) >= 1


def test_the_perimeter_list_costs_the_same_queries_for_few_or_many_names(
    client, manager, orientation, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("workspace:perimeter_actions")
    ActionFactory(orientation=orientation, owners=[OrganisationFactory()])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"moa_q": "org", "commune_q": "be"})
    for _ in range(30):
        action = ActionFactory(orientation=orientation, owners=[OrganisationFactory()], amount=Decimal(1))
        FundingLineFactory(action=action, funder=FunderFactory())
    with django_assert_max_num_queries(len(few)):
        client.get(url, {"moa_q": "org", "commune_q": "be"})
