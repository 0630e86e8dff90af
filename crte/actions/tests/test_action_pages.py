from decimal import Decimal

import pytest
from django.urls import reverse

from crte.actions.models import Action
from crte.actions.tests.factories import ActionFactory
from crte.core.models import Organisation
from crte.core.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def edit_data(action, **changes):
    data = {
        "title": action.title,
        "description": action.description,
        "orientation": action.orientation_id,
        "priority": "",
        "owners": [o.pk for o in action.owners.all()],
        "amount": "250000,50",
        "amount_basis": "total",
        "calendar_text": "2022-2024",
        "start_year": "2022",
        "end_year": "2024",
        "revision": action.revision,
    }
    data.update(changes)
    return data


def test_action_page_shows_owners_amount_and_calendar(client, reader, action):
    client.force_login(reader)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Parking relais" in page
    assert "Commune de Test" in page
    assert "100\u00a0000\u00a0€" in page
    assert "Modifier l'action" not in page


def test_outsider_gets_404_on_an_action_of_another_contract(client, outsider, action):
    client.force_login(outsider)
    assert client.get(action.get_absolute_url()).status_code == 404
    assert client.get(reverse("actions:action_edit", args=[action.pk])).status_code == 404


def test_reader_gets_403_on_edit(client, reader, action):
    client.force_login(reader)
    url = reverse("actions:action_edit", args=[action.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(action, title="Piraté")).status_code == 403
    action.refresh_from_db()
    assert action.title == "Parking relais"


def test_anonymous_is_sent_to_login_on_edit_of_a_published_action(client, action):
    action.contract.is_published = True
    action.contract.save()
    response = client.get(reverse("actions:action_edit", args=[action.pk]))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_financer_and_owner_members_cannot_edit_the_action(client, funder_member, owner_member, action):
    for user in (funder_member, owner_member):
        client.force_login(user)
        assert client.get(reverse("actions:action_edit", args=[action.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["manager", "state_referent"])
def test_managers_edit_an_action_and_the_history_records_who(client, action, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("actions:action_edit", args=[action.pk])
    response = client.post(url, edit_data(action, title="Parking relais de Douvrin"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Parking relais de Douvrin"
    assert action.amount == Decimal("250000.50")
    assert (action.start_year, action.end_year) == (2022, 2024)
    latest = action.history.first()
    assert latest.history_user == user and latest.title == "Parking relais de Douvrin"
    page = client.get(action.get_absolute_url()).content.decode()
    assert str(user) in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "négatif"),
        ({"start_year": "1850"}, "start_year", "hors de la période plausible (2000-2100)"),
        ({"start_year": "2024", "end_year": "2022"}, "end_year", "précède"),
        ({"title": ""}, "title", "Ce champ est obligatoire"),
    ],
)
def test_edit_rejects_bad_input_with_a_french_message(client, manager, action, changes, field, message):
    client.force_login(manager)
    url = reverse("actions:action_edit", args=[action.pk])
    response = client.post(url, edit_data(action, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    action.refresh_from_db()
    assert action.title == "Parking relais" and action.amount == Decimal("100000")


def test_edit_refuses_an_orientation_of_another_contract(client, manager, action):
    stranger = ActionFactory()
    client.force_login(manager)
    url = reverse("actions:action_edit", args=[action.pk])
    response = client.post(url, edit_data(action, orientation=stranger.orientation_id))
    assert "orientation" in response.context["form"].errors


def test_concurrent_edits_do_not_silently_overwrite_each_other(client, manager, state_referent, action):
    url = reverse("actions:action_edit", args=[action.pk])
    stale = edit_data(action, title="Version du chef de projet")
    client.force_login(state_referent)
    assert client.post(url, edit_data(action, title="Version du référent")).status_code == 302
    client.force_login(manager)
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "a été modifié par quelqu" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Version du référent"


def test_conditional_update_catches_an_edit_landing_after_validation(manager, action):
    from crte.actions.forms import ActionForm

    form = ActionForm(edit_data(action, title="Moi"), instance=Action.objects.get(pk=action.pk))
    assert form.is_valid()
    Action.objects.filter(pk=action.pk).update(revision=action.revision + 1, title="L'autre")
    assert not form.try_save()
    action.refresh_from_db()
    assert action.title == "L'autre"


def test_owner_member_reports_progress_on_its_own_action(client, owner_member, action):
    client.force_login(owner_member)
    url = reverse("actions:action_progress", args=[action.pk])
    data = {"on": "2025-03-01", "percent": "40", "spent": "12 500", "note": "Travaux lancés.", "declared": ""}
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.progress_percent, action.progress_note) == (40, "Travaux lancés.")
    report = action.progress_reports.get()
    assert (report.on.isoformat(), report.spent, report.by) == ("2025-03-01", Decimal("12500"), owner_member)
    history = client.get(url).context["reports"]
    assert list(history) == [report]


def test_an_owner_declares_the_action_under_way_and_a_manager_confirms(client, owner_member, manager, action):
    client.force_login(owner_member)
    url = reverse("actions:action_progress", args=[action.pk])
    client.post(
        url,
        {"on": "2025-03-01", "percent": "", "spent": "", "note": "Chantier ouvert", "declared": "en_cours"},
    )
    action.refresh_from_db()
    assert action.maturity == Action.Maturity.VALIDEE  # waits for the manager
    report = action.progress_reports.get()
    assert report.status == "a_confirmer"
    assert client.post(reverse("actions:progress_confirm", args=[report.pk, "confirmer"])).status_code == 403
    client.force_login(manager)
    assert "Le maître d'ouvrage déclare" in client.get(action.get_absolute_url()).content.decode().replace(
        "&#x27;", "'"
    )
    client.post(reverse("actions:progress_confirm", args=[report.pk, "confirmer"]))
    action.refresh_from_db()
    assert action.maturity == Action.Maturity.EN_COURS
    assert action.transitions.get().by == manager


def test_a_future_date_and_an_empty_report_are_refused(client, owner_member, action):
    client.force_login(owner_member)
    url = reverse("actions:action_progress", args=[action.pk])
    response = client.post(url, {"on": "2099-01-01", "percent": "10"})
    assert "futur" in " ".join(response.context["form"].errors["on"])
    response = client.post(url, {"on": "2025-01-01"})
    assert "au moins" in " ".join(response.context["form"].non_field_errors())
    assert not action.progress_reports.exists()


def test_owner_member_cannot_report_on_another_owners_action(client, owner_member, orientation):
    other = ActionFactory(orientation=orientation)
    client.force_login(owner_member)
    assert client.get(reverse("actions:action_progress", args=[other.pk])).status_code == 403


def test_progress_over_100_percent_is_refused(client, manager, action):
    client.force_login(manager)
    url = reverse("actions:action_progress", args=[action.pk])
    response = client.post(url, {"on": "2025-01-01", "percent": "140"})
    assert "100" in " ".join(response.context["form"].errors["percent"])


def test_owners_are_searched_in_france_communes_in_the_territory(client, manager, action):
    far = Organisation.objects.filter(category=Organisation.Category.COMMUNE).exclude(
        commune__in=action.contract.territory.communes.all()
    )[0]
    inside = CommuneFactory(name="Vélocipède-sur-Lawe", insee_code="0A011")
    outside = CommuneFactory(name="Vélocipède-les-Bains", insee_code="0A012")
    action.contract.territory.communes.add(inside)
    client.force_login(manager)
    url = reverse("actions:action_edit", args=[action.pk])
    page = client.get(url).content.decode()
    assert page.count('role="combobox"') == 2 and page.count("<option") < 40  # no list of France
    response = client.post(url, edit_data(action, owners=[far.pk], communes=[outside.pk]))
    assert list(response.context["form"].errors) == ["communes"]
    assert client.post(url, edit_data(action, owners=[far.pk], communes=[inside.pk])).status_code == 302
    assert list(action.owners.all()) == [far] and list(action.communes.all()) == [inside]
