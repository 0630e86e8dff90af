"""The governance pages at national scale: organisations and actions chosen in search boxes
(never a select of the 36 900 organisations of France), what is posted checked against
what may be chosen, a constant number of queries, and French errors instead of crashes."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Amendment
from crte.contracts.tests.factories import OrientationFactory
from crte.core.models import Organisation
from crte.core.tests.factories import OrganisationFactory
from crte.governance.models import CharterAdhesion, EngineeringRequest, Meeting
from crte.governance.tests.factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def meeting_data(**changes) -> dict:
    return {"committee_kind": "COTECH", "date": "2024-06-01", "place": "Béthune"} | changes


def create_meeting(client, contract, **changes):
    return client.post(reverse("governance:meeting_create", args=[contract.slug]), meeting_data(**changes))


def options(html: str) -> int:
    return len(re.findall(r"<option", html))


def test_the_meeting_form_searches_the_organisations_instead_of_listing_them(client, manager, contract):
    client.force_login(manager)
    html = client.get(reverse("governance:meeting_create", args=[contract.slug])).content.decode()
    assert 'role="combobox"' in html and 'aria-controls="id_attending_organisations_liste"' in html
    assert '<label for="id_attending_organisations_recherche"' in html
    assert reverse("workspace:search", args=[contract.slug, "structures-representees"]) in html
    assert options(html) < 10  # the instance only, not 36 900 organisations


def test_a_manager_names_the_financers_present(client, manager, contract, funder):
    client.force_login(manager)
    assert create_meeting(client, contract, attending_organisations=[funder.pk]).status_code == 302
    assert list(Meeting.objects.get().attending_organisations.all()) == [funder]


@pytest.mark.parametrize("chosen", ["owner", "abc", "99999999999999999999999"])
def test_a_meeting_refuses_what_is_not_a_financer_or_not_a_key(client, manager, contract, owner_org, chosen):
    client.force_login(manager)
    value = owner_org.pk if chosen == "owner" else chosen
    response = create_meeting(client, contract, attending_organisations=[value])
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Sélectionnez un choix valide" in " ".join(
        response.context["form"].errors["attending_organisations"]
    )


def test_without_javascript_an_exact_name_or_a_siren_is_taken(client, manager, contract, funder):
    funder.siren = "200000001"
    funder.save()
    client.force_login(manager)
    create_meeting(client, contract, attending_organisations_recherche="RÉGION DE TEST")
    create_meeting(client, contract, date="2024-07-01", attending_organisations_recherche="200 000 001")
    assert [list(m.attending_organisations.all()) for m in Meeting.objects.order_by("date")] == [[funder]] * 2
    response = create_meeting(client, contract, attending_organisations_recherche="Région de")
    error = " ".join(response.context["form"].errors["attending_organisations"])
    assert "Aucun choix possible ne porte exactement le nom « Région de »" in error


def test_an_adhesion_names_any_organisation_and_refuses_a_wrong_key(client, manager, contract, owner_org):
    client.force_login(manager)
    url = reverse("governance:adhesion_create", args=[contract.slug])
    client.post(url, {"organisation": owner_org.pk, "requested_on": "2024-05-01"})
    assert CharterAdhesion.objects.get().organisation == owner_org
    page = client.post(url, {"organisation": "abc", "requested_on": "2024-05-01"}, follow=True)
    assert CharterAdhesion.objects.count() == 1
    assert "Demande incomplète" in page.content.decode()


def test_an_engineering_request_refuses_a_commune_and_an_action_of_another_contract(
    client, manager, contract, funder, action
):
    commune = OrganisationFactory(name="Commune de Vélocipède", category=Organisation.Category.COMMUNE)
    elsewhere = ActionFactory(orientation=OrientationFactory())
    client.force_login(manager)
    url = reverse("governance:engineering_create", args=[contract.slug])
    data = {"phase": "projets", "subject": "Appui", "status": "demandee"}
    response = client.post(url, data | {"partner": commune.pk, "action": elsewhere.pk})
    assert set(response.context["form"].errors) == {"partner", "action"}
    assert client.post(url, data | {"partner": funder.pk, "action": action.pk}).status_code == 302
    assert (EngineeringRequest.objects.get().partner, EngineeringRequest.objects.get().action) == (
        funder,
        action,
    )


def test_an_amendment_refuses_an_action_of_another_contract(client, manager, contract, action):
    amendment = Amendment.objects.create(contract=contract, number=1, title="Ajout")
    idea = ActionFactory(orientation=action.orientation, maturity="idee")
    elsewhere = ActionFactory(orientation=OrientationFactory(), maturity="idee")
    client.force_login(manager)
    url = reverse("governance:amendment_actions", args=[amendment.pk])
    page = client.post(url, {"added": [elsewhere.pk]}, follow=True)
    assert "Choix d'actions invalide" in html.unescape(page.content.decode())  # shown escaped
    client.post(url, {"added": [idea.pk]})
    assert list(amendment.added_actions.all()) == [idea]


@pytest.mark.parametrize("item", ["abc", "99999999999999999999999", "other"])
def test_a_decision_on_an_unknown_point_is_a_french_error_not_a_crash(client, manager, contract, item):
    meeting = MeetingFactory(committee=CommitteeFactory(contract=contract))
    other = MeetingFactory(committee=CommitteeFactory(contract=contract, kind="COPIL"))
    foreign = other.agenda.create(order=1, title="Point d'une autre réunion")
    client.force_login(manager)
    data = {"item": foreign.pk if item == "other" else item, "libre-kind": "autre", "libre-subject": "x"}
    response = client.post(reverse("governance:decision_add", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "ce point n'est pas à l'ordre du jour de cette réunion" in html.unescape(
        response.content.decode()
    )  # shown escaped
    assert not meeting.decisions.exists()


def grow(contract, orientation, funder, n: int) -> None:
    """n more of everything the governance page lists."""
    start = contract.amendments.count()
    for i in range(n):
        amendment = Amendment.objects.create(contract=contract, number=start + i + 1, title=f"Avenant {i}")
        ActionFactory(orientation=orientation, maturity="idee", added_by=amendment)
        ActionFactory(orientation=orientation, removed_by=amendment)
        MeetingFactory(committee=CommitteeFactory(contract=contract), date=date(2023, 1, 1 + i))
        CharterAdhesion.objects.create(contract=contract, organisation=OrganisationFactory())
        EngineeringRequest.objects.create(contract=contract, partner=funder, phase="projets", subject=f"S{i}")


def test_the_governance_page_keeps_its_queries_and_its_weight_as_data_grows(
    client, manager, contract, orientation, funder, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("governance:governance_home", args=[contract.slug])
    grow(contract, orientation, funder, 1)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    grow(contract, orientation, funder, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('data-testid="amendment"') == 6
    assert options(html) < 20 and html.count('role="combobox"') == 1 + 2 * 6  # the adhesion, the amendments
