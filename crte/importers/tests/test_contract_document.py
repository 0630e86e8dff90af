"""Reading the reference contract (crte/demo/data/crte-cabbalr-2022.txt)."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.demo.reference import REFERENCE_DOCUMENT
from crte.importers.plan.report import Report
from crte.importers.understand.contract_document import (
    _add_item,
    _display_name,
    _split_owners,
    annex_fields,
    annex_header,
    clean_cell,
    clean_item,
    find_grouping,
    grouping_mentions,
    is_heading,
    read_annex,
    read_contract_document,
    read_programmes,
)
from crte.importers.understand.from_document import document_to_plan
from crte.importers.understand.funding import FunderDirectory


@pytest.fixture  # read again for each test: mutation testing runs the tests that read it
def doc():
    return read_contract_document(REFERENCE_DOCUMENT.read_text(encoding="utf-8"))


def test_reads_parties_and_signature(doc):
    assert doc.epci_short == "CABBALR"
    assert doc.signed_on == date(2022, 1, 21)
    assert (doc.duration_years, doc.start_year, doc.end_year) == (6, 2021, 2026)
    people = [(s.person, s.title) for s in doc.signatories]
    assert people[0] == ("Olivier GACQUERRE", "Président")
    assert people[1][0] == "Chantal AMBROISE"
    assert people[1][1].startswith("Sous-Préfète de Béthune")


def test_reads_the_seven_orientations_with_their_accents(doc):
    assert [o.name for o in doc.orientations] == [
        "Se déplacer",
        "Habiter",
        "Travailler",
        "S'approvisionner",
        "Être en forme",
        "Apprendre",
        "S'épanouir",
    ]


def test_reads_the_enjeux_prioritaires_whole(doc):
    counts = {o.name: len(o.priorities) for o in doc.orientations}
    assert counts == {
        "Se déplacer": 4,
        "Habiter": 5,
        "Travailler": 8,
        "S'approvisionner": 6,
        "Être en forme": 6,
        "Apprendre": 6,
        "S'épanouir": 5,
    }
    habiter = doc.orientations[1].priorities[0]
    # An item broken over two lines by the conversion is joined back.
    assert habiter.startswith("« L'habitat de demain »")
    assert habiter.endswith("familles monoparentales...)")


def test_programming_lists_keep_items_that_start_with_the_word_programmation(doc):
    habiter, epanouir = doc.orientations[1], doc.orientations[6]
    assert "Programmation NPNRU de Béthune et Bruay-La-Buissière" in habiter.programme_now
    assert len(habiter.programme_now) == 9
    assert len(habiter.programme_later) == 5
    assert len(epanouir.programme_now) == 3


def test_reads_the_41_annex_rows(doc):
    assert len(doc.annex_rows) == 41
    first = doc.annex_rows[0]
    assert first.orientation == "SE DEPLACER"
    assert first.owners == ["CABBALR"]
    assert first.title == "Aménagement du parking relais à Douvrin Gare de la Bassée-Violaines"
    assert (first.amount_text, first.text_of("CABBALR"), first.text_of("ETAT")) == (
        "700K€",
        "30 %",
        "133,89K€",
    )
    assert first.text_of("autres financeurs") == "Région 50% (en cours d'examen)"
    assert first.calendar_text == "Fin 2021"


def row_titled(doc, prefix):
    return next(r for r in doc.annex_rows if r.title.startswith(prefix))


@pytest.mark.parametrize(
    ("title", "owners", "amount", "calendar"),
    [
        ("Etude exploratoire", ["CABBALR", "AULA"], "200K€", "2022"),
        ("Suivi-Animation OPAH-RU", ["CABBALR"], "400K€ globalisé", "2022-2027"),
        ("Programme d'Intérêt Général", ["CABBALR"], "6,5M€/an", "en cours"),
        ("ERBM-1er triennal", ["Communes"], "Programme en cours de finalisation", "fin 2022"),
        ("Programmation NPRU", ["CABBALR", "Communes"], "progammation validée 57,8M€", "2021-2026"),
        (
            "Territoires d'industrie",
            ["CABBALR", "Entreprises", "Acteurs économiques"],
            "Montant global intégrant l'ensemble des projets d'investissement privés",
            "pourrsuite du programme",
        ),
        (
            "Gouvernance du numérique",
            ["CABBALR"],
            "Phase 1 : 60K€ Phase 2: à déterminer",
            "2021-2022",
        ),
        ("Politique intercommunale du commerce", ["CABBALR"], "300K€/an", "2021 (en cours3)"),
        ("Contrat de Ville", ["CABBALR", "Communes"], "", "2015-2022"),
        ("Convention Territoriale Globale", ["CABBALR"], "en cours de définition", "2021"),
    ],
)
def test_annex_rows_field_by_field(doc, title, owners, amount, calendar):
    row = row_titled(doc, title)
    assert (row.owners, row.amount_text, row.calendar_text) == (owners, amount, calendar)


def test_annex_financing_cells_are_kept_as_written(doc):
    chaine = row_titled(doc, "Chaine des Parcs-Canal")
    assert chaine.text_of("autres financeurs") == "Région 550K€ CD62 40K€ 20K€ (Leader)"
    ville = row_titled(doc, "Contrat de Ville")
    assert ville.text_of("ETAT").startswith("150K€ (CABBALR)/an- appui aux structures")


def test_clean_cell_removes_markup():
    assert clean_cell("<u>Aménagement du pôle</u>  **gare**") == "Aménagement du pôle gare"
    assert clean_cell("ERBM-1^{er} triennal") == "ERBM-1er triennal"


def test_is_heading_accepts_capital_lines_only():
    assert is_heading("S'EPANOUIR")
    assert not is_heading("Programmation 2022")
    assert not is_heading("PROGRAMMATION 2022")


@pytest.mark.parametrize(
    ("sentence", "years", "signed"),
    [
        ("La durée de ce contrat est de deux ans.", 2, None),
        ("La durée de ce contrat est de 6 ans.", 6, None),
        ("La durée de ce contrat est de 600 ans.", None, None),
        ("Fait à Arras, le 31 juin 2022", None, None),
        ("Fait à Arras, Le 1er juillet 2022", None, "2022-07-01"),
    ],
)
def test_durations_and_dates_in_words_never_crash_the_reader(sentence, years, signed):
    doc = read_contract_document(f"CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE\n{sentence}\n")
    assert doc.duration_years == years
    assert (str(doc.signed_on) if doc.signed_on else None) == signed


LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "Article 3",
            "ARTICLE III",
            "Axe 1 : Mobilités",
            "SE DÉPLACER",
            "Programmation 2022",
            "Les enjeux prioritaires",
            "- une action",
            "La durée de ce contrat est de trois ans",
            "Fait le 31 février 2023",
            "Représentée par **Jean DUPONT**, Président",
        ]
    ),
    st.lists(
        st.text(alphabet=st.characters(blacklist_characters="\t\n"), max_size=20), min_size=2, max_size=9
    ).map("\t".join),
)


@given(st.lists(LINE, max_size=40))
def test_the_document_reader_never_crashes(lines):
    """From text to plan: random lines, random tables, random dates and durations."""
    header = "Maitre d'ouvrage\tOpération\tContenu\tMontant\tEPCI\tETAT\tautres\tAnnée"
    for text in ("\n".join(lines), "\n".join([header, *lines])):
        document_to_plan(
            read_contract_document(text), FunderDirectory({"Région": "Région"}), "x.txt", Report()
        )


@pytest.mark.parametrize(
    ("text", "signed", "years"),
    [
        ("Fait à Morlaix, le 15 mars 2023\n", "2023-03-15", (None, None)),
        ("Le 3 février 2021 à Lens.\nFait à Lens, le 4 février 2021", "2021-02-04", (None, None)),
        ("Signé le 21/01/2022", "2022-01-21", (None, None)),
        ("La durée de ce contrat est de six ans à compter de 2021.", None, (2021, 2026)),
        ("pour les années 2023 à 2026", None, (2023, 2026)),
    ],
)
def test_signature_and_period_wherever_and_however_written(text, signed, years):
    doc = read_contract_document(text)
    assert (str(doc.signed_on) if doc.signed_on else None) == signed
    assert (doc.start_year, doc.end_year) == years


@pytest.mark.parametrize("article", ["Article 3 – Stratégie", "ARTICLE III", "Art. 3", "# Article 3"])
def test_strategy_articles_and_numbered_axes(article):
    text = "\n".join(
        [
            article,
            "Axe 1 : Mieux se déplacer",
            "Orientation stratégique n° 2 – Mieux se loger",
            "Article 4",
            "x",
        ]
    )
    assert [o.name for o in read_contract_document(text).orientations] == [
        "Mieux se déplacer",
        "Mieux se loger",
    ]


# --- the reference's other articles, and contracts written in other layouts ---------------


def test_reads_the_title_the_grouping_and_the_programming_lists(doc):
    assert doc.title == "CONTRAT DE RELANCE ET DE TRANSITION ÉCOLOGIQUE"  # as written
    assert doc.epci_name == "Communauté d'Agglomération de Béthune-Bruay, Artois Lys Romane"
    assert doc.warnings == []
    assert [
        (o.heading, o.line, len(o.programme_now), len(o.programme_later), o.later_first_year)
        for o in doc.orientations
    ] == [
        ("SE DEPLACER", 209, 4, 5, 2023),
        ("HABITER", 237, 9, 5, 2023),
        ("TRAVAILLER", 287, 10, 3, 2023),
        ("S'APPROVISIONNER", 341, 8, 4, 2023),
        ("ETRE EN FORME", 384, 5, 2, 2023),
        ("APPRENDRE", 410, 3, 1, 2023),
        ("S'EPANOUIR", 442, 3, 5, 2023),
    ]


def test_reads_the_integrated_programmes_of_article_4_1(doc):
    assert [(p.kind, p.line, p.qualifier, p.start_year, p.end_year) for p in doc.programmes] == [
        ("contrat_ville", 482, "", 2019, 2022),
        ("ctg", 494, "", 2021, 2024),
        ("cls", 498, "", 2020, 2023),
        ("clsm", 498, "", 2019, 2023),  # the mental-health council inside the CLS, its own years
        ("pat", 500, "", 2019, 2025),
        ("cte", 510, "", 2019, 2022),
        ("cot_tri", 512, "", 2021, 2025),
        ("papi", 514, "Lys", None, None),
        ("pre", 518, "", None, None),
        ("npnru", 522, "", 2020, 2025),
        ("acv", 524, "Action Cœur de ville", 2018, 2022),
        ("pvd", 526, "Petites Villes de demain", 2021, 2026),
        ("opah_ru", 528, "", None, None),
        ("pig", 532, "", None, None),
        ("erbm", 534, "", 2017, 2027),
        ("territoires_industrie", 542, "Territoires d'Industrie", None, None),
    ]
    assert doc.programmes[1].text.startswith("La convention territoriale globale 2021-2024 avec la CAF.")


def test_programmes_outside_article_4_1_or_unknown_are_not_read():
    lines = [
        "- Le contrat de ville 2015-2020 (avant l'article)",
        "4-1 : contractualisations",
        "- Un contrat inconnu 2020-2022",
        "Le dispositif « Petites villes de demain » (2021-2026)",
        "- Le contrat local de santé 2020-2023, sans conseil de santé mentale",
        "Le projet alimentaire territorial, sans tiret",
        "4-2 : validation",
        "- Le projet alimentaire territorial 2019-2025",
    ]
    assert [(p.kind, p.line, p.qualifier, p.start_year) for p in read_programmes(lines)] == [
        ("pvd", 4, "Petites villes de demain", 2021),
        ("cls", 5, "", 2020),
    ]
    assert read_programmes(lines[:-2]) == []  # no 4-2: no end
    assert read_programmes(lines[2:]) == []  # no 4-1


OTHER_CONTRACTS = Path(__file__).parent / "contracts"


def other(name: str):
    return read_contract_document((OTHER_CONTRACTS / f"{name}.txt").read_text(encoding="utf-8"))


def test_other_layouts_parties_dates_and_periods():
    found = {
        name: (
            doc.epci_name,
            doc.epci_short,
            [(s.party, s.person, s.title) for s in doc.signatories],
            doc.signed_on,
            (doc.duration_years, doc.start_year, doc.end_year),
        )
        for name in ("cc-haut-leon-2023", "cinor-2021", "metropole-rouen-2023", "petr-pays-de-morlaix-2024")
        for doc in [other(name)]
    }
    assert found == {
        "cc-haut-leon-2023": (
            "Communauté de communes Haut-Léon Communauté",
            "HLC",
            [
                ("La Communauté de communes Haut-Léon Communauté", "Yann KERBRAT", "Président"),
                ("L'État", "Anne LE GALL", "Sous-Préfète de Morlaix"),
            ],
            date(2023, 3, 15),
            (4, 2023, 2026),
        ),
        "cinor-2021": (
            "Communauté d'agglomération Intercommunale du Nord de la Réunion",
            "CINOR",
            [
                (
                    "La Communauté d'agglomération Intercommunale du Nord de la Réunion",
                    "Maurice GIRONCEL",
                    "Président",
                ),
                ("L'État", "Jérôme FILIPPINI", "Préfet de La Réunion"),
            ],
            date(2021, 7, 19),
            (6, 2021, 2026),
        ),
        "metropole-rouen-2023": (
            "Métropole Rouen Normandie",
            "",
            [
                ("La Métropole Rouen Normandie", "Nicolas MAYER-ROSSIGNOL", "Président"),
                ("L'État", "Claire VERT", "Préfète de la Seine-Maritime"),
            ],
            date(2023, 9, 12),
            (None, 2023, 2026),
        ),
        "petr-pays-de-morlaix-2024": (
            "PETR du Pays de Morlaix",
            "PPM",
            [
                ("Le PETR du Pays de Morlaix", "Gwenaëlle LE ROUX", "Présidente"),
                ("L'État", "Marc DURAND", "Sous-Préfet de Morlaix"),
            ],
            date(2024, 4, 2),
            (None, 2024, 2026),
        ),
    }


def test_other_layouts_orientations_and_annex_tables():
    haut_leon = other("cc-haut-leon-2023")
    assert [(o.name, o.line) for o in haut_leon.orientations] == [
        ("Mieux se déplacer", 27),
        ("Mieux se loger", 28),
    ]
    assert haut_leon.warnings == []  # Art. 3 read up to the annex table, without an Art. 4
    assert haut_leon.annex_rows[0].headers == [
        "Porteur",
        "Intitulé de l'opération",
        "Description",
        "Coût total HT",
        "Montant DSIL",
        "Région",
        "Département",
        "Europe (FEDER)",
        "Année",
    ]
    assert [(r.orientation, r.owners, r.amount_text, r.calendar_text) for r in haut_leon.annex_rows] == [
        ("Axe 1 : Mieux se déplacer", ["Commune de Roscoff"], "1 200 000 €", "2024"),
        ("Axe 1 : Mieux se déplacer", ["HLC"], "800 000 €", "2025"),
        ("Axe 2 : Mieux se loger", ["Commune de Cléder"], "450 000 €", "2024"),
    ]
    cinor = other("cinor-2021")
    assert [o.name for o in cinor.orientations] == ["Préserver la ressource en eau", "Se déplacer autrement"]
    assert [(r.owners, r.amount_text, r.calendar_text) for r in cinor.annex_rows] == [
        (["Ville de Saint-Denis"], "2,4 M€", "2022-2023"),
        (["CINOR"], "350 000 €", "2021"),
        (["CINOR"], "12 M€", "2023-2026"),
    ]
    rouen = other("metropole-rouen-2023")
    assert [r.orientation for r in rouen.annex_rows] == [
        "MIEUX SE DÉPLACER",
        "MIEUX CONSOMMER",
        "MIEUX CONSOMMER",
    ]
    assert rouen.annex_rows[1].text_of("part métropole") == rouen.annex_rows[1].cells[3]
    assert rouen.annex_rows[1].text_of("Colonne absente") == ""
    petr = other("petr-pays-de-morlaix-2024")
    assert petr.annex_rows == []
    assert petr.warnings == ["Aucun tableau de programmation trouvé en annexe."]


# --- rules, one by one ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "found"),
    [
        ("ENTRE\nLa Communauté urbaine de Dunkerque (CUD)\n", ("Communauté urbaine de Dunkerque", "CUD")),
        ("**Le Pays de Brocéliande (PB)**", ("Pays de Brocéliande", "PB")),
        (
            "La Communauté de communes du Val de Saône, représentée par sa Présidente\n",
            ("Communauté de communes du Val de Saône", ""),
        ),
        ("Le Syndicat mixte du SCoT ci-après désigné « le Syndicat »", ("Syndicat mixte du SCoT", "")),
        (
            "L'Établissement public territorial Est Ensemble,",
            ("Établissement public territorial Est Ensemble", ""),
        ),
        ("La commune de Lens (LENS)\n", ("", "")),
    ],
)
def test_the_signing_grouping_of_any_nature(head, found):
    assert find_grouping(head) == found


def test_parties_written_on_the_signatory_s_line_or_above_it():
    text = "\n".join(
        [
            "ENTRE",
            "La Métropole du Grand Nancy (MGN), représentée par son Président, M. Mathieu KLEIN,",
            "ET",
            "Le Département de la Meuse",
            "",
            "Représenté par Madame Marie-Claire DUPONT-AIGNAN, Présidente du conseil départemental, sise",
            "L'Agence (ADEME) représentée par sa directrice régionale, Jean MARTIN",
            "Et représentée par Jean DURAND",
        ]
    )
    doc = read_contract_document(text)
    assert [(s.party, s.person, s.title) for s in doc.signatories] == [
        ("La Métropole du Grand Nancy", "Mathieu KLEIN", "Président"),
        ("Le Département de la Meuse", "Marie-Claire DUPONT-AIGNAN", "Présidente du conseil départemental"),
        ("L'Agence", "Jean MARTIN", "directrice régionale"),
        ("L'Agence (ADEME) représentée par sa directrice régionale, Jean MARTIN", "Jean DURAND", ""),
    ]


@pytest.mark.parametrize(
    ("written", "owners"),
    [
        ("CAXY Entreprises Acteurs économiques", ["CAXY", "Entreprises", "Acteurs économiques"]),
        ("Commune de Cléder", ["Commune de Cléder"]),
        ("Syndicat mixte du Pays de Morlaix", ["Syndicat mixte du Pays de Morlaix"]),
        ("Commune d'Auchel Ville de Lens", ["Commune d'Auchel", "Ville de Lens"]),
        ("Communauté d’Agglomération Région", ["Communauté d’Agglomération", "Région"]),
        ("CABBALR ; communes", ["CABBALR", "communes"]),
        ("; CABBALR ;; Région ;", ["CABBALR", "Région"]),
        ("Département et Région", ["Département et Région"]),
        ("**Porteur** <b>Privé</b>", ["Porteur", "Privé"]),
        ("", []),
    ],
)
def test_owners_are_split_at_capitals_not_after_a_joining_word(written, owners):
    assert _split_owners(written) == owners


def test_a_two_line_header_takes_the_financers_under_its_spanning_title():
    lines = [
        "Texte\tsans\ttableau",
        "Porteur\tIntitulé\tMontant\tFinancements\t\tCalendrier",
        "\t\t\tRégion\tÉtat\t",
    ]
    assert annex_header(lines) == (2, ["Porteur", "Intitulé", "Montant", "Région", "État", "Calendrier"])
    section = [*lines[:2], "SE DÉPLACER\t\t\t\t\t"]  # one capital cell: a section, not names
    assert annex_header(section) == (1, ["Porteur", "Intitulé", "Montant", "Financements", "", "Calendrier"])
    named = [*lines[:2], "Commune\tVoie verte\t10 000 €\t5 000 €\t\t2024"]  # a row: not under the span
    assert annex_header(named)[0] == 1
    assert annex_header(lines[1:2]) == (0, lines[1].split("\t"))
    assert annex_header(["Porteur\tMontant", "Intitulé\tCommentaire\tDivers"]) is None  # too few fields
    assert annex_fields(["Porteur", "Intitulé", "Maître d'ouvrage", "Coût", "Montant", "Région"]) == {
        0: "maitre_ouvrage",
        1: "intitule",
        3: "montant",
    }


def test_annex_rows_sections_enjeux_and_repeated_headers():
    lines = [
        "Porteur\tIntitulé\tMontant\tCalendrier",
        "SE DÉPLACER",
        "Réduire la part",
        "de la voiture",
        "Commune de Lens\tVoie verte\t10 000 €\t2024",
        "---\t---\t---\t---",
        "",
        "Porteur\tIntitulé\t\t",
        "Une autre enjeu",
        "HABITER\t\t\t",
        "CABBALR\tÉcole\t\t",
    ]
    rows = read_annex(lines)
    assert [(r.line, r.orientation, r.priority_hint, r.owners, r.title, r.amount_text) for r in rows] == [
        (5, "SE DÉPLACER", "Réduire la part de la voiture", ["Commune de Lens"], "Voie verte", "10 000 €"),
        (11, "HABITER", "", ["CABBALR"], "École", ""),
    ]
    assert rows[1].cells == ["CABBALR", "École", "", ""]


def test_list_items_bullets_and_continuations():
    assert clean_item(" – **Créer** une voie verte ;") == "Créer une voie verte"
    assert clean_item("✓ ⇒ item,") == "item"
    items: list[str] = []
    _add_item(items, "texte sans puce", bulleted_only=True)
    assert items == []
    _add_item(items, "- premier point", bulleted_only=True)
    _add_item(items, "qui continue", bulleted_only=True)
    _add_item(items, "• second point", bulleted_only=True)
    _add_item(items, "* troisième", bulleted_only=True)
    _add_item(items, "-", bulleted_only=True)
    assert items == ["premier point qui continue", "second point", "troisième"]
    free: list[str] = []
    _add_item(free, "Un enjeu sans puce", bulleted_only=False)
    assert free == ["Un enjeu sans puce"]


def test_a_heading_s_accents_come_from_the_text():
    text = "Pour mieux se déplacer et s’épanouir, MIEUX SE DEPLACER ne suffit pas."
    assert _display_name("MIEUX SE DEPLACER", text) == "Mieux se déplacer"
    assert _display_name("S'EPANOUIR", text) == "S'épanouir"
    assert _display_name("HABITER", text) == "Habiter"  # not written in lower case: capitalised


def test_headings_numbered_or_in_capitals():
    assert is_heading("Thématique III. Se nourrir")
    assert is_heading("PRIORITÉ 2 – Habiter")
    assert is_heading("ÉTÉ") and not is_heading("AB") and not is_heading("A" * 81)
    assert not is_heading("AXE 2") and not is_heading("Se déplacer")
    assert clean_cell("  ## 1^{er} <i>axe</i>   **fort**") == "1er axe fort"


def test_annex_rows_without_an_owner_or_a_title_and_lines_of_figures_alone():
    lines = [
        "Sommaire\tdu\tdocument\tici",
        "Porteur\tIntitulé\tContenu\tMontant\tCalendrier",
        "Commune de Lens\tVoie verte\tUne piste de 4 km\t10 000 €\t2024",
        "\t\t\t5 000 €\t2025",
        "\tÉtude de faisabilité",
        "Région\t\tAppui",
        "MOBILITÉS",
        "CABBALR\tAires de covoiturage",
    ]
    warnings: list[str] = []
    rows = read_annex(lines, warnings)
    assert warnings == [
        "Ligne 4 du tableau de programmation ignorée : ni action ni porteur (« 5 000 € | 2025 »)."
    ]
    assert [
        (r.line, r.orientation, r.owners, r.title, r.content, r.amount_text, r.calendar_text) for r in rows
    ] == [
        (3, "", ["Commune de Lens"], "Voie verte", "Une piste de 4 km", "10 000 €", "2024"),
        (5, "", [], "Étude de faisabilité", "", "", ""),
        (6, "", ["Région"], "", "Appui", "", ""),
        (8, "MOBILITÉS", ["CABBALR"], "Aires de covoiturage", "", "", ""),
    ]
    assert rows[1].cells == ["", "Étude de faisabilité", "", "", ""]  # a short line is padded


def test_a_header_of_three_known_fields_and_names_past_its_last_title():
    assert annex_header(["Porteur\tIntitulé\tMontant"]) == (0, ["Porteur", "Intitulé", "Montant"])
    assert annex_header(["Porteur\tIntitulé\tRemarques"]) is None
    lines = ["Porteur\tIntitulé\tMontant\tFinancements", "\t\t\tRégion\tÉtat\t"]
    assert annex_header(lines) == (1, ["Porteur", "Intitulé", "Montant", "Région", "État", ""])
    lines = ["Porteur\tIntitulé\tMontant\tPartenaire financier\tAutres\tAnnée", "\t\t\tRégion\tADEME\t"]
    assert annex_header(lines) == (1, ["Porteur", "Intitulé", "Montant", "Région", "ADEME", "Année"])


def test_the_contract_s_title_text_duration_and_period():
    head = "Contrat pour la réussite de la transition écologique du Pays Vert\n"
    head += "LA DURÉE DE CE CONTRAT EST DE 20 ANS.\n"
    doc = read_contract_document(head + "Période 2024-2024.")
    assert doc.title == "Contrat pour la réussite de la transition écologique du Pays Vert"
    assert doc.text == head + "Période 2024-2024."
    assert (doc.duration_years, doc.start_year, doc.end_year) == (20, 2024, 2024)
    doc = read_contract_document(
        "La durée de ce contrat est de 21 ans. Période 2026-2023. À compter de 2025."
    )
    assert (doc.duration_years, doc.start_year, doc.end_year) == (None, None, None)
    assert doc.warnings == [
        "Durée du contrat non comprise : « durée de ce contrat est de 21 ans ».",
        "Groupement signataire (EPCI) non trouvé dans le document.",
        "Signataires du contrat non trouvés dans le document.",
        "Date de signature du contrat non trouvée dans le document.",
        "Période du contrat (première et dernière année) non trouvée dans le document.",
        "Aucune orientation trouvée (article 3).",
        "Aucun tableau de programmation trouvé en annexe.",
    ]
    doc = read_contract_document("La durée de ce contrat est de cinq ans À compter de l'année 2025.")
    assert (doc.duration_years, doc.start_year, doc.end_year) == (5, 2025, 2029)


def test_the_grouping_is_looked_for_in_the_first_400_lines():
    grouping = "La Communauté de communes du Pays Vert (CCPV)"
    assert read_contract_document("\n" * 399 + grouping).epci_short == "CCPV"
    assert read_contract_document("\n" * 400 + grouping).epci_short == ""


def test_article_3_ends_at_the_next_article_wherever_it_is():
    def names(*lines):
        return [o.name for o in read_contract_document("\n".join(lines)).orientations]

    assert names("Article 5 – Suivi (sommaire)", "Article 3", "AXE 1 : Eau", "Article 4", "AXE 2 : Air") == [
        "Eau"
    ]
    assert names("Article 3", "Article 4", "AXE 1 : Eau") == []
    assert names(
        "Porteur\tIntitulé", "Article 3", "AXE 1 : Eau", "AXE 2 : Air", "Porteur\tIntitulé", "AXE 3 : Sol"
    ) == [
        "Eau",
        "Air",
    ]
    assert names("Article 3", "Axe 1 : Préserver la Réunion") == ["Préserver la Réunion"]


def test_orientation_lists_bulleted_or_not():
    text = "\n".join(
        [
            "Article 3",
            "- une ligne avant toute orientation",
            "HABITER",
            "Une ligne avant toute liste",
            "Les enjeux prioritaires",
            "Enjeu sans puce",
            "Programmation prévisionnelle 2022",
            "Texte libre",
            "- Action A",
            "Programmation 2023 - 2026",
            "- Action B",
            "Article 4",
        ]
    )
    [habiter] = read_contract_document(text).orientations
    assert (habiter.priorities, habiter.programme_now, habiter.programme_later) == (
        ["Enjeu sans puce"],
        ["Action A"],
        ["Action B"],
    )
    assert habiter.later_first_year == 2023


# --- the contract's details in other words (issue 21): found, or said missing ---------------


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (  # inside a sentence, a name holding « et »
            "Entre la Communauté de communes Terres de Loire et Coteaux, représentée par son Président",
            ("Communauté de communes Terres de Loire et Coteaux", ""),
        ),
        (  # in bold on its own line
            "# Contrat\n\n**Communauté de communes du Plateau des Mille Sources**\n",
            ("Communauté de communes du Plateau des Mille Sources", ""),
        ),
        (  # the nature is part of the usual name
            "Entre **Nantes métropole**, représentée par sa Présidente, et l'État",
            ("Nantes métropole", ""),
        ),
        (
            "Entre Vire Agglo, communauté d'agglomération, représentée par son Président",
            ("Vire Agglo", ""),
        ),
        (  # a nature the usual ones do not list, with its acronym, after the State
            "Entre l'État, représenté par le Préfet, M. Jean DUPONT, et la Communauté Intégrée du "
            "Val d'Or (CIVO), représentée par son Président",
            ("Communauté Intégrée du Val d'Or", "CIVO"),
        ),
        (  # in a title, in capitals
            "CRTE DE LA COMMUNAUTÉ DE COMMUNES DU HAUT VAL BLEU\nArticle 1",
            ("COMMUNAUTÉ DE COMMUNES DU HAUT VAL BLEU", ""),
        ),
        (  # a name cut at a comma is also given whole
            "de la Communauté d'agglomération de Rive-Haute, Val des Prés\n",
            ("Communauté d'agglomération de Rive-Haute", ""),
        ),
        ("CRTE de la CC du Val Doré\n", ("CC du Val Doré", "")),  # its nature abbreviated
        ("Un CA 2023 en hausse\n", ("", "")),  # not a grouping
        ("Communauté d'Agglomération\nBéthune\n", ("", "")),  # a nature without its name
        ("Maître d'ouvrage : Commune de Pays de Montagne\n", ("", "")),  # a commune's name
        ("la métropole s'engage à suivre le contrat\n", ("", "")),  # prose
        ("Entre l'État, représenté par le Préfet\n", ("", "")),  # the State is not a grouping
    ],
)
def test_the_grouping_in_other_words(head, found):
    assert find_grouping(head) == found


def test_every_name_of_the_grouping_is_kept_best_first():
    head = "\n".join(
        [
            "CRTE de la Communauté de communes du Val Fleuri",
            "Entre la Communauté de communes du Val Fleuri (CCVF), représentée par son Président,",
            "Les actions de la Communauté d'agglomération Voisine sont citées pour mémoire.",
            "de la Communauté d'agglomération de Rive-Haute, Val des Prés",
        ]
    )
    assert grouping_mentions(head) == [
        ("Communauté de communes du Val Fleuri", "CCVF"),  # as a party, with its acronym
        ("Communauté d'agglomération de Rive-Haute", ""),  # at the start of a line
        ("Communauté d'agglomération de Rive-Haute, Val des Prés", ""),
    ]  # a name inside a sentence only when there is nothing better, a table's cell never
    assert grouping_mentions("Avec la Communauté d'agglomération Voisine pour mémoire.") == [
        ("Communauté d'agglomération Voisine pour mémoire", "")
    ]
    assert grouping_mentions("Porteur\tAction\nCommunauté de communes du Lac\tPiste\n") == []


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("Le contrat court de 2024 à 2027.", (None, 2024, 2027)),
        ("Il porte sur les années 2025 à 2030.", (None, 2025, 2030)),
        ("Le CRTE vaut pour les années 2024, 2025, 2026 et 2027.", (None, 2024, 2027)),
        ("Les années 2023, 2024 et 2025 sont celles du contrat.", (None, 2023, 2025)),
        ("Période de contractualisation : 2024-2027", (None, 2024, 2027)),
        ("Le présent contrat est signé pour cinq ans (2024-2028).", (5, 2024, 2028)),
        ("Le présent contrat s'applique de 2023 à 2026.", (None, 2023, 2026)),
        ("Le contrat couvre la période allant de 2022 jusqu'à 2026.", (None, 2022, 2026)),
        ("Le contrat est conclu pour une durée de trois ans à compter de 2025.", (3, 2025, 2027)),
        ("Il est conclu pour une durée de quatre ans. Il prend effet en 2024.", (4, 2024, 2027)),
        ("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE 2024-2026", (None, 2024, 2026)),
        # another contract, another plan, an action's calendar: not the contract's period
        ("Le contrat de ville couvre la période 2015-2022.", (None, None, None)),
        ("Le CPER couvre la période 2021-2027.", (None, None, None)),
        ("Calendrier : de 2025 à 2028", (None, None, None)),
        ("Période de réalisation : 2024-2026", (None, None, None)),
        ("Une convention d'une durée de trois ans lie les communes.", (None, None, None)),
    ],
)
def test_the_period_in_other_words(sentence, period):
    doc = read_contract_document(f"{sentence}\n")
    assert (doc.duration_years, doc.start_year, doc.end_year) == period
    missing = "Période du contrat (première et dernière année) non trouvée dans le document."
    assert (missing in doc.warnings) == (period[1] is None)


def test_a_duration_alone_counts_from_the_signature_and_says_so():
    doc = read_contract_document("Le contrat est conclu pour une durée de six ans.\nArles, le 2 mai 2024\n")
    assert (doc.duration_years, doc.start_year, doc.end_year, doc.signed_on) == (
        6,
        2024,
        2029,
        date(2024, 5, 2),
    )
    assert doc.warnings[0] == (
        "Période du contrat déduite de sa durée (6 ans) et de l'année de sa signature : 2024-2029."
    )
    doc = read_contract_document("Le contrat est conclu pour une durée de six ans.\n")
    assert (doc.duration_years, doc.start_year) == (6, None)


@pytest.mark.parametrize(
    ("text", "signed", "place"),
    [
        ("Arles, le 2 mai 2024\n", date(2024, 5, 2), "Arles"),
        ("Signé à Vire le 03/04/2024\n", date(2024, 4, 3), "Vire"),
        ("Fait en trois exemplaires à Saint-Lô, le 1er février 2024", date(2024, 2, 1), "Saint-Lô"),
        ("Signé le 22 mars 2024, à Quimper.\n", date(2024, 3, 22), "Quimper"),
        ("Le 18 décembre 2023\n", date(2023, 12, 18), ""),
        ("Fait à Arras, le 2 mai 2024\nLens, le 5 mai 2024\n", date(2024, 5, 2), "Arras"),
        ("Une convention signée à Paris le 3 mars 2021 lie les communes.\n", None, ""),  # another one
        (  # a date inside a long sentence is not where the contract was signed
            "Par délibération, le 3 mars 2023, le conseil communautaire a approuvé le projet de "
            "territoire, ses orientations et la liste des actions du contrat.\n",
            None,
            "",
        ),
    ],
)
def test_where_and_when_the_contract_was_signed(text, signed, place):
    doc = read_contract_document(text)
    assert (doc.signed_on, doc.signed_at) == (signed, place)
    missing = "Date de signature du contrat non trouvée dans le document."
    assert (missing in doc.warnings) == (signed is None)


def test_parties_of_one_sentence_or_cut_at_the_end_of_a_line():
    text = "\n".join(
        [
            "Entre la Communauté de communes Terres de Loire et Coteaux (CCTLC), SIREN 200 000 000, "
            "dont le siège est à Blois, représentée par son Président, Monsieur Paul MARTIN, et l'État, "
            "représenté par le",
            "Préfet de Loir-et-Cher, Madame Anne DURAND,",
            "ET",
            "Vire Agglo, communauté d'agglomération, représentée par sa Présidente, Madame Julie PETIT",
        ]
    )
    doc = read_contract_document(text)
    assert [(s.party, s.person, s.title) for s in doc.signatories] == [
        ("La Communauté de communes Terres de Loire et Coteaux", "Paul MARTIN", "Président"),
        ("L'État", "Anne DURAND", "Préfet de Loir-et-Cher"),
        ("Vire Agglo", "Julie PETIT", "Présidente"),
    ]
    assert "Signataires du contrat non trouvés dans le document." not in doc.warnings


def test_the_title_keeps_its_case_and_a_crte_title_is_one():
    assert read_contract_document("Contrat pour la Réussite de la Transition Écologique\n").title == (
        "Contrat pour la Réussite de la Transition Écologique"
    )
    assert (
        read_contract_document("# CRTE du Pays des Trois Vallées\n").title == "CRTE du Pays des Trois Vallées"
    )


def test_what_is_not_found_is_said():
    doc = read_contract_document("Rien de ce qu'un contrat dit.\n")
    assert doc.warnings[:4] == [
        "Groupement signataire (EPCI) non trouvé dans le document.",
        "Signataires du contrat non trouvés dans le document.",
        "Date de signature du contrat non trouvée dans le document.",
        "Période du contrat (première et dernière année) non trouvée dans le document.",
    ]


@pytest.mark.parametrize(
    "text, signed",
    [
        ("- Signature : 04/07/2023\n- Période : 2023 – 2026", date(2023, 7, 4)),
        ("Date de signature : 3 juillet 2023", date(2023, 7, 3)),
        ("La signature du contrat interviendra en 2024.", None),
    ],
)
def test_a_signature_date_given_as_a_labelled_fact(text, signed):
    from crte.importers.understand.contract_document import read_signature

    assert read_signature(text)[0] == signed
