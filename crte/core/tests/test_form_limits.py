"""Every text a form writes fits its column on every database: SQLite stores a 1 000-character
title in a VARCHAR(400), PostgreSQL refuses it with an error page. So each CharField of every
form of the project is bounded by the model field it is written to."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

import crte
from crte.actions.models import Action

# Fields of plain forms (or declared by hand) and the model field their value is written to.
STORED = {
    "crte.actions.forms.ActionFields.other_owner": "core.Organisation.name",
    "crte.actions.forms.TransitionForm.reason": "actions.ActionTransition.reason",
    "crte.actions.forms.ChangeProposalForm.reason": "actions.ActionChange.reason",
    "crte.workspace.members.InvitationForm.email": "contracts.Invitation.email",
    "crte.workspace.members.PasswordAccountForm.first_name": "core.User.first_name",
    "crte.workspace.members.PasswordAccountForm.last_name": "core.User.last_name",
}
# Fields whose text is not written as typed: searched, checked, hashed, or read as a code.
NOT_STORED = {
    "django.contrib.auth.forms.AuthenticationForm.username",
    "django.contrib.auth.forms.AuthenticationForm.password",
    "crte.workspace.listing.ActionFilterForm.q",
    "crte.workspace.members.PasswordAccountForm.password1",
    "crte.workspace.members.PasswordAccountForm.password2",
    "crte.importers.web.forms.UploadForm.territory",
    "crte.importers.web.forms.TerritoryForm.territory",
}


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(crte.__path__, "crte."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("crte.") and ".tests" not in subclass.__module__:
                found.add(subclass)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def declared_by(form: type, name: str) -> str:
    """The dotted name of the field in the first class that declares it (a subclass inherits it)."""
    for klass in reversed(form.__mro__):
        if name in vars(klass).get("declared_fields", {}):
            return f"{klass.__module__}.{klass.__qualname__}.{name}"
    return f"{form.__module__}.{form.__qualname__}.{name}"


def target(form: type, name: str):
    """The model field a form field is written to (its ModelForm's, or as STORED says);
    None when its text is not stored."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            pass
    where = declared_by(form, name)
    if where in STORED:
        label, field_name = STORED[where].rsplit(".", 1)
        return apps.get_model(label)._meta.get_field(field_name)
    assert where in NOT_STORED, f"{where}: say in STORED where this text is written, or in NOT_STORED why not"
    return None


TEXT_FIELDS = [
    pytest.param(form, name, id=f"{form.__qualname__}.{name}")
    for form in project_forms()
    for name, field in form.base_fields.items()
    if isinstance(field, forms.CharField)
]


def test_the_walk_finds_the_project_forms():
    names = {form.__qualname__ for form in project_forms()}
    assert {"ActionForm", "FundingLineForm", "MeetingForm", "IndicatorForm", "PasswordAccountForm"} <= names
    assert len(TEXT_FIELDS) > 40


@pytest.mark.parametrize(("form", "name"), TEXT_FIELDS)
def test_every_text_field_is_bounded_by_its_model_field(form, name):
    model_field = target(form, name)
    limit = getattr(model_field, "max_length", None)
    if limit is None:
        return  # a TextField, or nothing stored
    bound = form.base_fields[name].max_length
    assert bound is not None and bound <= limit, (
        f"{declared_by(form, name)}: max_length {bound}, column {limit}"
    )


@pytest.mark.django_db
def test_a_title_longer_than_its_column_is_refused_on_every_database(client, manager, contract, orientation):
    client.force_login(manager)
    url = reverse("actions:action_create", args=[contract.slug])
    page = client.post(url, {"title": "T" * 1000, "orientation": orientation.pk})
    assert page.status_code == 200 and "400 caractères" in page.content.decode()
    assert not Action.objects.filter(title__startswith="TTT").exists()
