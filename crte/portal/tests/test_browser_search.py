"""Search boxes in a real Chromium: an organisation of France found by a few letters without
accents, chosen with the keyboard, removed, chosen with the mouse, and posted; axe-core
finding no violation with the options open."""

import re

import pytest
from playwright.sync_api import expect

from crte.governance.models import Meeting
from crte.portal.tests.conftest import choose_in_search_box, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_finds_and_chooses_the_bodies_present_at_a_meeting(live_server, page, reference):
    from axe_playwright_python.sync_playwright import Axe

    log_in(page, live_server, "chef.projet")
    page.goto(live_server.url + f"/contrats/{reference.slug}/gouvernance/reunions/nouvelle/")
    box = page.get_by_role("combobox", name=re.compile("^Structures représentées"))
    box.fill("region hauts")
    region = page.locator('[role=option][data-label="Région Hauts-de-France"]')
    expect(region).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-status]")).to_contain_text("résultat")
    results = Axe().run(page)
    assert not results.violations_count, results.generate_report()

    box.press("ArrowDown")  # the first option: the contract's region comes first
    expect(region).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", region.get_attribute("id"))
    box.press("Enter")
    chosen = page.get_by_role("checkbox", name=re.compile("^Région Hauts-de-France"))
    expect(chosen).to_be_checked()
    expect(box).to_have_value("")
    expect(box).to_have_attribute("aria-expanded", "false")
    chosen.uncheck(force=True)  # removed (the DSFR label covers the box)

    agglomeration = "CA de Béthune-Bruay, Artois-Lys Romane"
    choose_in_search_box(page, "Structures représentées", "bethune bruay", agglomeration)
    page.get_by_label("Instance").select_option("COTECH")
    page.get_by_label("Date").fill("2024-03-15")
    page.get_by_role("button", name="Créer la réunion et son ordre du jour").click()
    expect(page.locator("body")).to_contain_text("Réunion créée")
    names = [o.name for o in Meeting.objects.get(date="2024-03-15").attending_organisations.all()]
    assert names == [agglomeration]
