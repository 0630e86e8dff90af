"""Pages that work for people (issue 22): signing in lands on « Mon espace »; warnings of
past years are one line, details folded; the published contract shows visitors no internal
to-do or provenance; a financing line's links sit in its row, named for screen readers."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from crte.finance.tests.factories import FundingLineFactory
from crte.indicators.models import Indicator

pytestmark = pytest.mark.django_db
PASSWORD = "un mot de passe assez long"
MY_SPACE = reverse("workspace:my_space")


def sign_in(client, user, **extra):
    user.set_password(PASSWORD)
    user.save()
    return client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD} | extra)


def test_the_header_sign_in_link_asks_for_no_next_page(client, contract):
    contract.is_published = True
    contract.save()
    page = client.get(contract.get_absolute_url()).content.decode()
    assert re.search(r'href="/connexion/"[^>]*>Se connecter<', page)


def test_signing_in_from_any_page_lands_on_my_space(client, manager):
    assert sign_in(client, manager)["Location"] == MY_SPACE


def test_a_page_that_required_login_is_where_signing_in_leads(client, manager, action):
    edit = reverse("actions:action_edit", args=[action.pk])
    login = client.get(edit)["Location"]
    assert login.startswith(reverse("core:login")) and "next=" in login
    assert sign_in(client, manager, next=edit)["Location"] == edit


@pytest.mark.parametrize(
    "unsafe", ["https://ailleurs.example/", "//ailleurs.example/", "javascript:alert(1)"]
)
def test_an_unsafe_next_lands_on_my_space(client, manager, unsafe):
    assert sign_in(client, manager, next=unsafe)["Location"] == MY_SPACE


def test_past_years_committee_warnings_are_one_line_with_details_folded(client, manager, contract):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard", args=[contract.slug])).content.decode()
    summary = re.search(r'data-testid="past-warnings">(.*?)</div>', page, re.S).group(1)
    years = range(contract.start_year, 2026)  # no meeting at all: two warnings a past year
    assert f"<strong>{2 * len(years)}</strong> écarts les années passées" in summary
    assert "<details>" in summary and summary.count('data-testid="frequency-warning"') == 2 * len(years)
    assert "fr-alert--warning" not in page


@pytest.fixture
def published_action(contract, action, funder):
    contract.is_published = True
    contract.save()
    action.source = "programmation.xlsx, ligne 12"
    action.amount = Decimal("100000")
    action.save()
    FundingLineFactory(action=action, funder=funder, amount=Decimal("30000"), source_text="30 K€ Région")
    Indicator.objects.create(contract=contract, code="x", name="Trajets à vélo", unit="%", direction="hausse")
    return action


INTERNAL = [
    "Provenance",
    "programmation.xlsx",
    "Texte source",
    "30 K€ Région",
    "Conditions de validation",
    "Manque :",
    "depuis l'import",
]


def test_a_visitor_sees_no_internal_to_do_or_provenance(client, published_action):
    fiche = client.get(published_action.get_absolute_url()).content.decode()
    assert [text for text in INTERNAL if text in fiche] == []
    assert re.search(r"30\s000\s€", fiche)  # the financing itself is public
    slug = published_action.contract.slug
    dashboard = client.get(reverse("reports:dashboard", args=[slug])).content.decode()
    assert "Qualité des données" not in dashboard
    indicators = client.get(reverse("indicators:indicator_list", args=[slug])).content.decode()
    assert "Valeurs à saisir" not in indicators and "à saisir" not in indicators


def test_the_team_still_sees_them(client, reader, published_action):
    client.force_login(reader)
    fiche = client.get(published_action.get_absolute_url()).content.decode()
    assert [text for text in INTERNAL[:-1] if text not in fiche] == []
    slug = published_action.contract.slug
    assert "Qualité des données" in client.get(reverse("reports:dashboard", args=[slug])).content.decode()
    assert (
        "Valeurs à saisir" in client.get(reverse("indicators:indicator_list", args=[slug])).content.decode()
    )


def test_a_line_s_links_are_named_by_their_visible_text_first(client, manager, funding_line):
    client.force_login(manager)
    fiche = client.get(funding_line.action.get_absolute_url()).content.decode()
    name = funding_line.funder.name
    for verb in ("Modifier", "Partager", "Supprimer"):
        assert f'{verb}<span class="fr-sr-only"> le financement {name}</span></a>' in fiche
    assert "aria-label=" not in fiche.split('data-testid="funding-lines"')[1].split("</table>")[0]


def test_my_space_update_links_start_with_their_visible_text(client, funder_member, funding_line):
    client.force_login(funder_member)
    page = client.get(MY_SPACE).content.decode()
    title = funding_line.action.title
    assert f'>Modifier<span class="fr-sr-only"> le financement de {title}</span></a>' in page


def test_a_public_fiche_has_no_empty_column_of_buttons(client, published_action):
    fiche = client.get(published_action.get_absolute_url()).content.decode()
    assert '<th scope="col">Actions</th>' not in fiche
