"""« Mon espace »: each role lands on what it has to do."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crte.actions.models import Action, ActionChange
from crte.actions.tests.factories import ActionFactory
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db
URL = reverse("workspace:my_space")


def test_login_lands_on_my_space(client, manager):
    manager.set_password("un mot de passe assez long")
    manager.save()
    credentials = {"username": "chef", "password": "un mot de passe assez long"}
    response = client.post(reverse("core:login"), credentials)
    assert response.status_code == 302 and response["Location"] == URL


def test_the_manager_sees_the_contract_and_its_todos(client, manager, contract, orientation, action):
    ActionFactory(orientation=orientation, maturity=Action.Maturity.PRETE, title="Prête")
    ActionFactory(orientation=orientation, maturity=Action.Maturity.VALIDEE, start_year=2021, title="Tardive")
    ActionChange.objects.create(action=action, changes={"title": ["a", "b"]}, reason="r", proposed_by=manager)
    client.force_login(manager)
    response = client.get(URL)
    (space,) = response.context["spaces"]
    todos = {t.label: t.count for t in space.todos}
    assert todos["Actions prêtes à présenter en comité"] == 1
    assert todos["Actions en retard"] == 1
    assert todos["Évolutions proposées à étudier"] == 1
    assert any(label.startswith("Convention financière") for label in todos)
    assert "Chef de projet" in response.content.decode()


def test_the_financers_member_sees_its_lines_only(client, funder_member, funding_line, action):
    FundingLineFactory(action=action)  # another financer's
    client.force_login(funder_member)
    response = client.get(URL)
    assert response.context["my_lines"] == [funding_line]
    assert reverse("finance:funding_line_edit", args=[funding_line.pk]) in response.content.decode()
    assert response.context["spaces"][0].todos == []  # not a manager


def test_the_owners_member_sees_its_actions_with_progress_due(client, owner_member, action, orientation):
    action.maturity = Action.Maturity.EN_COURS
    action.save()
    Action.objects.filter(pk=action.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    ActionFactory(orientation=orientation, title="Pas à moi")
    client.force_login(owner_member)
    rows = client.get(URL).context["my_actions"]
    assert [(a.title, due) for a, due in rows] == [("Parking relais", True)]


def test_my_space_costs_the_same_queries_for_more_data(client, manager, funder_member, orientation, funder):
    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(URL)
        return len(context)

    before = queries()
    for action in ActionFactory.create_batch(20, orientation=orientation, amount=Decimal("10")):
        FundingLineFactory(action=action, funder=funder)
    assert queries() == before


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL)["Location"].startswith(reverse("core:login"))


def test_my_space_lists_my_recent_background_work_only(client, manager, reader):
    from crte.core.models import Job

    mine = [
        Job.objects.create(kind="export-perimetre", label=f"Export n° {n}", user=manager) for n in range(7)
    ]
    Job.objects.create(kind="export-perimetre", label="Export d'un autre", user=reader)
    client.force_login(manager)
    page = client.get(reverse("workspace:my_space"))
    shown = page.context["jobs"]
    assert len(shown) == Job.RECENT and {j.user_id for j in shown} == {manager.pk}
    html = page.content.decode()
    assert f'href="{mine[-1].get_absolute_url()}"' in html and "en file d&#x27;attente" in html
    assert "Export d&#x27;un autre" not in html
