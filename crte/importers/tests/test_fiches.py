"""Programmes written as fiches actions (issue 21): labelled paragraphs, labelled lines of a
text file, or one two-column table per fiche in Word, in any order, become the plan's
actions with their financing lines; what cannot be understood is reported at its line."""

from decimal import Decimal

import pytest

from crte.importers.plan import ActionPlan, Place
from crte.importers.plan.report import Report
from crte.importers.read.blocks import read_blocks, to_lines
from crte.importers.tests.documents import write_docx, write_odt
from crte.importers.understand.fiches import (
    FicheContext,
    axis_names,
    fiche_actions,
    read_fiches,
)
from crte.importers.understand.funding import FunderDirectory, funding_segments

D = Decimal

ALIASES = {
    "Région": "Région",
    "Conseil régional": "Région",
    "Département": "Département",
    "CD": "Département",
    "État": "État",
    "Etat": "État",
    "ADEME": "ADEME",
    "FEDER": "FEDER",
    "ANCT": "ANCT",
    "Agence de l'eau": "Agence de l'eau",
    "CC du Val": "CC du Val",
    "CCV": "CC du Val",
    "Commune de Bellerive": "Bellerive",
    "Bellerive": "Bellerive",
    "Commune de Montclar": "Montclar",
    "Montclar": "Montclar",
}
SCHEMES = {"DETR": "DETR", "DSIL": "DSIL", "Fonds vert": "Fonds vert", "Fonds chaleur": "Fonds chaleur"}


@pytest.fixture
def directory():
    return FunderDirectory(ALIASES, SCHEMES)


def actions_of(text: str, directory, report=None, existing=None, source="contrat.txt"):
    lines = text.splitlines()
    report = report if report is not None else Report()
    taken: set[str] = set()

    def new_id(title, line):
        base = title.lower().replace(" ", "-")[:40] or f"ligne-{line}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        return candidate

    context = FicheContext(directory, source, report, new_id, {}, axis_names(lines))
    return fiche_actions(read_fiches(lines), existing or [], context)


def lines_of(action: ActionPlan):
    return [(line.funder, line.amount, line.share, line.scheme, line.is_annual) for line in action.lines]


PARAGRAPHS = """CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE
Communauté de communes du Val (CCV)
Article 3 : Orientations
Axe 1 : Se déplacer autrement
Axe 2 : Habiter sobrement
Article 5 : Les fiches actions
Fiche n°1 : Aménagement d'une voie verte entre Bellerive et Montclar
Maître d'ouvrage : CC du Val
Orientation : Axe 1
Communes concernées : Bellerive, Montclar
Coût prévisionnel : 1 200 000 € HT
Plan de financement : État (DETR) 30 % – Région 20 % – CCV 50 %
Calendrier : 2024-2026
Maturité : travaux démarrés
Fiche n°2 : Rénovation énergétique de l'école de Montclar
Calendrier prévisionnel : de 2025 à 2027
Porteur : Commune de Montclar
Financements : DSIL 200 000 €, Département 100 000 €, commune 150 000 €
Montant : 450 000 €
Description : isolation par l'extérieur et remplacement de la chaudière fioul.
Orientation : Habiter sobrement
Article 6 : Gouvernance
Le comité de pilotage se réunit deux fois par an.
"""


def test_labelled_paragraphs_in_any_order_make_actions(directory):
    report = Report()
    first, second = actions_of(PARAGRAPHS, directory, report)
    assert first.title == "Aménagement d'une voie verte entre Bellerive et Montclar"
    assert first.owners == ["CC du Val"]
    assert first.orientation == "Se déplacer autrement"
    assert first.commune_names == ["Bellerive", "Montclar"]
    assert (first.amount, first.start_year, first.end_year) == (D("1200000"), 2024, 2026)
    assert first.maturity == "en_cours" and first.maturity_text == "travaux démarrés"
    assert lines_of(first) == [
        ("État", None, D("0.3"), "DETR", False),
        ("Région", None, D("0.2"), "", False),
        ("CC du Val", None, D("0.5"), "", False),
    ]
    assert second.title == "Rénovation énergétique de l'école de Montclar"
    assert (second.amount, second.start_year, second.end_year) == (D("450000"), 2025, 2027)
    assert second.owners == ["Commune de Montclar"]
    assert second.description.startswith("isolation par l'extérieur")
    assert second.orientation == "Habiter sobrement"
    assert second.maturity == "validee"  # a signed contract's fiche, as an annex row
    assert lines_of(second) == [
        (None, D("200000"), None, "DSIL", False),
        ("Département", D("100000"), None, "", False),
        ("Montclar", D("150000"), None, "", False),  # « commune »: the owner's share
    ]
    assert len({line.external_id for line in second.lines}) == 3
    assert second.place == Place("contrat.txt", 15)
    assert any(e.code == "part-du-porteur" and e.place.line == 18 for e in report.entries)
    assert not report.errors


TEXT_FILE = """Contrat de territoire

FICHE ACTION 1 – Réseau de chaleur bois du bourg
Porteur du projet : Commune de Bellerive
Coût total : 2,4 M€ HT
Plan de financement prévisionnel :
- ADEME (Fonds chaleur) : 960 000 €
- FEDER : 480 000 €
- Autofinancement : 960 000 €
Total : 2 400 000 €
Échéancier : 2025

FICHE ACTION 2 – Animation du plan climat
Porteur du projet : CC du Val
Coût total : 60 000 € par an
Financements : ANCT 50 % ; Région 30 % ; CCV 20 %
Échéancier : 2023-2026
Indicateurs : nombre de personnes accompagnées

Fait à Bellerive, le 12 mars 2024
"""


def test_one_financer_per_line_and_yearly_costs_in_a_text_file(directory):
    report = Report()
    heat, animation = actions_of(TEXT_FILE, directory, report)
    assert heat.title == "Réseau de chaleur bois du bourg"
    assert heat.amount == D("2400000")
    assert lines_of(heat) == [
        ("ADEME", D("960000"), None, "Fonds chaleur", False),
        ("FEDER", D("480000"), None, "", False),
        ("Bellerive", D("960000"), None, "", False),
    ]  # the « Total » line is not a financer
    assert [line.place.line for line in heat.lines] == [7, 8, 9]
    assert (heat.start_year, heat.end_year) == (2025, 2025)
    assert animation.amount_basis == "annuel"
    assert all(line.is_annual for line in animation.lines)
    assert [line.funder for line in animation.lines] == ["ANCT", "Région", "CC du Val"]
    unread = [e for e in report.entries if e.code == "rubrique-non-lue"]
    assert [(e.place.line, e.action) for e in unread] == [(18, "Animation du plan climat")]


def test_numbering_styles_open_fiches():
    text = "\n".join(
        [
            "Fiche n°1 – Piste cyclable",
            "Porteur : CCV",
            "FICHE ACTION 2 – Maison de santé",
            "Porteur : Bellerive",
            "Action 1.3 : Haies bocagères",
            "Maître d'ouvrage : Montclar",
            "Fiche-action n° 4",
            "Intitulé : Tiers-lieu numérique",
            "Coût : 90 000 €",
            "Projet 12 — Cantine bio",
            "Montant : 30 000 €",
        ]
    )
    fiches = read_fiches(text.splitlines())
    assert [(f.number, f.title) for f in fiches] == [
        ("1", "Piste cyclable"),
        ("2", "Maison de santé"),
        ("1.3", "Haies bocagères"),
        ("4", "Tiers-lieu numérique"),
        ("12", "Cantine bio"),
    ]


def test_fiches_without_headings_open_at_their_title():
    text = "\n".join(
        [
            "Nom de l'action : Verger conservatoire",
            "Porteur : Montclar",
            "Budget : 15 000 €",
            "",
            "Nom de l'action : Composteurs partagés",
            "Porteur : CCV",
            "Calendrier : 2024",
        ]
    )
    fiches = read_fiches(text.splitlines())
    assert [f.title for f in fiches] == ["Verger conservatoire", "Composteurs partagés"]
    assert [f.first("maitre_ouvrage").value for f in fiches] == ["Montclar", "CCV"]


def test_a_table_of_contents_and_ordinary_prose_are_not_fiches():
    text = "\n".join(
        [
            "Sommaire",
            "Fiche action 1 – Piste cyclable",
            "Fiche action 2 – Maison de santé",
            "Article 2 : Objet",
            "Le projet comprend : une piste et une maison de santé.",
            "Objet : le présent contrat fixe les engagements des parties.",
            "Action 3 : sensibiliser les habitants.",
        ]
    )
    assert read_fiches(text.splitlines()) == []


def test_a_description_goes_on_over_paragraphs_and_a_label_may_stand_alone():
    text = "\n".join(
        [
            "Fiche action 7 : Renaturation de la cour d'école",
            "Description",
            "Désimperméabilisation de 1 200 m².",
            "Plantation d'arbres d'ombrage.",
            "Plan de financement :",
            "Agence de l'eau 70 %",
            "Commune 30 %",
            "Maître d'ouvrage : Commune de Bellerive",
        ]
    )
    [fiche] = read_fiches(text.splitlines())
    assert (
        fiche.first("contenu").value == "Désimperméabilisation de 1 200 m².\nPlantation d'arbres d'ombrage."
    )
    financing = next(f for f in fiche.fields if f.label == "Plan de financement")
    assert financing.parts == [(6, "Agence de l'eau 70 %"), (7, "Commune 30 %")]
    assert fiche.first("maitre_ouvrage").value == "Commune de Bellerive"


def test_what_cannot_be_understood_is_reported_at_its_line(directory):
    text = "\n".join(
        [
            "Fiche action 1 : Halle gourmande",
            "Porteur : Bellerive",
            "Coût prévisionnel : à chiffrer",
            "Calendrier : après les élections",
            "État d'avancement : en sommeil",
            "Axe : 9",
            "Financements : Région 20 %",
        ]
    )
    report = Report()
    [action] = actions_of(text, directory, report)
    codes = {(e.code, e.place.line) for e in report.entries if e.place is not None}
    assert ("montant-non-chiffre", 3) in codes
    assert ("calendrier", 4) in codes
    assert ("maturite", 5) in codes
    assert ("orientation", 6) in codes
    assert action.maturity == "validee"  # an unknown word is reported, not read as « idée »
    assert action.amount is None and action.start_year is None
    assert all(e.action == "Halle gourmande" for e in report.entries if e.place and e.place.line in (3, 4, 5))


def test_a_financer_the_catalogue_does_not_know_is_kept_by_name(directory):
    text = "\n".join(
        [
            "Fiche action 1 : Sentier du marais",
            "Porteur : Montclar",
            "Plan de financement : Région : 40 000 € — Fondation du Patrimoine : 10 000 € — Autres : 5 000 €",
        ]
    )
    report = Report()
    [action] = actions_of(text, directory, report)
    assert [(line.funder, line.funder_known, line.amount) for line in action.lines] == [
        ("Région", True, D("40000")),
        ("Fondation du Patrimoine", False, D("10000")),
        (None, False, D("5000")),
    ]
    assert any(e.code == "financeur-inconnu" and "Autres" in e.message for e in report.entries)


def test_an_action_the_annex_table_has_is_not_read_twice(directory):
    existing = [
        ActionPlan("voie-verte", "Aménagement d'une voie verte entre Bellerive et Montclar", "", Place("x"))
    ]
    report = Report()
    actions = actions_of(PARAGRAPHS, directory, report, existing=existing)
    assert [a.title for a in actions] == ["Rénovation énergétique de l'école de Montclar"]
    assert any(e.code == "fiche-action" for e in report.entries)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Région 30 000 €, DETR 300 000 €", ["Région 30 000 €", "DETR 300 000 €"]),
        ("État (DETR) 40 % – CTG 20 % – commune 20 %", ["État (DETR) 40 %", "CTG 20 %", "commune 20 %"]),
        ("Région Auvergne - Rhône-Alpes 20 %", ["Région Auvergne - Rhône-Alpes 20 %"]),
        (
            "ADEME (fonds chaleur, tranche 2) 30 % ; FEDER 2,5 M€",
            ["ADEME (fonds chaleur, tranche 2) 30 %", "FEDER 2,5 M€"],
        ),
        ("Région 20 % et Département 10 %", ["Région 20 %", "Département 10 %"]),
        ("Région et Département : à définir", ["Région et Département : à définir"]),
    ],
)
def test_a_financing_plan_in_one_run_is_cut_one_financer_a_piece(text, pieces):
    assert funding_segments(text) == pieces


def test_bare_numbers_of_a_financing_plan_are_euros(directory):
    text = "Fiche action 1 : Abri vélos\nPorteur : CCV\nFinancements : Région 12 000 ; CCV 8 000"
    [action] = actions_of(text, directory)
    assert [(line.funder, line.amount) for line in action.lines] == [
        ("Région", D("12000")),
        ("CC du Val", D("8000")),
    ]


def test_axes_named_by_letter_elsewhere_in_the_document():
    lines = ["Axe A. Un territoire sobre en énergie", "Axe B : Des paysages préservés", "Axe : A"]
    assert axis_names(lines) == {"A": "Un territoire sobre en énergie", "B": "Des paysages préservés"}


WORD_TABLES = """Contrat pour la réussite de la transition écologique
Article 4 : Les fiches actions
Fiche action n°1
Intitulé\tRestauration de la continuité écologique du ruisseau
Maître d'ouvrage\tCC du Val
Coût estimatif\t340 000 € HT
Plan de financement prévisionnel\tAgence de l'eau 50 % ; Région 20 % ; CCV 30 %
Calendrier de réalisation\t2025-2026
Communes concernées\tBellerive
Fiche action n°2
Intitulé\tPlateforme de rénovation de l'habitat
Maître d'ouvrage\tCC du Val
Coût estimatif\t80 000 € par an
Plan de financement prévisionnel\tADEME 40 000 €/an ; CCV 40 000 €/an
Calendrier de réalisation\t2024 à 2026
Article 5 : Suivi
Le comité se réunit chaque année.
"""


@pytest.mark.parametrize("writer", [write_docx, write_odt], ids=["docx", "odt"])
def test_label_and_value_tables_in_word_and_opendocument(tmp_path, directory, writer):
    suffix = "docx" if writer is write_docx else "odt"
    path = writer(WORD_TABLES, tmp_path / f"fiches.{suffix}")
    lines = to_lines(read_blocks(path.read_bytes(), path.name)).text
    assert "Intitulé\tRestauration" in lines  # the label/value table arrives as « label\tvalue »
    river, renovation = actions_of(lines, directory)
    assert river.title == "Restauration de la continuité écologique du ruisseau"
    assert (river.amount, river.start_year, river.end_year) == (D("340000"), 2025, 2026)
    assert river.commune_names == ["Bellerive"]
    assert lines_of(river) == [
        ("Agence de l'eau", None, D("0.5"), "", False),
        ("Région", None, D("0.2"), "", False),
        ("CC du Val", None, D("0.3"), "", False),
    ]
    assert renovation.amount_basis == "annuel"
    assert lines_of(renovation) == [
        ("ADEME", D("40000"), None, "", True),
        ("CC du Val", D("40000"), None, "", True),
    ]


@pytest.mark.django_db
def test_a_contract_of_fiches_actions_is_imported_not_refused(tmp_path):
    from crte.importers.pipeline import import_source

    text = "\n".join(
        [
            "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE",
            "Article 4 : Les fiches actions",
            "Fiche action n°1",
            "Intitulé\tRestauration de la continuité écologique du ruisseau",
            "Maître d'ouvrage\tCommune de Béthune",
            "Coût estimatif\t340 000 € HT",
            "Plan de financement prévisionnel\tRégion 50 % ; Département 20 % ; commune 30 %",
            "Calendrier de réalisation\t2025-2026",
            "Fiche action n°2 – Plateforme de rénovation de l'habitat",
            "Porteur : Commune de Béthune",
            "Montant : 80 000 € par an",
            "Financements : ADEME 40 000 €/an ; commune 40 000 €/an",
            "Calendrier : 2024 à 2026",
            "Fait à Béthune, le 3 juillet 2023",
        ]
    )
    path = write_docx(text, tmp_path / "fiches.docx")
    result = import_source(path=path, slug="crte-fiches", territory="200072460", dry_run=True)
    assert not result.report.errors, result.report.errors
    river, renovation = result.plan.actions
    assert (river.amount, river.start_year, river.end_year, len(river.lines)) == (D("340000"), 2025, 2026, 3)
    assert renovation.amount_basis == "annuel" and len(renovation.lines) == 2


def test_labels_with_dot_leaders():
    lines = [
        "FICHE ACTION N° 1",
        "INTITULÉ ........... Réseau de chaleur bois",
        "PORTEUR ............ Commune d'Auchel",
        "BUDGET ............. 2 450 000 € HT",
    ]
    [fiche] = read_fiches(lines)
    assert fiche.title == "Réseau de chaleur bois"
    assert {f.field: f.value for f in fiche.fields if f.field in ("maitre_ouvrage", "montant")} == {
        "maitre_ouvrage": "Commune d'Auchel",
        "montant": "2 450 000 € HT",
    }
