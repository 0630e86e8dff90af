"""The actions list: filters, sort and pagination in the URL, exports of exactly what is
shown, a constant number of queries, and actions created, copied and deleted on pages."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from crte.actions.models import Action
from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Priority
from crte.contracts.tests.factories import OrientationFactory
from crte.core.tests.factories import FunderFactory, OrganisationFactory
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(contract, orientation, owner_org, funder):
    other = OrientationFactory(contract=contract, name="Se loger", order=2)
    velo = ActionFactory(
        orientation=orientation,
        owners=[owner_org],
        title="Piste cyclable du canal",
        amount=Decimal("200000"),
        start_year=2022,
        end_year=2023,
        maturity=Action.Maturity.ENGAGEE,
    )
    FundingLineFactory(action=velo, funder=funder, amount=Decimal("50000"))
    FundingLineFactory(action=velo, funder=FunderFactory(name="État"), amount=None, share=Decimal("0.25"))
    ecole = ActionFactory(
        orientation=other,
        title="Rénovation de l'école",
        amount=Decimal("900000"),
        maturity=Action.Maturity.IDEE,
        start_year=2025,
    )
    late = ActionFactory(orientation=orientation, title="Parking relais tardif", start_year=2021)
    return velo, ecole, late


def listed(client, contract, **params):
    response = client.get(reverse("workspace:contract_actions", args=[contract.slug]), params)
    assert response.status_code == 200
    return [a.title for a in response.context["page"]], response


def test_search_finds_words_in_title_description_and_owner(client, manager, contract, actions):
    client.force_login(manager)
    assert listed(client, contract, q="cyclable canal")[0] == ["Piste cyclable du canal"]
    assert listed(client, contract, q="commune de test")[0] == ["Piste cyclable du canal"]
    assert listed(client, contract, q="introuvable")[0] == []


def test_filters_combine(client, manager, contract, actions, funder):
    velo, ecole, late = actions
    client.force_login(manager)
    assert listed(client, contract, financeur=funder.pk)[0] == [velo.title]
    assert listed(client, contract, orientation=ecole.orientation_id)[0] == [ecole.title]
    assert listed(client, contract, maturite=["idee"])[0] == [ecole.title]
    assert listed(client, contract, annee=2023)[0] == [velo.title]
    assert listed(client, contract, retard="on")[0] == [late.title]  # validated, not engaged since 2021
    everything = listed(client, contract, maturite=["idee", "validee", "engagee"])[0]
    assert sorted(everything) == sorted(a.title for a in actions)


def test_sort_by_amount_and_a_wrong_parameter_is_ignored(client, manager, contract, actions):
    client.force_login(manager)
    titles, _ = listed(client, contract, tri="-montant")
    assert titles[0] == "Rénovation de l'école"
    titles, response = listed(client, contract, tri="nimporte", annee="abc")
    assert len(titles) == 3 and response.context["form"].errors


def test_the_funded_total_is_not_multiplied_by_filters(client, manager, contract, actions, funder):
    client.force_login(manager)
    _, response = listed(client, contract, financeur=funder.pk, q="piste")
    assert response.context["page"][0].funded == Decimal("100000")  # 50 000 + 25 % of 200 000


def test_pages_of_fifty_keep_the_filters(client, manager, contract, orientation):
    ActionFactory.create_batch(60, orientation=orientation, maturity=Action.Maturity.IDEE)
    client.force_login(manager)
    titles, response = listed(client, contract, maturite=["idee"], page=2)
    assert len(titles) == 10
    assert "maturite=idee" in response.context["query"] and "page" not in response.context["query"]


def test_the_list_costs_the_same_queries_for_10_or_60_actions(
    client, manager, contract, orientation, owner_org
):
    client.force_login(manager)
    url = reverse("workspace:contract_actions", args=[contract.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(url, {"tri": "titre"})
        return len(context)

    ActionFactory.create_batch(10, orientation=orientation, owners=[owner_org])
    few = queries()
    for action in ActionFactory.create_batch(50, orientation=orientation, owners=[OrganisationFactory()]):
        FundingLineFactory(action=action)
    assert queries() == few


def test_exports_hold_exactly_the_filtered_rows(client, manager, contract, actions, funder):
    client.force_login(manager)
    url = reverse("workspace:contract_actions_export", args=[contract.slug, "csv"])
    data = client.get(url, {"financeur": funder.pk}).content
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][2] == "Intitulé" and len(rows) == 2
    assert rows[1][2] == "Piste cyclable du canal" and rows[1][6] == "200 000,00"
    xlsx = client.get(
        reverse("workspace:contract_actions_export", args=[contract.slug, "xlsx"]), {"tri": "titre"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [r[2] for r in values[1:]] == [
        "Parking relais tardif",
        "Piste cyclable du canal",
        "Rénovation de l'école",
    ]
    assert values[2][values[0].index("Financements (€)")] == 100000


def test_an_unknown_export_format_is_404(client, manager, contract):
    client.force_login(manager)
    assert (
        client.get(reverse("workspace:contract_actions_export", args=[contract.slug, "exe"])).status_code
        == 404
    )


def test_formulas_are_neutralised_in_exports(client, manager, contract, orientation):
    ActionFactory(orientation=orientation, title='=HYPERLINK("http://x")')
    client.force_login(manager)
    data = client.get(
        reverse("workspace:contract_actions_export", args=[contract.slug, "csv"])
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in data and ";=HYPERLINK" not in data


def test_outsiders_do_not_see_the_list(client, outsider, contract, actions):
    client.force_login(outsider)
    assert client.get(reverse("workspace:contract_actions", args=[contract.slug])).status_code == 404


def test_the_perimeter_list_reads_only_visible_contracts(client, manager, contract, actions):
    hidden = ActionFactory(title="Action d'un autre contrat")
    client.force_login(manager)
    response = client.get(reverse("workspace:perimeter_actions"))
    titles = [a.title for a in response.context["page"]]
    assert len(titles) == 3 and hidden.title not in titles


def test_the_board_groups_by_maturity(client, manager, contract, actions):
    client.force_login(manager)
    response = client.get(reverse("workspace:contract_actions", args=[contract.slug]), {"vue": "tableau"})
    columns = {maturity: [a.title for a in cards] for maturity, _, cards in response.context["board"]}
    assert columns["idee"] == ["Rénovation de l'école"] and len(columns["validee"]) == 1


# --- creating, copying, deleting --------------------------------------------------------------


def create_data(orientation, **changes) -> dict:
    data = {
        "title": "Ombrières photovoltaïques",
        "description": "Parking de la mairie",
        "orientation": orientation.pk,
        "priority": "",
        "amount": "120 000",
        "amount_basis": "total",
        "calendar_text": "2024",
        "start_year": "2024",
        "end_year": "",
        "other_owner": "",
    }
    return data | changes


def test_a_manager_creates_an_action_as_an_idea(client, manager, contract, orientation, owner_org, action):
    """The owners offered are the territory's bodies and those of the contract's actions."""
    client.force_login(manager)
    url = reverse("actions:action_create", args=[contract.slug])
    response = client.post(
        url, create_data(orientation, owners=[owner_org.pk], other_owner="Association Vélo Lens")
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Ombrières photovoltaïques")
    assert (action.maturity, action.amount, action.external_id) == (
        "idee",
        Decimal("120000"),
        "ombrieres-photovoltaiques",
    )
    assert sorted(o.name for o in action.owners.all()) == ["Association Vélo Lens", "Commune de Test"]


def test_another_owner_by_siren_must_exist(client, manager, contract, orientation):
    client.force_login(manager)
    response = client.post(
        reverse("actions:action_create", args=[contract.slug]),
        create_data(orientation, other_owner="123456789"),
    )
    assert "Aucun organisme de SIREN 123456789" in " ".join(response.context["form"].errors["other_owner"])
    assert not Action.objects.exists()


def test_a_copy_starts_from_the_source(client, manager, action):
    client.force_login(manager)
    form = client.get(reverse("actions:action_copy", args=[action.pk])).context["form"]
    assert form.initial["title"] == "Copie de Parking relais"
    assert form.initial["amount"] == action.amount


def test_a_draft_is_deleted_after_confirmation_a_validated_action_is_not(
    client, manager, orientation, action
):
    draft = ActionFactory(orientation=orientation, maturity=Action.Maturity.IDEE)
    client.force_login(manager)
    assert (
        "Supprimer définitivement"
        in client.get(reverse("actions:action_delete", args=[draft.pk])).content.decode()
    )
    assert client.post(reverse("actions:action_delete", args=[draft.pk])).status_code == 302
    assert not Action.objects.filter(pk=draft.pk).exists()
    client.post(reverse("actions:action_delete", args=[action.pk]))
    assert Action.objects.filter(pk=action.pk).exists()  # validated: abandoned or withdrawn, never deleted


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_create_and_delete(client, request, persona, contract, orientation, action):
    client.force_login(request.getfixturevalue(persona))
    assert (
        client.post(
            reverse("actions:action_create", args=[contract.slug]), create_data(orientation)
        ).status_code
        == 403
    )
    assert client.post(reverse("actions:action_delete", args=[action.pk])).status_code == 403
    assert Action.objects.count() == 1


def test_exports_carry_the_enjeu_of_an_action_linked_to_one(
    client, manager, contract, orientation, owner_org
):
    """The reference contract's actions belong to enjeux: the exports answered 500 on them."""
    enjeu = Priority.objects.create(orientation=orientation, code="e1", label="Décarboner les mobilités")
    ActionFactory(contract=contract, orientation=orientation, priority=enjeu, owners=[owner_org])
    client.force_login(manager)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("workspace:contract_actions_export", args=[contract.slug, fmt]))
        assert response.status_code == 200, fmt
    response = client.get(reverse("workspace:contract_actions_export", args=[contract.slug, "csv"]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Décarboner les mobilités" in body.decode("utf-8-sig")
