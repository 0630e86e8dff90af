"""Daily work in a real headless Chromium: building an action and its financing plan,
finding and exporting it, a financer updating a granted amount that every page then
agrees on, a phone-width session, and axe-core finding no accessibility violation."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from crte.contracts.models import Contract
from crte.core.formats import format_euros
from crte.demo.reference import DEMO_PASSWORD
from crte.finance.overview import contract_maquette
from crte.portal.tests.conftest import choose_in_search_box, log_in
from crte.reports.rollup import rollup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def add_line(page, funder: str, amount: str) -> None:
    page.get_by_role("link", name="Ajouter un financement").click()
    form = page.get_by_test_id("line-form")
    choose_in_search_box(form, "Financeur", funder, funder)
    form.get_by_label("Montant (€)").fill(amount)
    form.get_by_role("button", name="Enregistrer").click()
    page.get_by_test_id("plan-message").filter(has_text=f"Ligne ajoutée : {funder}").wait_for()


def test_build_an_action_with_three_lines_find_it_and_export_it(live_server, page, reference, tmp_path):
    log_in(page, live_server, "chef.projet")
    page.goto(live_server.url + reference.get_absolute_url())
    page.get_by_role("link", name="Toutes les actions").click()
    expect(page).to_have_url(re.compile(r"/actions/$"))
    page.get_by_role("link", name="Nouvelle action").click()
    page.get_by_label("Intitulé").fill("Ombrières photovoltaïques du centre aquatique")
    page.get_by_label("Orientation").select_option(index=1)
    page.get_by_label("Montant prévisionnel HT (€)").fill("600 000")
    page.get_by_label("Année de début").fill("2024")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text("Ombrières photovoltaïques du centre aquatique")

    add_line(page, "État", "200 000")
    add_line(page, "Région Hauts-de-France", "150 000")
    add_line(page, "Agence de la transition écologique", "90 000,50")
    plan = plain(page.get_by_test_id("financing-plan").inner_text())
    assert "440 000,50 €" in plan  # financed
    assert "159 999,50 €" in plan  # remaining

    page.goto(live_server.url + f"/contrats/{reference.slug}/actions/")
    page.get_by_label("Rechercher").fill("ombrières")
    page.get_by_label("Idée", exact=True).check(force=True)  # the DSFR label covers the box
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"q=ombri"))
    assert page.get_by_test_id("action-count").inner_text().startswith("1 action")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "actions.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("Intitulé")] == "Ombrières photovoltaïques du centre aquatique"
    assert Decimal(str(row[header.index("Financements (€)")])) == Decimal("440000.50")
    assert row[header.index("Maturité")] == "Idée"


def region_total(contract: Contract) -> Decimal:
    maquette, _ = contract_maquette(contract)
    return sum(maquette.pivot("funder", "year")["Région Hauts-de-France"].values(), Decimal(0))


def test_the_region_updates_a_granted_amount_and_every_page_agrees(live_server, page, reference):
    log_in(page, live_server, "financeur.region")
    assert "/mon-espace/" in page.url
    lines = page.get_by_test_id("my-lines")
    first = lines.locator("tbody tr").first
    title = first.locator("td").first.inner_text()
    first.get_by_role("link", name=re.compile("Modifier le financement de")).click()
    page.get_by_label("Montant (€)").fill("123 456")
    page.get_by_label("Taux (% du montant de l'action)").fill("")  # the amount now says it all
    page.locator("select[name=status]").select_option(label="Accordé")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(lambda url: "/modifier/" not in url)  # the form is left, not shown again
    expect(page.get_by_test_id("error-summary")).to_have_count(0)
    expect(page.locator("h1")).to_have_text(plain(title))
    assert "123 456 €" in plain(page.get_by_test_id("financing-plan").inner_text())

    expected = plain(format_euros(region_total(reference)))
    in_rollup = {f: t for f, _, t in rollup(Contract.objects.filter(pk=reference.pk))["by_funder"]}
    assert plain(format_euros(in_rollup["Région Hauts-de-France"])) == expected
    page.goto(live_server.url + f"/contrats/{reference.slug}/maquette/")
    row = page.locator("tr", has_text="Région Hauts-de-France").first
    assert expected in plain(row.inner_text())

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    log_in(page, live_server, "admin.national")
    page.goto(live_server.url + "/perimetre/")
    row = page.locator("tr", has_text="Région Hauts-de-France").first
    assert expected in plain(row.inner_text())


def test_a_phone_user_logs_in_and_out_through_the_menu(live_server, browser, reference):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/")
        page.get_by_role("button", name="Menu").click()
        page.locator("#modal-menu").get_by_role("link", name="Se connecter").click()
        page.get_by_label("Nom d’utilisateur").fill("lecteur")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion/" not in url)
        page.get_by_role("button", name="Menu").click()
        expect(page.locator("#modal-menu").get_by_role("link", name="Mon espace")).to_be_visible()
        page.locator("#modal-menu").get_by_role("button", name="Se déconnecter").click()
        signed_out = page.locator("#modal-menu").get_by_role("link", name="Se connecter", include_hidden=True)
        expect(signed_out).to_have_count(1)  # the next page is there, its menu still closed
        page.get_by_role("button", name="Menu").click()
        expect(page.locator("#modal-menu").get_by_role("link", name="Se connecter")).to_be_visible()
    finally:
        context.close()


# The main pages of each role (issue 22: visitor, manager, financer, referent), checked by
# axe-core at a desktop width and a phone width.
MAIN_PAGES = {
    "anonymous": [
        "/",
        "/connexion/",
        "/contrats/{slug}/",
        "/contrats/{slug}/actions/",
        "/actions/{action}/",
        "/contrats/{slug}/tableau-de-bord/",
        "/contrats/{slug}/indicateurs/",
        "/contrats/{slug}/maquette/",
        "/contrats/{slug}/gouvernance/",
        "/suivi/actions/",
        "/page-inexistante/",
    ],
    "chef.projet": [
        "/mon-espace/",
        "/contrats/{slug}/",
        "/contrats/{slug}/actions/",
        "/contrats/{slug}/actions/?vue=tableau",
        "/actions/{action}/",
        "/actions/{action}/modifier/",
        "/contrats/{slug}/maquette/",
        "/contrats/{slug}/tableau-de-bord/",
        "/contrats/{slug}/indicateurs/",
        "/contrats/{slug}/gouvernance/",
        "/contrats/{slug}/import/",
    ],
    "financeur.region": [
        "/mon-espace/",
        "/contrats/{slug}/actions/",
        "/actions/{region_action}/",
        "/financements/{region_line}/modifier/",
        "/contrats/{slug}/maquette/",
    ],
    "referent.etat": [
        "/mon-espace/",
        "/contrats/{slug}/",
        "/contrats/{slug}/actions/",
        "/actions/{action}/",
        "/contrats/{slug}/tableau-de-bord/",
        "/contrats/{slug}/gouvernance/",
    ],
    "admin.national": ["/perimetre/", "/suivi/actions/"],
}


def test_axe_finds_no_violation_on_the_main_pages_of_each_role_at_1280_and_390_px(
    live_server, browser, reference
):
    from axe_playwright_python.sync_playwright import Axe

    from crte.finance.models import FundingLine

    axe = Axe()
    region_line = FundingLine.objects.filter(
        action__contract=reference, funder__name="Région Hauts-de-France"
    ).first()
    names = {
        "slug": reference.slug,
        "action": reference.actions.order_by("pk").first().pk,
        "region_action": region_line.action_id,
        "region_line": region_line.pk,
    }
    found = {}
    for user, paths in MAIN_PAGES.items():
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user != "anonymous":
            log_in(page, live_server, user)
        for path in paths:
            for width in (1280, 390):  # each width loaded afresh: what a phone gets on arrival
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(live_server.url + path.format(**names))
                results = axe.run(page)
                if results.violations_count:
                    found[f"{user} : {path} à {width} px"] = results.generate_report()
        context.close()
    assert not found, "\n\n".join(f"{where}\n{report}" for where, report in found.items())
