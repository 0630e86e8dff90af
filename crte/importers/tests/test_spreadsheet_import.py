from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.core.text import normalize_label
from crte.finance.models import FundingLine
from crte.importers.pipeline import import_source
from crte.importers.tests.sheets import write_csv, write_ods, write_xlsx

pytestmark = pytest.mark.django_db

LONG_HEADER = [
    "Porteur",
    "Intitulé du projet",
    "Coût HT",
    "Financeur",
    "Montant sollicité",
    "Taux",
    "Année",
]
LONG_ROWS = [
    [
        "Commune d'Auchel",
        "Rénovation de l'école Jules Ferry",
        "1 000 000,00 €",
        "DSIL",
        "350000",
        "35%",
        "2023",
    ],
    ["", "", "", "Région Hauts-de-France", "200 000 €", "", ""],
    [
        "Commune de Lillers",
        "Piste cyclable rue Roger Salengro",
        60825,
        "Département du Pas-de-Calais",
        "",
        "0,3530958",
        "2024-2025",
    ],
]


CABBALR = "200072460"  # the tables below are the reference territory's


def run(path, slug="crte-test", **kwargs):
    kwargs.setdefault("territory", CABBALR)
    return import_source(path=path, slug=slug, **kwargs)


@pytest.mark.parametrize("writer", ["xlsx", "ods", "csv"])
def test_one_row_per_financing_line_in_every_format(tmp_path, writer):
    rows = [["Programmation du CRTE 2023"], [], LONG_HEADER, *LONG_ROWS]
    path = {
        "xlsx": lambda: write_xlsx(tmp_path / "prog.xlsx", rows),
        "ods": lambda: write_ods(tmp_path / "prog.ods", rows),
        "csv": lambda: write_csv(tmp_path / "prog.csv", rows),
    }[writer]()
    result = run(path)
    assert not result.report.errors, result.report.errors
    contract = Contract.objects.get(slug="crte-test")
    assert contract.status == Contract.Status.EN_PREPARATION
    school = Action.objects.get(title="Rénovation de l'école Jules Ferry")
    assert school.amount == Decimal("1000000")
    assert school.orientation.name == "À classer"
    assert [o.name for o in school.owners.all()] == ["Auchel"]
    assert (school.start_year, school.end_year) == (2023, 2023)
    lines = list(school.funding_lines.order_by("id").select_related("funder", "scheme"))
    assert [(line.funder.name, line.amount, line.share) for line in lines] == [
        ("État", Decimal("350000"), Decimal("0.35")),
        ("Région Hauts-de-France", Decimal("200000"), None),
    ]
    assert lines[0].scheme.short_name == "DSIL"
    bike = Action.objects.get(title="Piste cyclable rue Roger Salengro")
    assert bike.amount == Decimal("60825")
    line = bike.funding_lines.get()
    assert line.share == Decimal("0.35309580")
    assert line.resolved_amount().quantize(Decimal("0.01")) == Decimal("21477.05")


def test_csv_in_cp1252_with_commas_and_a_cell_spanning_lines(tmp_path):
    rows = [
        ["Maître d'ouvrage", "Opération", "Description", "Montant prévisionnel", "Calendrier"],
        [
            "CABBALR",
            "Voie verte",
            "Première ligne\nseconde ligne, avec virgule",
            "147.485 euros HT",
            "2022",
        ],
        ["CABBALR", "Légumerie", "", "3,2 millions d'€", "à compter de 2024"],
    ]
    path = write_csv(tmp_path / "prog.csv", rows, delimiter=",", encoding="cp1252")
    result = run(path)
    assert not result.report.errors
    green = Action.objects.get(title="Voie verte")
    assert green.description == "Première ligne seconde ligne, avec virgule"
    assert green.amount == Decimal("147485")
    assert Action.objects.get(title="Légumerie").amount == Decimal("3200000")
    # The row after the multi-line cell keeps its real line number in the file.
    assert Action.objects.get(title="Légumerie").source == "prog.csv, ligne 4"


def test_utf8_with_bom_and_semicolons(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Montant"],
        ["Éclairage public LED", "Commune de Béthune", "89.794.859 €"],
    ]
    path = write_csv(tmp_path / "prog.csv", rows, encoding="utf-8-sig")
    run(path)
    assert Action.objects.get(title="Éclairage public LED").amount == Decimal("89794859")


def test_wide_table_with_a_column_per_financer(tmp_path):
    rows = [
        [
            "Maître d'ouvrage",
            "Opération et programme",
            "Montant prévisionnel (HT)",
            "Financements",
            "",
            "",
            "Année d'engagement",
        ],
        ["", "", "", "CABBALR", "ETAT", "autres financeurs", ""],
        ["SE DEPLACER"],
        [
            "CABBALR",
            "Parking relais",
            "700K€",
            "30 %",
            "133,89K€",
            "Région 50% (en cours d'examen)",
            "Fin 2021",
        ],
    ]
    from crte.core.models import Organisation, OrganisationAlias

    epci = Organisation.objects.get(siren=CABBALR)
    OrganisationAlias.objects.create(organisation=epci, label="CABBALR")  # as its contract taught it
    assert OrganisationAlias.objects.resolve("CABBALR") == epci
    result = run(write_xlsx(tmp_path / "annexe.xlsx", rows))
    assert not result.report.errors
    action = Action.objects.get(title="Parking relais")
    lines = [
        (line.funder.name, line.amount, line.share, line.status)
        for line in action.funding_lines.order_by("id")
    ]
    assert lines == [
        (epci.name, None, Decimal("0.3"), "prevu"),
        ("État", Decimal("133890"), None, "prevu"),
        ("Région Hauts-de-France", None, Decimal("0.5"), "en_instruction"),
    ]
    assert result.report.as_dict()["crees"]["financement"] == 3


def test_reimporting_updates_rather_than_duplicates_and_keeps_statuses(tmp_path):
    rows = [LONG_HEADER, *LONG_ROWS]
    path = write_xlsx(tmp_path / "prog.xlsx", rows)
    run(path)
    line = FundingLine.objects.get(funder__name="État")
    line.status = FundingLine.Status.ACCORDE
    line.save()
    rows[1][2] = "1 200 000 €"
    result = run(write_xlsx(tmp_path / "prog.xlsx", rows))
    assert Action.objects.count() == 2 and FundingLine.objects.count() == 3
    assert Action.objects.get(title__startswith="Rénovation").amount == Decimal("1200000")
    assert FundingLine.objects.get(pk=line.pk).status == FundingLine.Status.ACCORDE
    assert result.report.updated == {"action": 1}


def test_dry_run_reports_without_writing(tmp_path):
    result = run(write_xlsx(tmp_path / "prog.xlsx", [LONG_HEADER, *LONG_ROWS]), dry_run=True)
    assert result.report.created["action"] == 2
    assert not result.report.written
    assert not Contract.objects.exists() and not Action.objects.exists()


def test_quality_report_flags_under_financing_and_unknown_financers(tmp_path):
    rows = [
        LONG_HEADER,
        [
            "Commune d'Auchel",
            "Salle des sports",
            "500 000 €",
            "Fondation Imaginaire",
            "100 000 €",
            "",
            "2023",
        ],
    ]
    result = run(write_xlsx(tmp_path / "prog.xlsx", rows))
    codes = {e.code: e for e in result.report.entries}
    assert "financeur-inconnu" in codes
    assert codes["financeur-inconnu"].place.line == 2
    assert "reste à financer 400\u00a0000\u00a0€" in codes["sous-finance"].message
    assert result.report.written  # warnings do not refuse the file


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.csv", b"", "vide"),
        ("binaire.xlsx", bytes(range(256)) * 8, "illisible"),
        ("binaire.csv", b"\x00\x01\x02PK" * 100, "pas du texte lisible"),
        ("document.pdf", b"%PDF-1.4", "Le PDF est illisible"),
        ("presentation.pptx", b"PK", "Format de fichier non pris en charge"),
    ],
)
def test_bad_files_get_a_clear_french_error_and_change_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(path)
    assert result.report.errors
    assert message in result.report.errors[0].message
    assert not Contract.objects.exists()


def test_truncated_xlsx_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "prog.xlsx", [LONG_HEADER, *LONG_ROWS])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = run(path)
    assert "illisible" in result.report.errors[0].message
    assert not Action.objects.exists()


def test_unknown_layout_lists_the_columns_found_and_expected(tmp_path):
    rows = [["Nom", "Prénom", "Courriel"], ["Dupont", "Marie", "marie@example.org"]]
    result = run(write_xlsx(tmp_path / "contacts.xlsx", rows))
    message = result.report.errors[0].message
    assert "Colonnes trouvées : Nom | Prénom | Courriel" in message
    assert "intitulé / opération / projet" in message
    assert not Contract.objects.exists()


def test_a_negative_amount_refuses_the_whole_file(tmp_path):
    rows = [LONG_HEADER, *LONG_ROWS, ["Commune", "Projet négatif", "– 675 k€", "", "", "", "2024"]]
    result = run(write_xlsx(tmp_path / "prog.xlsx", rows))
    error = result.report.errors[0]
    assert "négatif" in error.message
    assert (error.place.line, error.place.column) == (5, "C « Coût HT »")
    assert not Action.objects.exists()


def test_an_existing_contract_keeps_its_data_when_a_file_is_refused(tmp_path):
    run(write_xlsx(tmp_path / "prog.xlsx", [LONG_HEADER, *LONG_ROWS]))
    before = list(Action.objects.values_list("title", "amount").order_by("id"))
    bad = [LONG_HEADER, ["Commune", "Autre", "100 €", "", "", "140 %", "2024"]]
    result = run(write_xlsx(tmp_path / "bad.xlsx", bad))
    assert "Taux hors de 0 à 100 %" in result.report.errors[0].message
    assert list(Action.objects.values_list("title", "amount").order_by("id")) == before


def test_import_command_writes_a_json_report_and_fails_on_errors(tmp_path):
    good = write_xlsx(tmp_path / "prog.xlsx", [LONG_HEADER, *LONG_ROWS])
    report = tmp_path / "rapport.json"
    call_command(
        "import",
        str(good),
        contract="crte-test",
        report=str(report),
        stdout=StringIO(),
    )
    assert '"crees"' in report.read_text(encoding="utf-8")
    bad = tmp_path / "vide.csv"
    bad.write_bytes(b"")
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import", str(bad), contract="crte-test", stdout=StringIO())
    with pytest.raises(CommandError, match="--contract"):
        call_command("import", str(good), stdout=StringIO())


def test_scheme_and_own_funding_columns_totals_and_sections(tmp_path):
    rows = [
        ["Programmation CRTE — tableau de suivi"],
        [
            "Intitulé",
            "Maître d'ouvrage",
            "Coût total HT",
            "Montant DSIL",
            "Part Région",
            "Autofinancement",
            "Maturité",
        ],
        ["HABITER"],
        [
            "Réhabilitation du presbytère",
            "Commune d'Amettes",
            200000,
            80000,
            "",
            120000,
            "Travaux en cours",
        ],
        ["Maison de santé", "Commune d'Ames", 500000, "", "30 %", "", "En réflexion"],
        ["TOTAL", "", 700000, 80000, "", 120000, ""],
    ]
    result = run(write_xlsx(tmp_path / "suivi.xlsx", rows))
    assert not result.report.errors, result.report.errors
    assert Action.objects.count() == 2  # the total row is not an action
    presbytery = Action.objects.get(title="Réhabilitation du presbytère")
    assert presbytery.orientation.name == "Habiter"
    # « Travaux en cours » in a table: ready for the committee, never validated by an import
    assert presbytery.maturity == "prete"
    assert Action.objects.get(title="Maison de santé").maturity == "en_maturation"
    governance = [e for e in result.report.entries if e.code == "gouvernance" and e.action]
    assert [e.action for e in governance] == ["Réhabilitation du presbytère"]
    assert "Travaux en cours" in governance[0].message
    lines = {
        (line.funder.name, line.scheme.short_name if line.scheme else "", line.amount)
        for line in presbytery.funding_lines.select_related("funder", "scheme")
    }
    assert lines == {
        ("État", "DSIL", Decimal("80000")),
        ("Amettes", "", Decimal("120000")),
    }
    assert not any(e.code == "sous-finance" for e in result.report.entries if e.action == presbytery.title)
    health = Action.objects.get(title="Maison de santé")
    assert health.maturity == "en_maturation"
    assert health.funding_lines.get().share == Decimal("0.3")


def test_every_sheet_with_a_header_is_read_and_named_after_its_orientation(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Se déplacer"
    first.append(["Intitulé", "Porteur", "Montant"])
    first.append(["Voie verte", "CABBALR", "300 000 €"])
    second = workbook.create_sheet("Habiter")
    second.append(["Intitulé", "Porteur", "Montant"])
    second.append(["OPAH-RU", "CABBALR", "400 000 €"])
    notes = workbook.create_sheet("Notes")
    notes.append(["Tableau transmis le 3 mars"])
    path = tmp_path / "prog.xlsx"
    workbook.save(path)
    result = run(path)
    assert not result.report.errors
    assert dict(Action.objects.values_list("title", "orientation__name")) == {
        "Voie verte": "Se déplacer",
        "OPAH-RU": "Habiter",
    }
    assert Action.objects.get(title="OPAH-RU").source == "prog.xlsx (Habiter), ligne 2"


@pytest.mark.parametrize(
    ("value", "share"),
    [("14.00%", "0.14"), ("35 %", "0.35"), ("0,3530958", "0.3530958"), (0.5, "0.5"), (35, "0.35")],
)
def test_rates_as_documents_write_them(value, share):
    from crte.importers.plan import Place
    from crte.importers.plan.report import Report
    from crte.importers.understand.from_table import rate

    assert rate(value, Place("f"), Report()) == Decimal(share)


def test_a_draft_contract_created_by_a_spreadsheet_has_working_pages(client, tmp_path, django_user_model):
    run(write_xlsx(tmp_path / "prog.xlsx", [LONG_HEADER, *LONG_ROWS]), slug="crte-brouillon", territory="")
    admin = django_user_model.objects.create_superuser("admin", password="un-mot-de-passe-long")
    client.force_login(admin)
    contract = Contract.objects.get(slug="crte-brouillon")
    assert contract.territory is None
    for url in [
        contract.get_absolute_url(),
        f"/contrats/{contract.slug}/tableau-de-bord/",
        f"/contrats/{contract.slug}/maquette/",
        f"/contrats/{contract.slug}/gouvernance/",
        f"/contrats/{contract.slug}/indicateurs/",
        f"/contrats/{contract.slug}/donnees-ouvertes.zip",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_table_imported_into_a_signed_contract_never_validates_an_action(tmp_path):
    run(base_table(tmp_path), slug="crte-signe")
    contract = Contract.objects.get(slug="crte-signe")
    contract.status = Contract.Status.SIGNE
    contract.save()
    rows = [["Maître d'ouvrage", "Intitulé", "Coût HT"], ["Auchel", "Nouvelle crèche", "800 000 €"]]
    result = run(write_xlsx(tmp_path / "ajout.xlsx", rows), slug="crte-signe")
    assert Action.objects.get(title="Nouvelle crèche").maturity == "idee"
    assert any("jamais « validée »" in e.message for e in result.report.entries)


def base_table(tmp_path):
    return write_xlsx(tmp_path / "base.xlsx", [LONG_HEADER, *LONG_ROWS])


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Intitulé de l'opération", "intitule"),
        ("beneficiaire_nom", "maitre_ouvrage"),
        ("cout_ht", "montant"),
        ("Coût du projet", "montant"),
        ("subvention", "subvention"),
        ("Montant sollicité auprès de l'État", "subvention"),
        ("dispositif", "financeur"),
        ("Commune", "communes"),
        ("code_commune", "communes"),
        ("Maitre d'ouvage", "maitre_ouvrage"),  # a typo
        ("Année de démarrage prévue", "annee_debut"),
        ("Achèvement", "annee_fin"),
        ("Objet de l'opération", "intitule"),
        ("beneficiaire_siren", "siren_maitre_ouvrage"),
        ("Couleur préférée", ""),
    ],
)
def test_headers_are_understood_by_their_words(header, field):
    from crte.importers.understand.from_table import MAPPER

    assert MAPPER.field(header) == field


def test_the_national_fonds_vert_list_imports_as_a_real_table(tmp_path):
    """A national open-data table with snake_case headers: owners, communes, measures and
    grants all read; the columns the platform has no field for are reported."""
    import csv
    import gzip

    from crte.demo.generate import FONDS_VERT

    with gzip.open(FONDS_VERT, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for row in reader if row[1] == "29"][:60]
    path = tmp_path / "fonds_vert_2023_finistere.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = import_source(path=path, slug="crte-fonds-vert", territory="200067072")
    assert not result.report.errors, result.report.errors[:3]
    warnings = result.report.warnings
    ignored = {e.message.split("«")[1].split("»")[0].strip() for e in warnings if e.code == "colonne-ignoree"}
    # a place is not a financer; of two columns with one meaning, the one not read is
    # reported; the beneficiary's SIREN identifies the owner
    expected = {
        "nom_region",
        "code_departement",
        "nom_departement",
        "numero_demarche_ds",
        "nom_commune",
    }
    assert ignored == expected
    lines = FundingLine.objects.filter(action__contract__slug="crte-fonds-vert")
    assert not lines.filter(funder__kind__in=["conseil-departemental", "conseil-regional"]).exists()
    actions = Action.objects.filter(contract__slug="crte-fonds-vert")
    assert actions.count() == len({r[8] for r in rows})  # one action per dossier
    for row in rows[:20]:
        action = actions.get(external_id=slugify(row[8]))
        assert action.title == " ".join(row[9].split())
        assert [c.insee_code for c in action.communes.all()] == [row[3]]
        line = action.funding_lines.get()
        assert (line.funder.name, line.scheme.name, line.amount) == (
            "État",
            f"Fonds vert : {row[7]}",
            Decimal(row[12]).quantize(Decimal("0.01")),
        )
        owner = action.owners.get()  # the beneficiary, a body of the reference when it is one
        assert normalize_label(owner.name) == normalize_label(row[10]) or owner.siren == row[11], owner


def test_a_column_named_after_a_region_or_a_departement_is_that_financer(tmp_path):
    rows = [
        ["Maître d'ouvrage", "Intitulé", "Coût HT", "Région Hauts-de-France", "Département du Pas-de-Calais"],
        ["Auchel", "Crèche", "100 000 €", "30 000 €", "20 000 €"],
    ]
    result = run(write_xlsx(tmp_path / "colonnes.xlsx", rows))
    assert not [e for e in result.report.warnings if e.code == "colonne-ignoree"]
    lines = {
        line.funder.name
        for line in FundingLine.objects.filter(action__title="Crèche").select_related("funder")
    }
    assert lines == {"Région Hauts-de-France", "Département du Pas-de-Calais"}
