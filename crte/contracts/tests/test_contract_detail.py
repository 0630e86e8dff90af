import pytest
from django.urls import reverse

from crte.actions.tests.factories import ActionFactory
from crte.contracts.tests.factories import ContractFactory, OrientationFactory
from crte.core.models import PerimeterAccess
from crte.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(contract):
    return reverse("contracts:contract_detail", args=[contract.slug])


def test_anonymous_reads_a_published_contract(client, action):
    action.contract.is_published = True
    action.contract.save()
    response = client.get(url(action.contract))
    assert response.status_code == 200
    assert action.title in response.content.decode()


def test_anonymous_gets_404_on_an_unpublished_contract(client, contract):
    assert client.get(url(contract)).status_code == 404


def test_outsider_gets_404_on_a_contract_that_is_not_theirs(client, contract, outsider):
    client.force_login(outsider)
    assert client.get(url(contract)).status_code == 404


def test_reader_reads_an_unpublished_contract(client, contract, reader):
    client.force_login(reader)
    assert client.get(url(contract)).status_code == 200


def test_national_administrator_sees_every_contract(client, contract):
    admin = UserFactory(username="national")
    PerimeterAccess.objects.create(user=admin, level=PerimeterAccess.Level.NATIONAL)
    client.force_login(admin)
    assert client.get(url(contract)).status_code == 200


def test_prefecture_reads_the_contracts_of_its_departement_only(client, contract):
    prefecture = UserFactory(username="prefecture59")
    PerimeterAccess.objects.create(user=prefecture, level="departement", code="59")
    client.force_login(prefecture)
    assert client.get(url(contract)).status_code == 404
    contract.territory.departement_code = "59"
    contract.territory.save()
    assert client.get(url(contract)).status_code == 200


def test_contract_page_shows_orientations_actions_and_french_amounts(client, manager, orientation):
    ActionFactory(orientation=orientation, title="Pôle gare", amount="1234567.89")
    client.force_login(manager)
    page = client.get(url(orientation.contract)).content.decode()
    assert "Se déplacer" in page
    assert "Pôle gare" in page
    assert "1\u00a0234\u00a0567,89\u00a0€" in page


def test_contract_page_query_count_does_not_grow_with_actions(
    client, manager, contract, django_assert_max_num_queries
):
    orientations = [OrientationFactory(contract=contract) for _ in range(3)]
    ActionFactory(orientation=orientations[0])
    client.force_login(manager)
    with django_assert_max_num_queries(50) as few:
        client.get(url(contract))
    for orientation in orientations:
        ActionFactory.create_batch(15, orientation=orientation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(contract))
    page = response.content.decode()
    assert (
        page.count("Voir les 15 actions de l&#x27;orientation")
        + page.count("Voir les 15 actions de l'orientation")
        == 2
    )
    assert "Voir les 16 actions" in page  # a summary: the five largest, and the list behind a link
    assert "Toutes les actions (46)" in page


def test_home_lists_published_contracts_only(client, contract):
    published = ContractFactory(is_published=True, name="CRTE publié")
    page = client.get(reverse("portal:home")).content.decode()
    assert published.name in page
    assert published.get_absolute_url() in page
    assert contract.name not in page


def test_home_lists_a_members_unpublished_contracts(client, contract, reader):
    client.force_login(reader)
    assert contract.name in client.get(reverse("portal:home")).content.decode()
