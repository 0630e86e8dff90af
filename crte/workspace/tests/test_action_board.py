"""The board by maturity: compact cards of the page, columns counting the whole selection in
one query, whatever the number of actions."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from crte.actions.models import Action
from crte.actions.tests.factories import ActionFactory
from crte.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def board(client, contract, **filters):
    return client.get(
        reverse("workspace:contract_actions", args=[contract.slug]), {"vue": "tableau"} | filters
    )


def counts(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'id="colonne-(\w+)">\s*[^<]+<span data-testid="board-count">\((\d+)\)', html))


def test_columns_count_the_whole_selection_not_the_page(client, manager, contract, orientation):
    ActionFactory.create_batch(60, orientation=orientation, maturity=Action.Maturity.IDEE)
    ActionFactory.create_batch(5, orientation=orientation, maturity=Action.Maturity.VALIDEE)
    client.force_login(manager)
    response = board(client, contract)
    assert counts(response)["idee"] == "60" and counts(response)["validee"] == "5"
    assert counts(response)["engagee"] == "0"
    assert sum(len(cards) for _, _, cards in response.context["board"]) == 50  # one page of cards
    assert "sur cette page" in response.content.decode()
    assert counts(board(client, contract, maturite="validee")) == {
        maturity: ("5" if maturity == "validee" else "0") for maturity, _ in Action.Maturity.choices
    }


def test_a_card_shows_title_owner_and_amount(client, manager, contract, orientation):
    owners = [OrganisationFactory(name="Commune de Lillers"), OrganisationFactory(name="SIVOM")]
    ActionFactory(orientation=orientation, title="Voie verte", owners=owners, amount=Decimal("250000"))
    client.force_login(manager)
    html = board(client, contract).content.decode()
    card = re.search(r'<li class="crte-board__card">.*?</li>', html).group(0)
    assert "Voie verte" in card and "250\u00a0000\u00a0€" in card
    assert re.search(r"(Commune de Lillers|SIVOM) et 1 autre ·", card)
    assert "fr-card" not in html.split('data-testid="action-board"')[1]


def test_the_board_costs_the_same_queries_for_10_or_60_actions(
    client, manager, contract, orientation, django_assert_max_num_queries
):
    client.force_login(manager)
    ActionFactory.create_batch(10, orientation=orientation, owners=[OrganisationFactory()])
    with django_assert_max_num_queries(40) as few:
        board(client, contract)
    ActionFactory.create_batch(
        50, orientation=orientation, owners=[OrganisationFactory()], maturity="validee"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        board(client, contract)
