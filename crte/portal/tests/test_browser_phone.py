"""On a phone (390 px wide) in a real headless Chromium: the actions lists show their first
action on the first screen, with no sideways scrolling; filters are folded behind a button
and searched by name; a financing line's links are within reach on the fiche."""

import re

import pytest
from playwright.sync_api import expect

from crte.portal.tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def assert_first_action_on_first_screen(page) -> None:
    first = page.get_by_test_id("action-row").first.get_by_role("link")
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert_fits_the_phone(page)


@pytest.mark.parametrize("user", ["anonymous", "chef.projet"])
def test_the_contract_s_actions_on_a_phone(live_server, phone, reference, user):
    if user != "anonymous":
        log_in(phone, live_server, user)
    phone.goto(f"{live_server.url}/contrats/{reference.slug}/actions/")
    assert_first_action_on_first_screen(phone)
    expect(phone.get_by_label("Rechercher")).to_be_hidden()  # folded behind « Filtres »
    expect(phone.get_by_test_id("export-csv")).to_have_text("Exporter en CSV")
    expect(phone.get_by_test_id("export-csv")).to_be_visible()
    expect(phone.get_by_test_id("export-xlsx")).to_have_text("Exporter en XLSX")
    expect(phone.get_by_test_id("export-xlsx")).to_be_visible()

    phone.get_by_text("Filtres", exact=True).click()
    phone.get_by_label("Rechercher").fill("velo")
    phone.get_by_role("button", name="Filtrer").click()
    phone.wait_for_url(re.compile(r"q=velo"))
    expect(phone.get_by_test_id("action-row").first).to_contain_text("vélo")
    assert_fits_the_phone(phone)


def test_a_name_is_searched_then_chosen(live_server, phone, reference):
    phone.goto(f"{live_server.url}/contrats/{reference.slug}/actions/")
    phone.get_by_text("Filtres", exact=True).click()
    phone.get_by_role("searchbox", name=re.compile("^Maître d.ouvrage")).fill("bethune")
    select = phone.get_by_label("Maître d'ouvrage : choix")
    expect(select.locator("option")).to_have_count(2)  # « Tous » and the only match, by htmx
    select.select_option(index=1)
    phone.get_by_role("button", name="Filtrer").click()
    phone.wait_for_url(re.compile(r"moa=\d+"))
    expect(phone.get_by_test_id("action-results")).to_contain_text("correspondant aux filtres")
    for row in phone.get_by_test_id("action-row").all():
        expect(row).to_contain_text("Béthune")


def test_the_perimeter_s_actions_on_a_phone(live_server, phone, reference):
    log_in(phone, live_server, "admin.national")
    phone.goto(f"{live_server.url}/suivi/actions/")
    assert_first_action_on_first_screen(phone)
    expect(phone.get_by_label("Orientation")).to_have_count(0)  # a contract's own


def test_filters_are_open_beside_the_list_on_a_wide_screen(live_server, page, reference):
    page.goto(f"{live_server.url}/contrats/{reference.slug}/actions/")
    expect(page.get_by_label("Rechercher")).to_be_visible()
    assert page.get_by_test_id("filters-panel").evaluate("details => details.open")


def test_a_financing_line_s_links_are_within_reach_on_a_phone(live_server, phone, reference):
    log_in(phone, live_server, "chef.projet")
    action = reference.actions.filter(funding_lines__isnull=False).order_by("pk").first()
    phone.goto(f"{live_server.url}{action.get_absolute_url()}")
    line = phone.get_by_test_id("funding-line").first
    for verb in ("Modifier", "Partager", "Supprimer"):
        link = line.get_by_role("link", name=re.compile(f"^{verb} le financement"))
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (verb, box)
    assert_fits_the_phone(phone)
    line.get_by_role("link", name=re.compile("^Modifier le financement")).click()
    expect(phone.get_by_test_id("line-form")).to_be_visible()
