"""ProConnect end to end in Chromium: a manager invites an agent from the members page,
the agent follows the e-mail's link, signs in at the (local) provider, lands on the contract
with the invited role, and signs out through the provider."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from crte.contracts.models import Membership
from crte.core.models import User
from crte.core.tests.oidc_provider import Agent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_invited_agent_signs_in_with_proconnect_and_out(live_server, page, provider, contract, manager):
    provider.add(Agent("sub-prefecture-1", "lea.martin@pas-de-calais.gouv.fr", "Léa", "Martin"))
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(manager.username)
    page.get_by_label("Mot de passe").fill("motdepasse-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_test_id("current-user").wait_for(state="attached")
    page.goto(live_server.url + f"/contrats/{contract.slug}/membres/")
    form = page.get_by_test_id("invitation-form")
    form.get_by_label("Adresse électronique").fill("lea.martin@pas-de-calais.gouv.fr")
    form.get_by_label("Rôle").select_option(label="Référent État")
    form.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("body")).to_contain_text("Invitation envoyée à lea.martin@pas-de-calais.gouv.fr")
    expect(page.get_by_test_id("invitations")).to_contain_text("lea.martin@pas-de-calais.gouv.fr")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("link", name="S’identifier avec ProConnect").click()
    page.wait_for_url(re.compile(re.escape(provider.url + "/authorize")))  # at the provider
    page.get_by_label("Adresse électronique").fill("lea.martin@pas-de-calais.gouv.fr")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(live_server.url + contract.get_absolute_url())
    user = User.objects.get(proconnect_sub="sub-prefecture-1")
    assert Membership.objects.get(user=user, contract=contract).role == Membership.Role.REFERENT_ETAT
    page.get_by_role("link", name="Membres et invitations").click()
    expect(page.get_by_test_id("members")).to_contain_text(re.compile(r"Léa Martin\s+Référent État"))

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/\?state="))
    assert provider.logouts and provider.logouts[0]["id_token_hint"].count(".") == 2
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
