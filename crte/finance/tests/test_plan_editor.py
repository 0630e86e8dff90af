"""The financing plan editor of the fiche: add, edit, split and delete lines, each change
validated, historised and protected against concurrent edits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from crte.core.tests.factories import OrganisationFactory
from crte.finance.models import FundingLine
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def line_data(**changes) -> dict:
    data = {
        "funder": "",
        "scheme": "",
        "amount": "",
        "rate": "",
        "is_annual": "",
        "start_year": "",
        "end_year": "",
        "status": "prevu",
        "status_changed_on": "",
        "credit_type": "",
        "note": "",
    }
    return data | changes


def add(client, action, **changes):
    return client.post(reverse("finance:funding_line_add", args=[action.pk]), line_data(**changes))


def test_a_manager_adds_a_line_by_amount_and_one_by_rate(client, manager, action, funder):
    client.force_login(manager)
    assert add(client, action, funder=funder.pk, amount="30 000,50", start_year="2022").status_code == 302
    assert add(client, action, funder=funder.pk, rate="25", credit_type="contractualise").status_code == 302
    by_amount, by_rate = action.funding_lines.order_by("id")
    assert (by_amount.amount, by_amount.share, by_amount.start_year) == (Decimal("30000.50"), None, 2022)
    assert (by_rate.amount, by_rate.share, by_rate.resolved_amount()) == (
        None,
        Decimal("0.25"),
        Decimal("25000"),
    )
    assert by_amount.history.first().history_user == manager
    assert by_amount.external_id != by_rate.external_id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, "amount", "Indiquez un montant, ou un taux"),
        ({"amount": "-5"}, "amount", "négatif"),
        ({"amount": "1e20"}, "amount", "pas plus de 14 chiffres"),
        ({"amount": "10000", "rate": "50"}, "rate", "donne 50 000 €, pas 10 000 €"),
        ({"amount": "10", "start_year": "2027"}, "start_year", "comprise dans le contrat (2021-2026)"),
        ({"amount": "10", "start_year": "2024", "end_year": "2022"}, "end_year", "précède"),
        ({"amount": "10", "status_changed_on": "2099-01-01"}, "status_changed_on", "futur"),
        ({"rate": "150"}, "rate", "100"),
    ],
)
def test_a_wrong_line_is_refused_in_french_and_nothing_is_written(
    client, manager, action, funder, changes, field, message
):
    client.force_login(manager)
    response = add(client, action, funder=funder.pk, **changes)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field]).replace("\xa0", " ")
    assert not action.funding_lines.exists()


def test_a_rate_needs_an_action_amount(client, manager, action, funder):
    action.amount = None
    action.save()
    client.force_login(manager)
    response = add(client, action, funder=funder.pk, rate="20")
    assert "pas de montant" in " ".join(response.context["form"].errors["rate"])


def test_through_htmx_the_plan_comes_back_with_the_new_line_and_a_warning(client, manager, action, funder):
    client.force_login(manager)
    response = client.post(
        reverse("finance:funding_line_add", args=[action.pk]),
        line_data(funder=funder.pk, amount="150000"),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode().replace("\xa0", " ")
    assert 'id="plan-financement"' in page and "150 000" in page
    assert "Financements supérieurs au montant de l&#x27;action" in page


def test_through_htmx_errors_come_back_in_the_form_area(client, manager, action, funder):
    client.force_login(manager)
    response = client.post(
        reverse("finance:funding_line_add", args=[action.pk]),
        line_data(funder=funder.pk),
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Retarget"] == "#line-form"
    assert "Indiquez un montant" in response.content.decode()


def test_the_financers_member_updates_the_granted_amount_of_its_own_line(client, funder_member, funding_line):
    client.force_login(funder_member)
    url = reverse("finance:funding_line_edit", args=[funding_line.pk])
    form = client.get(url).context["form"]
    assert "funder" not in form.fields  # its line stays its own
    data = line_data(amount="42 000", status="accorde", revision=funding_line.revision)
    assert client.post(url, data).status_code == 302
    funding_line.refresh_from_db()
    assert (funding_line.amount, funding_line.status, funding_line.revision) == (
        Decimal("42000"),
        "accorde",
        2,
    )


def test_an_edit_on_a_stale_form_is_refused(client, manager, funding_line):
    client.force_login(manager)
    url = reverse("finance:funding_line_edit", args=[funding_line.pk])
    stale = funding_line.revision
    client.post(url, line_data(funder=funding_line.funder_id, amount="1", revision=stale))
    response = client.post(url, line_data(funder=funding_line.funder_id, amount="2", revision=stale))
    assert "modifié par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    funding_line.refresh_from_db()
    assert funding_line.amount == Decimal("1")


def test_a_split_keeps_the_total_to_the_cent(client, manager, action, funder):
    line = FundingLineFactory(action=action, funder=funder, amount=None, share=Decimal("0.33333333"))
    client.force_login(manager)
    url = reverse("finance:funding_line_split", args=[line.pk])
    assert client.post(url, {"part": "10 000,01"}).status_code == 302
    lines = list(action.funding_lines.order_by("id"))
    assert [x.amount for x in lines] == [Decimal("23333.32"), Decimal("10000.01")]
    assert sum(x.amount for x in lines) == Decimal("33333.33")
    assert {x.funder_id for x in lines} == {funder.pk}


def test_a_split_larger_than_the_line_is_refused(client, manager, funding_line):
    client.force_login(manager)
    response = client.post(reverse("finance:funding_line_split", args=[funding_line.pk]), {"part": "50000"})
    assert "moins que le montant de la ligne" in " ".join(response.context["form"].errors["part"])
    assert FundingLine.objects.count() == 1


def test_delete_asks_then_removes_and_keeps_history(client, manager, funding_line):
    client.force_login(manager)
    url = reverse("finance:funding_line_delete", args=[funding_line.pk])
    assert "Supprimer la ligne" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not FundingLine.objects.exists()
    assert FundingLine.history.filter(id=funding_line.pk, history_type="-").exists()


@pytest.mark.parametrize("persona", ["funder_member", "owner_member", "reader"])
def test_only_managers_add_split_and_delete(client, request, persona, action, funding_line):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("finance:funding_line_add", args=[action.pk]),
        reverse("finance:funding_line_split", args=[funding_line.pk]),
        reverse("finance:funding_line_delete", args=[funding_line.pk]),
    ):
        assert client.post(url, {"part": "1", "amount": "1"}).status_code == 403
    assert FundingLine.objects.count() == 1


def test_conventions_exist_only_for_the_contracts_years(client, manager, contract):
    client.force_login(manager)
    assert client.get(reverse("finance:agreement_detail", args=[contract.slug, 2027])).status_code == 404
    response = client.post(
        reverse("finance:agreement_step", args=[contract.slug, 2027, "comite"]), {"date": "2024-01-10"}
    )
    assert response.status_code == 302
    from crte.finance.models import FundingAgreement

    assert not FundingAgreement.objects.exists()
    assert client.get(reverse("finance:agreement_detail", args=[contract.slug, 2024])).status_code == 200


def test_an_unnamed_financer_is_never_a_convention_partner(action):
    from crte.finance.agreements import live_participations

    FundingLineFactory(action=action, funder=None, amount=Decimal("1000"), start_year=2024)
    named = FundingLineFactory(action=action, amount=Decimal("2000"), start_year=2024)
    rows = live_participations(action.contract, 2024)
    assert [r.line_id for r in rows] == [named.pk]


def test_a_line_names_a_financer_of_the_contract_chosen_or_typed(client, manager, action, funder):
    client.force_login(manager)
    stranger = OrganisationFactory(name="Bureau d'études lointain")
    response = add(client, action, funder=stranger.pk, amount="1 000")
    assert "funder" in response.context["form"].errors and not action.funding_lines.exists()
    assert add(client, action, funder_recherche="région de test", amount="1 000").status_code == 302
    assert action.funding_lines.get().funder == funder
