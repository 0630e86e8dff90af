"""Every page of the demo opens for the people who use it (no error on real data)."""

import pytest
from django.urls import reverse

from crte.core.models import User
from crte.demo.reference import (
    load_demo_governance,
    load_demo_indicators,
    load_reference_contract,
    load_reference_data,
    setup_demo,
)
from crte.governance.models import Meeting
from crte.indicators.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_reference_data()
    contract, _ = load_reference_contract()
    setup_demo(contract)
    load_demo_governance(contract)
    load_demo_indicators(contract, 2025)
    return contract


def pages(contract) -> list[str]:
    slug = contract.slug
    orientation = contract.orientations.first()
    urls = [
        "/",
        contract.get_absolute_url(),
        reverse("governance:governance_home", args=[slug]),
        reverse("governance:versions_compare", args=[slug]) + "?de=0&a=0",
        reverse("finance:maquette", args=[slug]),
        reverse("finance:maquette", args=[slug]) + "?funder=État&year=2022&status=prevu",
        reverse("finance:agreement_detail", args=[slug, 2022]),
        reverse("reports:dashboard", args=[slug]),
        reverse("reports:dashboard", args=[slug]) + f"?orientation={orientation.pk}",
        reverse("reports:dashboard", args=[slug]) + "?date=2022-06-30",
        reverse("indicators:indicator_list", args=[slug]),
        reverse("reports:maquette_xlsx", args=[slug]),
        reverse("reports:agreement_document", args=[slug, 2022, "docx"]),
        reverse("portal:contract_export", args=[slug]),
    ]
    urls += [a.get_absolute_url() for a in contract.actions.all()]
    urls += [m.get_absolute_url() for m in Meeting.objects.filter(committee__contract=contract)]
    urls += [reverse("reports:meeting_minutes", args=[m.pk, "docx"]) for m in Meeting.objects.all()]
    urls += [i.get_absolute_url() for i in Indicator.objects.filter(contract=contract)]
    return urls


@pytest.mark.parametrize(
    "username", ["chef.projet", "financeur.region", "moa.cabbalr", "lecteur", "admin.national"]
)
def test_every_page_opens_for_every_role(client, demo, username):
    client.force_login(User.objects.get(username=username))
    failures = [
        (url, response.status_code) for url in pages(demo) if (response := client.get(url)).status_code != 200
    ]
    assert failures == []


def test_every_public_page_opens_without_logging_in(client, demo):
    failures = [
        (url, response.status_code) for url in pages(demo) if (response := client.get(url)).status_code != 200
    ]
    assert failures == []
    assert client.get(reverse("reports:rollup")).status_code == 302  # to the login page


def test_manager_pages_open(client, demo):
    client.force_login(User.objects.get(username="chef.projet"))
    action = demo.actions.first()
    for url in [
        reverse("actions:action_edit", args=[action.pk]),
        reverse("actions:action_progress", args=[action.pk]),
        reverse("actions:change_propose", args=[action.pk]),
        reverse("actions:assessment_create", args=[action.pk]),
        reverse("governance:meeting_create", args=[demo.slug]),
        reverse("governance:engineering_create", args=[demo.slug]),
        reverse("indicators:indicator_create", args=[demo.slug]),
        reverse("importers:upload", args=[demo.slug]),
        reverse("importers:values_upload", args=[demo.slug]),
    ]:
        assert client.get(url).status_code == 200, url
    national = User.objects.get(username="admin.national")
    client.force_login(national)
    assert client.get(reverse("reports:rollup")).status_code == 200
    assert client.get("/admin/").status_code == 200
