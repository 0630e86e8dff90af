"""Members and invitations: a manager invites by e-mail (sent by a job), withdraws an
invitation or a role; the invited person takes the role with ProConnect or a password
account made from the e-mail's link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from crte.contracts.models import Invitation, Membership
from crte.core.models import Job, User
from crte.core.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, contract, **data):
    return client.post(reverse("workspace:members", args=[contract.slug]), data)


def test_a_manager_invites_and_the_mail_goes_through_a_job(client, manager, contract):
    client.force_login(manager)
    response = invite(client, contract, email=" Paul@Ville.fr ", role="lecteur")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("Paul@Ville.fr", "lecteur", manager)
    job = Job.objects.get(kind="courriel")
    assert job.state == Job.State.DONE and job.user == manager
    assert mail.outbox[0].to == ["Paul@Ville.fr"]
    assert f"http://testserver/invitations/{invitation.token}/" in mail.outbox[0].body
    assert "« Lecteur »" in mail.outbox[0].body
    page = client.get(reverse("workspace:members", args=[contract.slug])).content.decode()
    assert "Paul@Ville.fr" in page and "Invitation envoyée" in page


def test_the_invitation_form_says_what_is_wrong(client, manager, contract, funder):
    client.force_login(manager)
    page = invite(client, contract, email="pas-une-adresse", role="financeur").content.decode()
    assert "Saisissez une adresse de courriel valide" in page
    assert "Indiquez l&#x27;organisme que cette personne représente" in page
    invite(client, contract, email="a@b.fr", role="lecteur")
    again = invite(client, contract, email="A@B.fr", role="lecteur").content.decode()
    assert "Une invitation à ce rôle attend déjà cette adresse" in again
    assert Invitation.objects.count() == 1


def test_only_managers_invite_and_only_members_see_the_list(client, reader, outsider, contract):
    client.force_login(reader)
    assert client.get(reverse("workspace:members", args=[contract.slug])).status_code == 200
    assert invite(client, contract, email="a@b.fr", role="lecteur").status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("workspace:members", args=[contract.slug])).status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_an_invited_person_outside_the_federation_makes_a_password_account(client, contract, owner_org):
    invitation = Invitation.objects.create(
        contract=contract, email="Bureau@Etudes.fr", role="maitre_ouvrage", organisation=owner_org
    )
    url = invitation.get_absolute_url()
    weak = client.post(
        url, {"first_name": "Ana", "last_name": "Lopez", "password1": "12345678", "password2": "12345678"}
    )
    assert "Ce mot de passe est entièrement numérique" in weak.content.decode()
    assert not User.objects.filter(email__iexact="Bureau@Etudes.fr").exists()
    good = "un-long-mot-de-passe-solide"
    done = client.post(url, {"first_name": "Ana", "last_name": "Lopez", "password1": good, "password2": good})
    assert done["Location"] == contract.get_absolute_url()
    user = User.objects.get(email__iexact="Bureau@Etudes.fr")
    assert user.username == "bureau@etudes.fr" and user.check_password(good)
    membership = Membership.objects.get(user=user, contract=contract)
    assert (membership.role, membership.organisation) == ("maitre_ouvrage", owner_org)
    assert client.get(url).status_code == 404  # used once


def test_a_known_person_signs_in_then_accepts_and_nobody_else_can(client, contract):
    invitation = Invitation.objects.create(contract=contract, email="elu@ville.fr", role="lecteur")
    other = UserFactory(username="autre", email="autre@ville.fr")
    known = UserFactory(username="elu", email="ELU@ville.fr")
    assert "Un compte existe déjà" in client.get(invitation.get_absolute_url()).content.decode()
    client.force_login(other)
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert "cette invitation est adressée à elu@ville.fr" in page and "Rejoindre le contrat" not in page
    assert client.post(invitation.get_absolute_url(), {"accepter": "1"}).status_code == 403
    client.force_login(known)
    assert (
        client.post(invitation.get_absolute_url(), {"accepter": "1"})["Location"]
        == contract.get_absolute_url()
    )
    assert Membership.objects.filter(user=known, contract=contract, role="lecteur").exists()


def test_a_withdrawn_invitation_no_longer_opens(client, manager, contract):
    invitation = Invitation.objects.create(contract=contract, email="x@y.fr", role="lecteur")
    client.force_login(manager)
    client.post(reverse("workspace:invitation_revoke", args=[contract.slug, invitation.pk]))
    client.logout()
    assert client.get(invitation.get_absolute_url()).status_code == 404


def test_a_role_is_withdrawn_but_the_last_manager_stays(client, manager, reader, contract):
    client.force_login(manager)
    reading = Membership.objects.get(user=reader, contract=contract)
    client.post(reverse("workspace:member_remove", args=[contract.slug, reading.pk]))
    assert not Membership.objects.filter(pk=reading.pk).exists()
    managers = Membership.objects.filter(contract=contract, role__in=Membership.MANAGER_ROLES)
    for membership in managers[1:]:
        membership.delete()
    last = managers.get()
    page = client.post(reverse("workspace:member_remove", args=[contract.slug, last.pk]), follow=True)
    assert "garde au moins un chef de projet" in page.content.decode()
    assert Membership.objects.filter(pk=last.pk).exists()


def test_the_invitation_link_is_unguessable():
    tokens = {Invitation(email="a@b.fr").token for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 40 and re.fullmatch(r"[\w-]+", t) for t in tokens)


def test_the_organisation_represented_is_one_of_the_contracts(client, manager, contract, funder):
    client.force_login(manager)
    stranger = OrganisationFactory(name="Bureau d'études lointain")
    page = invite(client, contract, email="a@b.fr", role="financeur", organisation=stranger.pk)
    assert "organisation" in page.context["form"].errors and not Invitation.objects.exists()
    response = invite(client, contract, email="a@b.fr", role="financeur", organisation=funder.pk)
    assert response.status_code == 302
    assert Invitation.objects.get().organisation == funder
