"""End to end in a real headless Chromium: the path a newcomer takes after `make run`."""

import re

import pytest
from playwright.sync_api import expect

from crte.demo.reference import DEMO_PASSWORD
from crte.portal.tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_open_the_contract_then_an_action(live_server, page, reference):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Nom d’utilisateur").fill("chef.projet")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_test_id("current-user")).to_have_text("Camille Chef de projet")

    page.get_by_role("link", name=reference.name).click()
    expect(page.locator("h1")).to_have_text(reference.name)
    expect(page.get_by_test_id("orientation")).to_have_count(7)
    assert "21/01/2022" in page.content()

    page.get_by_role("link", name="Toutes les actions").click()
    expect(page).to_have_url(re.compile(r"/actions/$"))
    page.get_by_label("Rechercher").fill("OPAH-RU")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_test_id("action-table").get_by_role("link", name="Suivi-Animation OPAH-RU").click()
    expect(page.locator("h1")).to_have_text("Suivi-Animation OPAH-RU")
    amount = page.get_by_test_id("amount").inner_text()
    assert " ".join(amount.split()) == "400 000 € (globalisé)"
    assert page.get_by_role("link", name="Modifier l'action").is_visible()


def test_a_visitor_reads_the_published_contract_without_logging_in(live_server, page, reference):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=reference.name).click()
    expect(page.get_by_test_id("orientation")).to_have_count(7)
    page.get_by_role("link", name="Toutes les actions").click()
    expect(page).to_have_url(re.compile(r"/actions/$"))
    page.get_by_label("Rechercher").fill("Intérêt Général")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_test_id("action-table").get_by_role("link", name="Programme d'Intérêt Général").click()
    expect(page.locator("h1")).to_have_text("Programme d'Intérêt Général")
    amount = page.get_by_test_id("amount").inner_text()
    assert " ".join(amount.split()) == "6 500 000 € par an"
    expect(page.get_by_role("link", name="Modifier l'action")).to_have_count(0)


def test_import_a_spreadsheet_with_preview_then_confirm(live_server, page, reference, tmp_path):
    from crte.importers.tests.sheets import write_xlsx

    sheet = write_xlsx(
        tmp_path / "programmation-2023.xlsx",
        [
            ["Porteur", "Intitulé", "Orientation", "Coût HT", "Financeur", "Montant sollicité"],
            [
                "Commune d'Auchel",
                "Rénovation de l'école",
                "Apprendre",
                "1 000 000 €",
                "DSIL",
                "350 000 €",
            ],
        ],
    )
    log_in(page, live_server, "chef.projet")
    page.goto(live_server.url + reference.get_absolute_url())
    page.get_by_role("link", name="Importer un tableau").click()
    page.get_by_label("Fichier à importer").set_input_files(str(sheet))
    page.get_by_role("button", name="Lire le fichier").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text("Rien n'est encore enregistré")
    assert "/travaux/" in page.url  # the worker read the file; its job's page shows the preview
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator("body")).to_contain_text("Import de « programmation-2023.xlsx » terminé")
    page.get_by_role("link", name="Voir le contrat").click()
    expect(page.get_by_role("link", name="Rénovation de l'école")).to_be_visible()


def test_map_unknown_columns_by_hand_and_the_next_upload_needs_no_mapping(
    live_server, page, reference, tmp_path
):
    from crte.importers.tests.sheets import write_xlsx

    rows = [
        ["Chantier", "Enveloppe", "Remarque interne"],
        ["Voie verte du canal d'Aire", "480 000", "à revoir"],
        ["Chaufferie bois du collège", "1 250 000", ""],
    ]
    sheet = write_xlsx(tmp_path / "chantiers.xlsx", rows)
    log_in(page, live_server, "chef.projet")

    def upload():
        page.goto(live_server.url + reference.get_absolute_url())
        page.get_by_role("link", name="Importer un tableau").click()
        page.get_by_label("Fichier à importer").set_input_files(str(sheet))
        page.get_by_role("button", name="Lire le fichier").click()
        return page.get_by_test_id("import-preview")

    preview = upload()
    expect(preview).to_contain_text("Fichier refusé")
    page.get_by_label("Sens de la colonne A « Chantier »").select_option(label="Intitulé de l'action")
    page.get_by_label("Sens de la colonne B « Enveloppe »").select_option("montant")
    page.get_by_role("button", name="Appliquer ces colonnes et relancer l'aperçu").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text("Rien n'est encore enregistré")
    rows_read = page.get_by_test_id("import-rows").inner_text()
    assert "Voie verte du canal d'Aire" in rows_read and "480 000 €" in " ".join(rows_read.split())
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator("body")).to_contain_text("Import de « chantiers.xlsx » terminé")

    preview = upload()  # the same layout again: read without a word
    expect(preview).to_contain_text("Rien n'est encore enregistré")
    assert page.get_by_label("Sens de la colonne A « Chantier »").input_value() == "intitule"
    assert page.get_by_label("Sens de la colonne B « Enveloppe »").input_value() == "montant"
    assert "2 inchangée(s)" in " ".join(preview.inner_text().split())


@pytest.mark.pdf
def test_a_copil_validates_a_ready_action_and_the_minutes_carry_the_decision(
    live_server, page, reference, tmp_path
):
    from decimal import Decimal

    from docx import Document
    from pypdf import PdfReader

    from crte.actions.models import Action
    from crte.finance.models import FundingLine
    from crte.indicators.models import Indicator

    action = reference.actions.get(title="Gigafactory ACC")
    action.description = "Accompagnement de l'implantation de l'usine de batteries ACC."
    action.amount, action.start_year = Decimal("500000"), 2023
    action.maturity = Action.Maturity.PRETE
    action.save()
    action.owners.set([reference.territory.epci])
    FundingLine.objects.create(
        action=action, external_id="t", funder=reference.territory.epci, amount=Decimal("500000")
    )
    Indicator.objects.create(
        contract=reference,
        code="emplois-acc",
        name="Emplois créés",
        unit="emplois",
        direction="hausse",
        level="action",
        action=action,
    )
    log_in(page, live_server, "chef.projet")
    page.goto(live_server.url + reference.get_absolute_url())
    page.get_by_role("link", name="Gouvernance : comités, avenants").click()
    page.get_by_role("link", name="Préparer une réunion").click()
    page.get_by_label("Instance").select_option("COPIL")
    page.get_by_label("Date").fill("2023-03-15")
    page.get_by_label("Lieu").fill("Béthune")
    page.get_by_role("button", name="Créer la réunion et son ordre du jour").click()
    expect(page.locator("body")).to_contain_text("Réunion créée ; ordre du jour proposé")
    item = page.get_by_test_id("agenda-item").filter(has_text="Valider « Gigafactory ACC »")
    item.locator("summary").click()
    item.get_by_role("button", name="Enregistrer la décision").click()
    # a meeting still « prévue » decides nothing
    expect(page.locator("body")).to_contain_text("réunion qui s'est tenue")
    page.locator("select[name=status]").select_option(label="Tenue")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("body")).to_contain_text("Réunion mise à jour.")
    item = page.get_by_test_id("agenda-item").filter(has_text="Valider « Gigafactory ACC »")
    expect(item).to_have_count(1)
    item.locator("summary").click()
    item.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("body")).to_contain_text("Décision enregistrée et appliquée")
    expect(page.get_by_test_id("decision").filter(has_text="Gigafactory ACC")).to_have_count(1)

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Compte rendu (DOCX)").click()
    docx_path = tmp_path / "cr.docx"
    docx_download.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "Validation d'une action — Valider « Gigafactory ACC »" in text
    page.get_by_role("button", name="Compte rendu (PDF)").click()  # a job, followed on its page
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Télécharger compte-rendu").click()
    pdf_path = tmp_path / "cr.pdf"
    pdf_download.value.save_as(pdf_path)
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages).split())
    assert "Valider « Gigafactory ACC »" in pdf_text

    page.goto(live_server.url + action.get_absolute_url())
    assert page.get_by_test_id("maturity").text_content().strip() == "Validée"
    history = page.get_by_test_id("transitions").inner_text()
    assert "Prête → Validée" in " ".join(history.split())
    assert "Comité de pilotage du 15/03/2023" in history


def test_a_referent_enters_a_value_and_the_dashboard_and_chart_change(live_server, page, reference):
    from crte.demo.reference import load_demo_indicators

    load_demo_indicators(reference, 2024)
    log_in(page, live_server, "referent.etat")
    page.goto(live_server.url + reference.get_absolute_url())
    page.get_by_role("link", name="Tableau de bord").click()
    card = page.get_by_test_id("indicator-card").filter(has_text="Émissions de gaz à effet de serre")
    points_before = 6  # demo values 2018-2023
    expect(card.locator("circle")).to_have_count(points_before)
    card.get_by_role("link", name="Émissions de gaz à effet de serre du territoire").click()
    page.locator("#id_date").fill("2024-01-01")
    page.locator("#id_value").fill("1 234 567")
    page.locator("#id_source").fill("Observatoire régional (Atmo)")
    page.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.locator("body")).to_contain_text("Valeur enregistrée")
    page.go_back()
    page.go_back()
    page.reload()
    card = page.get_by_test_id("indicator-card").filter(has_text="Émissions de gaz à effet de serre")
    expect(card.locator("circle")).to_have_count(points_before + 1)
    assert (
        " ".join(card.get_by_test_id("indicator-last").inner_text().split()) == "1 234 567"
    )  # a count, without decimals
    expect(card.locator('circle[data-value="1234567"]')).to_have_count(1)


def test_the_content_security_policy_blocks_nothing_the_pages_need(live_server, page, reference):
    """A strict CSP (no inline script or style): the main pages raise no violation in the
    browser, and the DSFR's scripts run (the header's menu button works)."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Nom d’utilisateur").fill("chef.projet")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_test_id("current-user").wait_for(state="attached")
    slug = reference.slug
    for path in (
        "/",
        f"/contrats/{slug}/",
        f"/contrats/{slug}/tableau-de-bord/",
        f"/contrats/{slug}/maquette/",
        f"/contrats/{slug}/import/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.evaluate("typeof window.dsfr") in ("function", "object")
