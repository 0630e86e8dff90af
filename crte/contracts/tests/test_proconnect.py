"""ProConnect sign-in against a local OpenID provider over HTTP (crte.core.tests.
oidc_provider): invitations taken at the first sign-in, strangers refused, the acr and the
audience checked, signing out at the provider."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core import mail
from django.urls import reverse

from crte.contracts.models import Invitation, Membership
from crte.core.models import User
from crte.core.tests.oidc_provider import Agent

pytestmark = pytest.mark.django_db


def sign_in(client, provider, email, next_url="/mon-espace/"):
    """The browser's round trip, by hand: our start page, the provider's form, our callback."""
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/authorize?")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["acr_values"] == ["eidas1"] and "nonce" in query and "state" in query
    form = requests.get(start["Location"], timeout=5)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.text))
    back = requests.post(
        start["Location"], data=fields | {"login_email": email}, allow_redirects=False, timeout=5
    )
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    return client.get(callback.path + "?" + callback.query)


def invite(client, manager, contract, email, role=Membership.Role.REFERENT_ETAT):
    client.force_login(manager)
    response = client.post(reverse("workspace:members", args=[contract.slug]), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()
    client.logout()


def test_an_invited_agent_signs_in_and_lands_on_the_contract_with_the_role(
    client, provider, manager, contract
):
    invite(client, manager, contract, "Claire.Dupont@prefecture.gouv.fr")
    assert "Invitation" in mail.outbox[0].subject and "/invitations/" in mail.outbox[0].body
    provider.add(Agent("sub-claire", "claire.dupont@preFecture.gouv.fr", "Claire", "Dupont"))
    landed = sign_in(client, provider, "claire.dupont@prefecture.gouv.fr", contract.get_absolute_url())
    assert landed.status_code == 302 and landed["Location"] == contract.get_absolute_url()
    user = User.objects.get(proconnect_sub="sub-claire")
    assert (user.first_name, user.last_name, user.siret) == ("Claire", "Dupont", "13002526500013")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, contract=contract).role == Membership.Role.REFERENT_ETAT
    assert not Invitation.objects.pending().exists()
    assert client.get(contract.get_absolute_url()).status_code == 200
    # The second sign-in finds the same account by its ProConnect subject.
    client.logout()
    sign_in(client, provider, "claire.dupont@prefecture.gouv.fr")
    assert User.objects.filter(email__iexact="claire.dupont@prefecture.gouv.fr").count() == 1


def test_an_agent_without_invitation_gets_no_account(client, provider):
    provider.add(Agent("sub-x", "inconnu@ville.fr", "X", "Y"))
    refused = sign_in(client, provider, "inconnu@ville.fr")
    assert refused["Location"] == "/connexion/?proconnect=refus"
    assert not User.objects.filter(email__iexact="inconnu@ville.fr").exists()
    page = client.get(refused["Location"]).content.decode()
    assert "La connexion avec ProConnect n'a pas abouti" in page


def test_a_weaker_authentication_level_is_refused(client, provider, manager, contract):
    invite(client, manager, contract, "agent@ddt.gouv.fr")
    provider.add(Agent("sub-a", "agent@ddt.gouv.fr", "A", "B"))
    provider.acr = "eidas0"
    assert sign_in(client, provider, "agent@ddt.gouv.fr")["Location"] == "/connexion/?proconnect=refus"
    assert not User.objects.filter(proconnect_sub="sub-a").exists()


def test_a_token_for_another_client_is_refused(client, provider, manager, contract):
    invite(client, manager, contract, "agent@ddt.gouv.fr")
    provider.add(Agent("sub-a", "agent@ddt.gouv.fr", "A", "B"))
    provider.audience = "une-autre-application"
    assert sign_in(client, provider, "agent@ddt.gouv.fr")["Location"] == "/connexion/?proconnect=refus"
    assert not User.objects.filter(proconnect_sub="sub-a").exists()


def test_signing_out_ends_the_provider_session_too(client, provider, manager, contract):
    invite(client, manager, contract, "agent@ddt.gouv.fr")
    provider.add(Agent("sub-a", "agent@ddt.gouv.fr", "A", "B"))
    sign_in(client, provider, "agent@ddt.gouv.fr")
    out = client.post(reverse("core:logout"))
    assert out["Location"].startswith(provider.url + "/session/end?")
    query = parse_qs(urlsplit(out["Location"]).query)
    assert query["id_token_hint"][0].count(".") == 2  # the ID token the provider issued
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert "_auth_user_id" not in client.session


def test_password_sign_out_stays_here(client, manager):
    client.force_login(manager)
    assert client.post(reverse("core:logout"))["Location"] == "/"


def test_the_login_page_offers_proconnect_only_when_configured(client, settings):
    settings.PROCONNECT_ENABLED = False
    assert "ProConnect" not in client.get(reverse("core:login")).content.decode()
    settings.PROCONNECT_ENABLED = True
    page = client.get(reverse("core:login"), {"next": "/contrats/x/"}).content.decode()
    assert 'class="fr-connect"' in page and "/oidc/authenticate/?next=/contrats/x/" in page


@pytest.mark.parametrize("page", ["oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"])
def test_the_proconnect_pages_do_not_exist_when_it_is_not_configured(client, settings, page):
    settings.PROCONNECT_ENABLED = False
    assert client.get(reverse(page), {"code": "x", "state": "y"}).status_code == 404
    assert client.post(reverse(page)).status_code in (404, 405)


def started_state(client) -> str:
    start = client.get(reverse("oidc_authentication_init"))
    return parse_qs(urlsplit(start["Location"]).query)["state"][0]


@pytest.mark.parametrize(
    "callback",
    [
        lambda client, provider: {"code": "faux", "state": started_state(client)},  # the provider refuses
        lambda client, provider: {"code": "faux", "state": started_state(client) + "x"},  # a forged state
        lambda client, provider: {"code": "faux", "state": "y"},  # no sign-in started
        lambda client, provider: {"error": "access_denied", "state": started_state(client)},
        lambda client, provider: {"code": "faux"},
    ],
    ids=["refused-code", "forged-state", "no-session", "provider-error", "no-state"],
)
def test_a_bad_callback_in_demo_mode_goes_back_to_the_sign_in_page(client, provider, settings, callback):
    settings.DEBUG = settings.DEMO_MODE = True
    back = client.get(reverse("oidc_authentication_callback"), callback(client, provider))
    assert back.status_code == 302 and back["Location"] == "/connexion/?proconnect=refus"
    page = client.get(back["Location"]).content.decode()
    assert "La connexion avec ProConnect n'a pas abouti" in page


def test_a_replayed_callback_or_an_unreachable_provider_is_a_refused_sign_in(client, provider, settings):
    settings.DEBUG = settings.DEMO_MODE = True
    provider.add(Agent("sub-r", "agent@ddt.gouv.fr", "A", "B"))
    first = sign_in(client, provider, "agent@ddt.gouv.fr")
    replayed = client.get(first.wsgi_request.get_full_path())
    assert replayed["Location"] == "/connexion/?proconnect=refus"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    state = started_state(client)
    down = client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": state})
    assert down["Location"] == "/connexion/?proconnect=refus"
