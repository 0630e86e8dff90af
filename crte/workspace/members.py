"""Who works on a contract: its members and the invitations its managers send by e-mail.
An invitation is taken by the first ProConnect sign-in with its address, or through the
e-mail's link (ProConnect, or a password account for people outside the federation)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from crte.actions.forms import territory_bodies
from crte.contracts.models import Contract, Invitation, Membership
from crte.contracts.perms import access_for, can_manage_contract
from crte.core import jobs
from crte.core.models import Organisation
from crte.core.perms import get_for_user
from crte.core.search_box import ORGANISATIONS, SearchChoiceField, Source
from crte.finance.forms import contract_funders


def representable_bodies(contract):
    """The bodies a member may represent: the contract's financers and its territory's."""
    return Organisation.objects.filter(
        Q(pk__in=contract_funders(contract).values("pk")) | Q(pk__in=territory_bodies(contract).values("pk"))
    )


REPRESENTED = Source(
    "organismes-representes", ORGANISATIONS, rows=representable_bodies, near=territory_bodies
)


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)
    organisation = SearchChoiceField(
        label="Organisme représenté",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Obligatoire pour un membre d'un financeur ou d'un maître d'ouvrage.",
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["organisation"].searching(REPRESENTED, contract)

    def clean(self):
        data = super().clean()
        role, organisation = data.get("role"), data.get("organisation")
        if role in Membership.ORGANISATION_ROLES and organisation is None:
            self.add_error("organisation", "Indiquez l'organisme que cette personne représente.")
        if role not in Membership.ORGANISATION_ROLES:
            data["organisation"] = None
        email = (data.get("email") or "").strip()
        if (
            email
            and role
            and Invitation.objects.for_email(email).filter(contract=self.contract, role=role).exists()
        ):
            self.add_error("email", "Une invitation à ce rôle attend déjà cette adresse.")
        return data


class PasswordAccountForm(DsfrBaseForm):
    """A password account for an invited person outside the State's federation."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(label="Mot de passe", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Mot de passe, à nouveau", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Les deux mots de passe diffèrent.")
        elif data.get("password1"):
            user = get_user_model()(username=self.email.lower(), email=self.email, **self.names(data))
            try:
                password_validation.validate_password(data["password1"], user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    @staticmethod
    def names(data) -> dict:
        return {"first_name": data.get("first_name", ""), "last_name": data.get("last_name", "")}


def managed_contract(request, slug) -> Contract:
    return get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)


@login_required
def members(request, slug):
    """Everyone's role on the contract (to its members); managers invite and withdraw."""
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug)
    access = access_for(request.user, contract)
    if not (access.roles or access.can_manage):
        raise PermissionDenied("La liste des membres est réservée aux membres du contrat.")
    form = InvitationForm(request.POST or None, contract=contract)
    if request.method == "POST":
        if not access.can_manage:
            raise PermissionDenied("Seuls les chefs de projet et référents État invitent.")
        if form.is_valid():
            invitation = Invitation.objects.create(
                contract=contract,
                email=form.cleaned_data["email"].strip(),
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                invited_by=request.user,
            )
            send_invitation(request, invitation)
            messages.success(
                request, f"Invitation envoyée à {invitation.email} : le courriel part dans un instant."
            )
            return redirect("workspace:members", slug=slug)
    context = {
        "contract": contract,
        "access": access,
        "form": form,
        "memberships": contract.memberships.select_related("user", "organisation").order_by(
            "role", "user__last_name", "user__username"
        ),
        "invitations": contract.invitations.pending().select_related("organisation", "invited_by"),
    }
    return render(request, "workspace/members.html", context)


def send_invitation(request, invitation: Invitation) -> None:
    """The e-mail, sent by a worker (a slow mail server never holds the page)."""
    link = request.build_absolute_uri(invitation.get_absolute_url())
    inviter = request.user.get_full_name() or request.user.username
    organisation = f" pour {invitation.organisation}" if invitation.organisation else ""
    body = (
        f"Bonjour,\n\n{inviter} vous invite à rejoindre le contrat « {invitation.contract} » sur "
        f"{settings.SITE_TITLE}, avec le rôle « {invitation.get_role_display()} »{organisation}.\n\n"
        f"Pour accepter, ouvrez ce lien : {link}\n\nLes agents publics se connectent avec "
        "ProConnect, avec cette adresse ; les autres personnes y créent un mot de passe.\n"
    )
    jobs.start(
        jobs.MAIL,
        f"Courriel d'invitation à {invitation.email}",
        user=request.user,
        payload={"to": [invitation.email], "subject": f"Invitation : {invitation.contract}", "body": body},
    )


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    contract = managed_contract(request, slug)
    invitation = get_object_or_404(contract.invitations.pending(), pk=pk)
    invitation.revoked = True
    invitation.save(update_fields=["revoked"])
    messages.success(request, f"Invitation de {invitation.email} annulée.")
    return redirect("workspace:members", slug=slug)


@login_required
@require_POST
def member_remove(request, slug, pk):
    contract = managed_contract(request, slug)
    membership = get_object_or_404(contract.memberships, pk=pk)
    managers = contract.memberships.filter(role__in=Membership.MANAGER_ROLES)
    if membership.role in Membership.MANAGER_ROLES and managers.count() == 1:
        messages.error(request, "Le contrat garde au moins un chef de projet ou un référent État.")
    else:
        membership.delete()
        messages.success(request, f"{membership.user} n'a plus le rôle « {membership.get_role_display()} ».")
    return redirect("workspace:members", slug=slug)


def invitation(request, token):
    """The e-mail's link: sign in (ProConnect, or the invited person's password account)
    and take the role."""
    found = Invitation.objects.select_related("contract").filter(token=token).first()
    if found is None or not found.pending:
        raise Http404("Cette invitation n'existe pas, a déjà servi ou a été annulée.")
    user = request.user
    addressed_to_user = user.is_authenticated and (user.email or "").lower() == found.email.lower()
    if user.is_authenticated and request.method == "POST" and "accepter" in request.POST:
        if not addressed_to_user:
            raise PermissionDenied("Cette invitation est adressée à une autre adresse.")
        found.accept(user)
        messages.success(request, f"Vous avez rejoint le contrat « {found.contract} ».")
        return redirect(found.contract)
    known = get_user_model().objects.filter(email__iexact=found.email).exists()
    form = PasswordAccountForm(request.POST or None, email=found.email)
    if not user.is_authenticated and not known and request.method == "POST" and form.is_valid():
        with transaction.atomic():
            account = get_user_model().objects.create_user(
                username=found.email.lower()[:150],
                email=found.email,
                password=form.cleaned_data["password1"],
                **form.names(form.cleaned_data),
            )
            found.accept(account)
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Compte créé : vous avez rejoint le contrat « {found.contract} ».")
        return redirect(found.contract)
    context = {
        "invitation": found,
        "addressed_to_user": addressed_to_user,
        "form": form,
        "known": known,
        "proconnect": settings.PROCONNECT_ENABLED,
        "next": found.contract.get_absolute_url(),
    }
    return render(request, "workspace/invitation.html", context)
