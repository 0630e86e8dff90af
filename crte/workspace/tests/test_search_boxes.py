"""The answers of the search boxes (`workspace:search`): the contract's territory first, then
France, accents ignored, at most 20, escaped; for the contract's members only."""

import factory
import pytest
from django.urls import reverse

from crte.core.tests.factories import CommuneFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(contract, source="organismes"):
    return reverse("workspace:search", args=[contract.slug, source])


def ask(client, contract, text, source="organismes", **extra):
    params = {"liste": "id_organisation_liste", "champ": "organisation", "organisation_recherche": text}
    return client.get(url(contract, source), params | extra)


def labels(response) -> list[str]:
    return [row["label"] for row in response.context["rows"]]


@pytest.fixture
def on_territory(contract):
    commune = CommuneFactory(name="Lawe-sur-Vélocipède", insee_code="0A001")
    contract.territory.communes.add(commune)
    return OrganisationFactory(name="Mairie de Lawe-sur-Vélocipède", commune=commune)


def test_the_territory_comes_first_then_france(client, manager, contract, on_territory):
    OrganisationFactory(name="Vélocipède de France")
    client.force_login(manager)
    response = ask(client, contract, "velocipede")
    assert response.status_code == 200
    assert labels(response) == ["Mairie de Lawe-sur-Vélocipède", "Vélocipède de France"]
    assert [row["near"] for row in response.context["rows"]] == [True, False]
    html = response.content.decode()
    assert 'role="listbox"' in html and 'id="id_organisation_liste"' in html
    assert f'data-value="{on_territory.pk}"' in html and 'role="option"' in html


@pytest.mark.parametrize("typed", ["velocipede", "VÉLOCIPÈDE", "Vélocip", "vélocipède france"])
def test_accents_and_case_are_ignored_at_the_start_of_words(client, manager, contract, typed):
    OrganisationFactory(name="Vélocipède de France")
    OrganisationFactory(name="Bicyclettes et vélocipèdes réunis")
    client.force_login(manager)
    found = labels(ask(client, contract, typed))
    assert "Vélocipède de France" in found
    assert found == sorted(found, key=lambda name: not name.startswith("Vélocipède"))


def test_a_word_inside_another_is_not_found(client, manager, contract):
    OrganisationFactory(name="Développement économique du Ternois")
    client.force_login(manager)
    assert "Développement économique du Ternois" not in labels(ask(client, contract, "velo"))
    found = labels(ask(client, contract, "developpement economique ternois"))
    assert found == ["Développement économique du Ternois"]


def test_at_most_twenty_answers_in_a_constant_number_of_queries(
    client, manager, contract, django_assert_max_num_queries
):
    client.force_login(manager)
    OrganisationFactory(name="Vélocipède 0")
    with django_assert_max_num_queries(12) as few:
        ask(client, contract, "velocipede")
    OrganisationFactory.create_batch(30, name=factory.Sequence(lambda n: f"Vélocipède {n + 1}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = ask(client, contract, "velocipede")
    assert len(labels(response)) == 20
    assert "data-more" in response.content.decode()


def test_what_people_wrote_is_escaped(client, manager, contract):
    OrganisationFactory(name='<script>alert("vélocipède")</script>', short_name="<b>X</b>")
    client.force_login(manager)
    html = ask(client, contract, "alert").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;vélocipède&quot;)" in html


def test_a_list_id_that_is_not_an_id_is_refused(client, manager, contract):
    client.force_login(manager)
    assert ask(client, contract, "x", liste='"><script>').status_code == 400


def test_the_sources_are_those_of_the_forms(client, manager, contract, funder, owner_org):
    """The meeting's financers do not offer what is not a financer; communes are the
    territory's; an unknown source is a 404."""
    client.force_login(manager)
    assert labels(ask(client, contract, "region de test", "structures-representees")) == [funder.name]
    assert labels(ask(client, contract, "commune de test", "structures-representees")) == []
    elsewhere = CommuneFactory(name="Vélocipède-les-Bains", insee_code="0A002")
    assert labels(ask(client, contract, "velocipede", "communes")) == []
    contract.territory.communes.add(elsewhere)
    assert labels(ask(client, contract, "velocipede", "communes")) == ["Vélocipède-les-Bains"]
    assert ask(client, contract, "x", "inconnue").status_code == 404


def test_members_of_the_contract_search_others_do_not(client, contract, reader, outsider):
    assert ask(client, contract, "velo").status_code == 302  # to sign in
    client.force_login(outsider)
    assert ask(client, contract, "velo").status_code == 404  # the contract is not published
    contract.is_published = True
    contract.save()
    assert ask(client, contract, "velo").status_code == 403  # a reader of the public page
    client.force_login(UserFactory(username="visiteur"))
    assert ask(client, contract, "velo").status_code == 403
    client.force_login(reader)
    assert ask(client, contract, "velo").status_code == 200
