"""A column's meaning from its title and, when the title says nothing known, from its
cells (issue 21, items 1 to 4): tables laid out as other people lay them out."""

from decimal import Decimal

import pytest

from crte.core.models import Organisation
from crte.importers.pipeline import import_source
from crte.importers.read.blocks import text_blocks
from crte.importers.tests.sheets import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

TERRITORY = "200072460"  # any grouping of the national reference would do


def preview(path, **kwargs):
    kwargs.setdefault("territory", TERRITORY)
    return import_source(path=path, slug="crte-colonnes", dry_run=True, **kwargs)


def actions(result):
    return {a.title: a for a in result.plan.actions}


DGCL_HEADER = [
    "exercice",
    "dispositif",
    "beneficiaire_type",
    "beneficiaire_siren",
    "beneficiaire_dep",
    "beneficiaire_nom",
    "beneficiaire_code_insee",
    "intitule",
    "cout_ht",
    "subvention",
]


def test_the_owner_is_identified_by_its_siren_then_its_insee_code(tmp_path):
    rows = [
        DGCL_HEADER,
        [
            "2023",
            "DETR",
            "commune",
            "216200485",
            "062",
            "AUCHEL",
            "62048",
            "Toiture de l'école",
            "100000",
            "30000",
        ],
        [
            "2023",
            "DSIL",
            "syndicat",
            "253500011",
            "062",
            "SIVOM du Ternois",
            "",
            "Réseau de chaleur",
            "80000",
            "20000",
        ],
        ["2023", "DETR", "commune", "", "062", "Lillers", "62516", "Vestiaires du stade", "50000", "10000"],
    ]
    result = import_source(path=write_csv(tmp_path / "dgcl.csv", rows), slug="crte-dgcl", territory=TERRITORY)
    assert not result.report.errors, result.report.errors
    by_title = {a.title: a for a in result.contract.actions.prefetch_related("owners")}
    auchel = Organisation.objects.get(siren="216200485")
    assert list(by_title["Toiture de l'école"].owners.all()) == [auchel]  # « AUCHEL » as written
    created = by_title["Réseau de chaleur"].owners.get()
    assert (created.name, created.siren, created.category) == (
        "SIVOM du Ternois",
        "253500011",
        Organisation.Category.AUTRE_PUBLIC,
    )
    assert by_title["Vestiaires du stade"].owners.get().commune.insee_code == "62516"
    # The type and the département are read with the owner: no column is left unread.
    assert not [e for e in result.report.warnings if e.code == "colonne-ignoree"]
    assert any(
        "SIREN 253500011" in e.message for e in result.report.entries if e.code == "organisation-nouvelle"
    )


def test_rows_repeating_a_title_are_one_action_only_for_the_same_owner_and_cost(tmp_path):
    rows = [
        DGCL_HEADER,
        [
            "2023",
            "DETR",
            "commune",
            "216200485",
            "062",
            "Auchel",
            "62048",
            "Vidéoprotection",
            "40000",
            "12000",
        ],
        [
            "2023",
            "DETR",
            "commune",
            "216205161",
            "062",
            "Lillers",
            "62516",
            "Vidéoprotection",
            "25000",
            "7500",
        ],
        [
            "2023",
            "DSIL",
            "commune",
            "216205161",
            "062",
            "Lillers",
            "62516",
            "Vidéoprotection",
            "25000",
            "5000",
        ],
    ]
    result = preview(write_csv(tmp_path / "dgcl.csv", rows))
    assert [(a.owner_siren, a.amount, [line.amount for line in a.lines]) for a in result.plan.actions] == [
        ("216200485", Decimal("40000"), [Decimal("12000")]),
        ("216205161", Decimal("25000"), [Decimal("7500"), Decimal("5000")]),
    ]
    [said] = [e for e in result.report.entries if e.code == "meme-action"]  # the merge is told
    assert "ligne 3" in said.message and "ligne 4" in str(said.place)


def test_a_free_text_financing_plan_is_read_whatever_its_title(tmp_path):
    rows = [
        ["Projet", "Porteur", "Coût", "Plan de financement", "Qui paie"],
        [
            "Médiathèque",
            "Commune d'Auchel",
            "900 000 €",
            "Région 30 000 €, DETR 300 000 €",
            "Département 90 000 € ; État (DSIL) 20 %",
        ],
        ["Voie verte", "Commune de Lillers", "400 000 €", "DSIL 25 %", "Région 80 000 €"],
    ]
    result = preview(write_xlsx(tmp_path / "plan.xlsx", rows))
    found = actions(result)
    lines = [(line.funder, line.scheme, line.amount, line.share) for line in found["Médiathèque"].lines]
    assert ("Région Hauts-de-France", "", Decimal("30000"), None) in lines
    assert (None, "DETR", Decimal("300000"), None) in lines  # the scheme stands for its financer
    assert any(line[2] == Decimal("90000") and "Pas-de-Calais" in (line[0] or "") for line in lines)
    assert any(line[3] == Decimal("0.2") for line in lines)
    assert len(found["Voie verte"].lines) == 2
    said = [e.message for e in result.report.entries if e.code == "colonne-lue"]
    assert said == ["Colonne « Qui paie » lue comme plan de financement d'après son contenu."]


def test_a_column_of_words_is_not_taken_for_a_financing_plan(tmp_path):
    rows = [
        ["Projet", "Porteur", "Coût", "Remarques"],
        ["Médiathèque", "Commune d'Auchel", "900 000 €", "Dossier déposé en mars"],
        ["Voie verte", "Commune de Lillers", "400 000 €", "À revoir avec la Région"],
    ]
    result = preview(write_xlsx(tmp_path / "plan.xlsx", rows))
    assert all(not a.lines for a in result.plan.actions)
    assert any("Remarques" in e.message for e in result.report.warnings if e.code == "colonne-ignoree")


def test_figures_in_thousands_said_in_the_title(tmp_path):
    rows = [
        [
            "Action",
            "Maître d'ouvrage",
            "Coût total (k€)",
            "Région (k€)",
            "État (en milliers d'euros)",
            "Europe",
        ],
        ["Piscine", "Commune d'Auchel", "1 250", "250,5", "300", "100 000 €"],
    ]
    action = preview(write_xlsx(tmp_path / "k.xlsx", rows)).plan.actions[0]
    assert action.amount == Decimal("1250000")
    assert sorted(line.amount for line in action.lines) == [
        Decimal("100000"),
        Decimal("250500"),
        Decimal("300000"),
    ]


def test_start_and_end_columns_and_a_prefecture_sheet(tmp_path):
    rows = [
        [
            "Réf.",
            "Bénéficiaire",
            "Objet de l'opération",
            "Lieu",
            "Enveloppe prévisionnelle (€ HT)",
            "Démarrage",
            "Achèvement",
            "Part restant à charge du porteur",
        ],
        [
            "OP-12",
            "Commune d'Auchel",
            "Réfection de la salle des sports",
            "Auchel",
            "320 000",
            "03/2024",
            "2026",
            "64 000",
        ],
        ["OP-13", "Commune de Lillers", "Cour d'école oasis", "Lillers", "150 000", "2025", "fin 2025", ""],
    ]
    result = preview(write_xlsx(tmp_path / "prefecture.xlsx", rows))
    assert not result.report.errors, result.report.errors
    first, second = result.plan.actions
    assert (first.external_id, first.title, first.amount) == (
        "op-12",
        "Réfection de la salle des sports",
        Decimal("320000"),
    )
    assert (first.start_year, first.end_year, second.start_year, second.end_year) == (2024, 2026, 2025, 2025)
    assert first.commune_names == ["Auchel"]
    own = first.lines[0]
    assert (own.funder, own.amount) == ("Commune d'Auchel", Decimal("64000"))


def test_a_description_column_names_the_operation_when_there_is_no_title(tmp_path):
    rows = [
        ["Porteur", "Description", "Montant"],
        ["Commune d'Auchel", "Rénovation de la mairie", "80 000 €"],
    ]
    plan = preview(write_xlsx(tmp_path / "d.xlsx", rows)).plan
    assert [a.title for a in plan.actions] == ["Rénovation de la mairie"]


def test_a_financers_column_without_amount_column_is_a_financing_plan(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Coût", "Financeurs"],
        ["Halle", "Commune d'Auchel", "500 000 €", "Région 100 000 €, DETR 25 %"],
    ]
    action = preview(write_xlsx(tmp_path / "f.xlsx", rows)).plan.actions[0]
    assert [(line.amount, line.share) for line in action.lines] == [
        (Decimal("100000"), None),
        (None, Decimal("0.25")),
    ]


def test_an_unknown_maturity_word_is_reported_with_its_cell(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Maturité"],
        ["Halle", "Commune d'Auchel", "Sur les rails"],
        ["Parc", "Commune d'Auchel", "En étude"],
    ]
    result = preview(write_xlsx(tmp_path / "m.xlsx", rows))
    assert [a.maturity for a in result.plan.actions] == ["idee", "en_maturation"]
    [warning] = [e for e in result.report.warnings if e.code == "maturite"]
    assert "« Sur les rails »" in warning.message and "ligne 2" in str(warning.place)


def test_a_markdown_table_without_outer_pipes():
    text = (
        "Texte.\n\nAction | Porteur | Coût\n--- | :--- | ---:\n"
        "Halle | Auchel | 1 €\nParc | Lillers | 2 €\n\nFait à X | le 1er mai."
    )
    tables = [b.rows for b in text_blocks(text) if b.kind == "table"]
    assert tables == [[["Action", "Porteur", "Coût"], ["Halle", "Auchel", "1 €"], ["Parc", "Lillers", "2 €"]]]


def test_a_header_on_two_rows_with_vertically_merged_cells(tmp_path):
    rows = [
        ["Porteur", "Opération", "Coût", "Financements", "", "", "Calendrier"],
        ["Porteur", "Opération", "Coût", "Région", "État", "Autofinancement", "Calendrier"],
        ["Commune d'Auchel", "Halle", "500 000 €", "100 000 €", "150 000 € (DETR)", "250 000 €", "2024"],
        ["TOTAL", "", "500 000 €", "100 000 €", "150 000 €", "250 000 €", ""],
    ]
    result = preview(write_xlsx(tmp_path / "h.xlsx", rows))
    assert not result.report.errors, result.report.errors
    [action] = result.plan.actions
    assert sorted(line.amount for line in action.lines) == [
        Decimal("100000"),
        Decimal("150000"),
        Decimal("250000"),
    ]
    assert not [e for e in result.report.warnings if e.code == "total"]  # the TOTAL agrees


def test_a_total_that_disagrees_with_the_rows_above_is_reported(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Coût"],
        ["Halle", "Commune d'Auchel", "500 000 €"],
        ["Sous-total", "", "500 000 €"],
        ["Parc", "Commune de Lillers", "200 000 €"],
        ["TOTAL", "", "900 000 €"],
    ]
    result = preview(write_xlsx(tmp_path / "t.xlsx", rows))
    assert [a.title for a in result.plan.actions] == ["Halle", "Parc"]
    [warning] = [e for e in result.report.warnings if e.code == "total"]
    assert "900 000 €" in warning.message.replace("\u202f", " ").replace("\u00a0", " ")
    assert "700 000 €" in warning.message.replace("\u202f", " ").replace("\u00a0", " ")
    assert "ligne 5" in str(warning.place)


def test_a_scheme_or_a_rate_column_serves_its_money_column(tmp_path):
    rows = [
        [
            "id_action",
            "libelle_action",
            "porteur_nom",
            "cout_total_ht",
            "montant_etat",
            "dispositif_etat",
            "montant_region",
        ],
        ["A1", "Halle", "Commune d'Auchel", "500000", "100000", "DETR", "50000"],
    ]
    [action] = preview(write_csv(tmp_path / "o.csv", rows, delimiter=",")).plan.actions
    assert sorted((line.funder or "", line.scheme, line.amount) for line in action.lines) == [
        ("Région Hauts-de-France", "", Decimal("50000")),
        ("État", "DETR", Decimal("100000")),
    ]
    rows = [
        ["Objet", "Bénéficiaire", "Coût HT retenu", "Subvention DSIL", "Taux"],
        ["Parc", "Commune de Lillers", "200 000", "50 000", "25 %"],
    ]
    [action] = preview(write_xlsx(tmp_path / "p.xlsx", rows)).plan.actions
    assert [(line.scheme, line.amount, line.share) for line in action.lines] == [
        ("Dotation de soutien à l'investissement local", Decimal("50000"), Decimal("0.25"))
    ]


def test_one_row_per_line_with_a_scheme_column_and_the_owners_share(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Coût", "Financeur", "Dispositif", "Montant sollicité"],
        ["Halle", "Commune d'Auchel", "500 000 €", "État", "DSIL", "100 000 €"],
        ["", "", "", "Région Hauts-de-France", "", "50 000 €"],
        ["", "", "", "Autofinancement", "", "350 000 €"],
    ]
    [action] = preview(write_xlsx(tmp_path / "l.xlsx", rows)).plan.actions
    assert [(line.funder, line.scheme, line.amount) for line in action.lines] == [
        ("État", "DSIL", Decimal("100000")),
        ("Région Hauts-de-France", "", Decimal("50000")),
        ("Auchel", "", Decimal("350000")),
    ]


@pytest.mark.parametrize(
    "name, letters",
    [
        ("CA du Centre Littoral", "cacl"),
        ("CC de l'Ouest Guyanais", "ccog"),
        ("Communauté d'agglomération de l'Espace Sud de la Martinique", "caesm"),
        ("CA de Béthune-Bruay, Artois-Lys Romane", "cabbalr"),
        ("Métropole de Lyon", ""),  # no nature whose letters open an acronym
        ("CC X", "ccx"),
        ("CC", ""),
    ],
)
def test_a_groupings_acronym_from_its_name(name, letters):
    from crte.importers.pipeline import acronym

    assert acronym(name) == letters


def test_the_territorys_acronym_in_a_table_is_the_grouping(tmp_path):
    rows = [["Intitulé", "Porteur", "Coût", "CACL"], ["Ressourcerie", "CACL", "500 000 €", "100 000 €"]]
    result = preview(write_xlsx(tmp_path / "a.xlsx", rows), territory="249730045")  # CA du Centre Littoral
    [action] = result.plan.actions
    grouping = Organisation.objects.get(siren="249730045")
    assert action.lines[0].funder == grouping.name
    assert not [e for e in result.report.entries if e.code == "organisation-nouvelle"]


def test_a_column_written_with_a_decimal_comma_reads_three_decimals_as_decimals(tmp_path):
    rows = [
        DGCL_HEADER,
        ["2023", "DETR", "commune", "216200485", "062", "Auchel", "62048", "Toiture", "12815,0", "3845,0"],
        [
            "2023",
            "DETR",
            "commune",
            "216205161",
            "062",
            "Lillers",
            "62516",
            "Fenêtres",
            "15387,335",
            "4616,202",
        ],
    ]
    result = preview(write_csv(tmp_path / "dgcl.csv", rows))
    second = result.plan.actions[1]
    assert (second.amount, second.lines[0].amount) == (Decimal("15387.335"), Decimal("4616.202"))
    assert not [e for e in result.report.warnings if e.code == "lecture-incertaine"]


@pytest.mark.parametrize(
    "cells, comma",
    [
        (["12815,0", "4616,202"], True),
        (["0,35309"], True),
        (["1,234,567", "12,5"], False),  # commas group thousands somewhere: no rule for the column
        (["4616,202"], False),  # nothing says which mark it is
        (["1 200 000,00 €"], False),
        ([], False),
    ],
)
def test_which_columns_write_a_decimal_comma(cells, comma):
    from crte.importers.understand.from_table import decimal_comma

    assert decimal_comma(cells) is comma


def test_a_tables_unit_said_once_holds_for_its_financers_columns(tmp_path):
    rows = [
        ["N°", "Action", "Porteur", "Coût (k€ HT)", "État", "Région", "Autres"],
        ["1", "Voie verte", "Commune d'Auchel", "1 480", "592 (DSIL)", "296", "ADEME (Fonds chaleur) : 63,5"],
    ]
    [action] = preview(write_xlsx(tmp_path / "k.xlsx", rows)).plan.actions
    assert action.amount == Decimal("1480000")
    assert sorted((line.amount, line.scheme) for line in action.lines) == [
        (Decimal("63500.0"), "Fonds chaleur"),
        (Decimal("296000"), ""),
        (Decimal("592000"), "DSIL"),  # as written in the cell
    ]


def test_a_siret_written_in_the_owners_cell_identifies_it(tmp_path):
    rows = [
        ["Intitulé", "Maître d'ouvrage", "Coût"],
        ["Halle", "Commune d'Auchel (SIRET 216 200 485 00017)", "1 €"],
    ]
    [action] = preview(write_xlsx(tmp_path / "s.xlsx", rows)).plan.actions
    assert (action.owners, action.owner_siren) == (["Commune d'Auchel"], "216200485")


def test_numbered_financer_and_amount_columns_pair_up(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Coût total", "Financeur 1", "Montant 1", "Financeur 2", "Montant 2"],
        [
            "Halle",
            "Commune d'Auchel",
            "500 000",
            "Région Hauts-de-France",
            "100 000",
            "Fondation du patrimoine",
            "20 000",
        ],
    ]
    result = preview(write_xlsx(tmp_path / "n.xlsx", rows))
    [action] = result.plan.actions
    assert action.amount == Decimal("500000")
    assert [(line.funder, line.amount, line.funder_known) for line in action.lines] == [
        ("Région Hauts-de-France", Decimal("100000"), True),
        ("Fondation du patrimoine", Decimal("20000"), False),
    ]
    assert any(
        "Fondation du patrimoine" in e.message
        for e in result.report.warnings
        if e.code == "financeur-inconnu"
    )


def test_an_export_with_english_headers_one_row_per_grant(tmp_path):
    rows = [
        [
            "grant_id",
            "project_name",
            "applicant_name",
            "applicant_siret",
            "total_cost",
            "grant_amount",
            "grant_rate",
            "funding_program",
            "funder",
            "start_date",
            "end_date",
        ],
        [
            "G-1",
            "Piste cyclable",
            "Commune d'Auchel",
            "21620048500017",
            "1250000.00",
            "375000.00",
            "30.0",
            "DSIL",
            "ETAT",
            "2024-03-01",
            "2025-12-31",
        ],
        [
            "G-2",
            "Piste cyclable",
            "Commune d'Auchel",
            "21620048500017",
            "1250000.00",
            "250000.00",
            "20.0",
            "",
            "Région Hauts-de-France",
            "2024-03-01",
            "2025-12-31",
        ],
    ]
    [action] = preview(write_csv(tmp_path / "g.csv", rows, delimiter=",")).plan.actions
    assert (action.owner_siren, action.amount, action.start_year, action.end_year) == (
        "216200485",
        Decimal("1250000.00"),
        2024,
        2025,
    )
    assert [(line.funder, line.scheme, line.share) for line in action.lines] == [
        ("État", "DSIL", Decimal("0.3")),
        ("Région Hauts-de-France", "", Decimal("0.2")),
    ]


def test_a_scheme_column_right_after_a_financers_column_serves_it(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Coût", "Etat", "Dispositif", "Région"],
        ["Halle", "Commune d'Auchel", "500 000 €", "100 000 €", "DETR", "50 000 €"],
    ]
    [action] = preview(write_xlsx(tmp_path / "d.xlsx", rows)).plan.actions
    assert sorted((line.funder, line.scheme) for line in action.lines) == [
        ("Région Hauts-de-France", ""),
        ("État", "DETR"),
    ]


def test_a_grid_table_with_cells_over_several_lines():
    text = "\n".join(
        [
            "Programme :",
            "+----+------------------+-------------------------+",
            "| N° | Action           | Financements            |",
            "+====+==================+=========================+",
            "| 1  | Voie verte de    | DSIL : 430 000 €        |",
            "|    | la vallée        | Région : 322 500 €      |",
            "+----+------------------+-------------------------+",
            "| 2  | Halle            | DETR 25 %               |",
            "+----+------------------+-------------------------+",
            "Fin.",
        ]
    )
    tables = [b.rows for b in text_blocks(text) if b.kind == "table"]
    assert tables == [
        [
            ["N°", "Action", "Financements"],
            ["1", "Voie verte de la vallée", "DSIL : 430 000 € ; Région : 322 500 €"],
            ["2", "Halle", "DETR 25 %"],
        ]
    ]


def test_a_workbook_with_one_sheet_per_year(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "2024"
    first.append(["Intitulé", "Porteur", "Coût"])
    first.append(["Halle", "Commune d'Auchel", "500 000 €"])
    second = workbook.create_sheet("Année 2025")
    second.append(["Intitulé", "Porteur", "Coût", "Année"])
    second.append(["Parc", "Commune de Lillers", "200 000 €", "2026"])
    workbook.save(tmp_path / "y.xlsx")
    plan = preview(tmp_path / "y.xlsx").plan
    assert [(a.title, a.orientation, a.start_year) for a in plan.actions] == [
        ("Halle", "", 2024),
        ("Parc", "", 2026),
    ]


def test_a_financer_spanning_its_amount_rate_and_base_columns(tmp_path):
    rows = [
        ["Montants en euros HT"],
        ["Maître d'ouvrage", "Opération", "Coût HT", "État — DETR", "", "", "Région Hauts-de-France", "", ""],
        ["", "", "", "Montant éligible", "Taux", "Aide", "Montant éligible", "Taux", "Aide"],
        ["Commune d'Auchel", "Halle", 950000, 800000, "30 %", 240000, None, None, None],
    ]
    result = preview(write_xlsx(tmp_path / "g.xlsx", rows))
    assert not result.report.errors, result.report.errors
    [action] = result.plan.actions
    assert [(line.funder, line.scheme, line.amount, line.share) for line in action.lines] == [
        ("État", "Dotation d'équipement des territoires ruraux", Decimal("240000"), Decimal("0.3"))
    ]
    unread = [e.message for e in result.report.warnings if e.code == "colonne-ignoree"]
    assert any("Montant éligible" in message for message in unread)  # the base is said, not read
    assert not any("Taux" in message for message in unread)  # each rate serves its financer's amount


def test_a_calendar_cell_without_a_year_is_reported(tmp_path):
    rows = [
        ["Intitulé", "Porteur", "Calendrier"],
        ["Halle", "Commune d'Auchel", "150 000"],
        ["Parc", "Commune d'Auchel", "2025"],
    ]
    result = preview(write_xlsx(tmp_path / "c.xlsx", rows))
    assert [a.start_year for a in result.plan.actions] == [None, 2025]
    [warning] = [e for e in result.report.warnings if e.code == "calendrier"]
    assert "« 150 000 »" in warning.message and "ligne 2" in str(warning.place)


def test_a_malformed_siret_in_the_owners_cell_is_reported_at_the_owners_column(tmp_path):
    rows = [
        ["Intitulé", "Maître d'ouvrage", "Coût"],
        ["Halle", "Commune d'Auchel (SIRET 216 200 485 0001)", "1 €"],
    ]
    result = preview(write_xlsx(tmp_path / "s.xlsx", rows))
    [action] = result.plan.actions
    assert (action.owners, action.owner_siren) == (["Commune d'Auchel"], "")
    [warning] = [e for e in result.report.warnings if e.code == "siren"]
    assert "B « Maître d'ouvrage »" in str(warning.place)
