# ruff: noqa: E501 - rows typed by hand, as long as the cells they hold
"""Writes the held-out fidelity corpus: files the importer was never tuned on.

    .venv/bin/python bench/fidelity/make_holdout.py
    .venv/bin/python bench/fidelity.py --no-dgcl --corpus bench/fidelity/holdout

Same truth format and conventions as `make_corpus.py` (whose truth helpers and writers are
reused: `Body`, `L`, `A`, `contract`, `write_xlsx`, `write_csv`, `write_ods`, `write_odt`,
`write_pdf`), but other territories and layouts written by someone who had not read the
importer: a département's programming sheet with « Montant éligible / Taux / Aide » per
financer, a Word annex in k€ with a « N° » column, one sheet per year, a grants tool's
English export, a PDF whose financing is in sentences, a Markdown grid table, fiches
between « ==== » rules, owners with their SIRET, « Année N / N+1 / N+2 » spending columns
in Latin-1, UTF-16 from Excel, a landscape Word table whose « Observations » quote amounts
that are not financing. Two files are hostile to silent loss: a column of amounts titled
« CCT » (unknown title), and financers no reference can know (Parc amazonien de Guyane,
Fondation de France, Citeo).

Every truth is typed by hand: what a careful person reading the file would enter. Output is
deterministic."""

import json
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import (  # noqa: E402 - the corpus's own helpers, imported from beside this file
    A,
    Body,
    L,
    contract,
    fix_zip,
    with_rows,
    write_csv,
    write_ods,
    write_odt,
    write_pdf,
    write_xlsx,
)

HOLDOUT = HERE / "holdout"
FILES: list[dict] = []


def own(owner: dict, amount=None, rate=None, column="") -> dict:
    return L(owner, amount, rate, column=column)


def table_file(name, fmt, layout, territory, actions, columns, write) -> None:
    FILES.append(
        {
            "file": name,
            "format": fmt,
            "layout": layout,
            "territory": territory,
            "contract": None,
            "columns": columns,
            "actions": actions,
            "write": write,
        }
    )


def document_file(name, fmt, layout, the_contract, actions, write, columns=None) -> None:
    FILES.append(
        {
            "file": name,
            "format": fmt,
            "layout": layout,
            "territory": None,
            "territory_hint": the_contract["epci_siren"],
            "contract": the_contract,
            "columns": columns or {},
            "actions": actions,
            "write": write,
        }
    )


ETAT = "État"

# 1. Drôme: the Département's programming sheet, merged title rows, a « Montant éligible » /
# « Taux » / « Aide » trio under each financer -------------------------------------------------

DIOIS = "242600534"
ccd = Body("CC du Diois", DIOIS)
die, luc, lus = (
    Body("Die", "212601132"),
    Body("Luc-en-Diois", "212601678"),
    Body("Lus-la-Croix-Haute", "212601686"),
)
CD26, AURA = "Département de la Drôme", "Région Auvergne-Rhône-Alpes"
TRIO = ["Montant éligible", "Taux", "Aide"]
head_26 = [
    [
        "Maître d'ouvrage",
        "Opération",
        "Commune(s)",
        "Coût HT",
        "État — DETR",
        "",
        "",
        CD26,
        "",
        "",
        AURA,
        "",
        "",
        "Calendrier",
    ],
    ["", "", "", "", *TRIO, *TRIO, *TRIO, ""],
]
rows_26, truth_26 = with_rows(
    [
        (
            [
                "Commune de Die",
                "Rénovation thermique de l'école élémentaire",
                "Die",
                950000,
                800000,
                "30 %",
                240000,
                950000,
                "20 %",
                190000,
                "",
                "",
                "",
                "2024-2025",
            ],
            A(
                "Rénovation thermique de l'école élémentaire",
                [die],
                950000,
                [L(ETAT, 240000, "0.3", scheme="DETR", column="Aide"), L(CD26, 190000, "0.2", column="Aide")],
                2024,
                2025,
                ["26113"],
            ),
        ),
        (
            [
                "CC du Diois",
                "Création d'une plateforme de compostage des biodéchets",
                "Die, Romeyer",
                620000,
                620000,
                "35 %",
                217000,
                "",
                "",
                "",
                620000,
                "25 %",
                155000,
                "2025",
            ],
            A(
                "Création d'une plateforme de compostage des biodéchets",
                [ccd],
                620000,
                [
                    L(ETAT, 217000, "0.35", scheme="DETR", column="Aide"),
                    L(AURA, 155000, "0.25", column="Aide"),
                ],
                2025,
                None,
                ["26113", "26282"],
            ),
        ),
        (
            [
                "Commune de Luc-en-Diois",
                "Sécurisation de la ressource en eau potable (maillage des réseaux)",
                "Luc-en-Diois",
                410000,
                410000,
                "40 %",
                164000,
                410000,
                "30 %",
                123000,
                "",
                "",
                "",
                "2024",
            ],
            A(
                "Sécurisation de la ressource en eau potable (maillage des réseaux)",
                [luc],
                410000,
                [L(ETAT, 164000, "0.4", scheme="DETR", column="Aide"), L(CD26, 123000, "0.3", column="Aide")],
                2024,
                None,
                ["26167"],
            ),
        ),
        (
            [
                "Commune de Lus-la-Croix-Haute",
                "Chaufferie bois et réseau de chaleur du centre-bourg",
                "Lus-la-Croix-Haute",
                1150000,
                1000000,
                "20 %",
                200000,
                1150000,
                "15 %",
                172500,
                1150000,
                "20 %",
                230000,
                "2025-2026",
            ],
            A(
                "Chaufferie bois et réseau de chaleur du centre-bourg",
                [lus],
                1150000,
                [
                    L(ETAT, 200000, "0.2", scheme="DETR", column="Aide"),
                    L(CD26, 172500, "0.15", column="Aide"),
                    L(AURA, 230000, "0.2", column="Aide"),
                ],
                2025,
                2026,
                ["26168"],
            ),
        ),
        (["TOTAL", "", "", 3130000, "", "", 821000, "", "", 485500, "", "", 385000, ""], None),
    ],
    first_row=6,
)


def write_26(path):
    top = [
        ["DÉPARTEMENT DE LA DRÔME"],
        ["Direction des territoires — Programmation 2024 du CRTE du Diois"],
        ["Montants en euros HT ; taux appliqués au montant éligible"],
    ]
    merges = ["A1:N1", "A2:N2", "A3:N3", "E4:G4", "H4:J4", "K4:M4"] + [f"{c}4:{c}5" for c in "ABCDN"]
    write_xlsx(path, [("Programmation", top + head_26 + rows_26, merges)])


table_file(
    "26-diois-programmation-departement.xlsx",
    "xlsx",
    "a Département's programming sheet: merged title rows, a header on two rows with « Montant éligible » / "
    "« Taux » / « Aide » under each financer (the eligible base below the cost once), communes as « Die, Romeyer »",
    DIOIS,
    truth_26,
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Coût HT",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
        "communes": "Commune(s)",
    },
    write_26,
)

# 2. Indre-et-Loire: a Word contract, annex table with « N° », communes as a comma list,
# amounts in « k€ HT » with decimals, the State's scheme in brackets, an « Autres » column ---

TVI = "200072650"
cctvi = Body("CC Touraine Vallée de l'Indre", TVI)
esvres, azay = Body("Esvres", "213701048"), Body("Azay-le-Rideau", "213700149")
CVL, CD37 = "Région Centre-Val de Loire", "Département d'Indre-et-Loire"
rows_37 = [
    [
        "N°",
        "Action",
        "Porteur",
        "Communes concernées",
        "Coût (k€ HT)",
        "État",
        "Région",
        "Département",
        "Autres",
        "Échéance",
    ],
    [
        "1",
        "Aménagement de la voie verte de la vallée de l'Indre (tronçon Monts – Montbazon)",
        "CCTVI",
        "Monts, Montbazon, Veigné",
        "1 480",
        "592 (DSIL)",
        "296",
        "148",
        "",
        "2024-2026",
    ],
    [
        "2",
        "Rénovation énergétique de la salle des fêtes d'Esvres",
        "Commune d'Esvres",
        "Esvres",
        "685,5",
        "205,65 (DETR)",
        "",
        "102,8",
        "",
        "2024",
    ],
    [
        "3",
        "Réseau de chaleur bois d'Azay-le-Rideau",
        "Commune d'Azay-le-Rideau",
        "Azay-le-Rideau",
        "2 100",
        "420 (Fonds vert)",
        "315",
        "",
        "ADEME (Fonds chaleur) : 630",
        "2025-2027",
    ],
    [
        "4",
        "Désimperméabilisation des cours d'école de Sorigny et Saint-Branchs",
        "CCTVI",
        "Sorigny, Saint-Branchs",
        "360",
        "144 (Fonds vert)",
        "",
        "",
        "Agence de l'eau Loire-Bretagne : 108",
        "2024-2025",
    ],
    ["", "Total", "", "", "4 625,5", "1 361,65", "611", "250,8", "738", ""],
]
truth_37 = [
    A(
        "Aménagement de la voie verte de la vallée de l'Indre (tronçon Monts – Montbazon)",
        [cctvi],
        1480000,
        [
            L(ETAT, 592000, scheme="DSIL", column="État"),
            L(CVL, 296000, column="Région"),
            L(CD37, 148000, column="Département"),
        ],
        2024,
        2026,
        ["37159", "37154", "37266"],
    ),
    A(
        "Rénovation énergétique de la salle des fêtes d'Esvres",
        [esvres],
        685500,
        [L(ETAT, 205650, scheme="DETR", column="État"), L(CD37, 102800, column="Département")],
        2024,
        None,
        ["37104"],
    ),
    A(
        "Réseau de chaleur bois d'Azay-le-Rideau",
        [azay],
        2100000,
        [
            L(ETAT, 420000, scheme="Fonds vert", column="État"),
            L(CVL, 315000, column="Région"),
            L("Agence de la transition écologique", 630000, scheme="Fonds chaleur", column="Autres"),
        ],
        2025,
        2027,
        ["37014"],
    ),
    A(
        "Désimperméabilisation des cours d'école de Sorigny et Saint-Branchs",
        [cctvi],
        360000,
        [
            L(ETAT, 144000, scheme="Fonds vert", column="État"),
            L("Agence de l'eau Loire-Bretagne", 108000, column="Autres"),
        ],
        2024,
        2025,
        ["37250", "37211"],
    ),
]
blocks_37 = [
    ("title", "Contrat pour la réussite de la transition écologique"),
    ("p", "Communauté de communes Touraine Vallée de l'Indre (CCTVI)"),
    (
        "p",
        "Entre l'État, représenté par la Préfète d'Indre-et-Loire, et la Communauté de communes Touraine Vallée de l'Indre, représentée par son Président,",
    ),
    ("h1", "1. Objet et durée"),
    (
        "p",
        "Le présent contrat fixe les orientations de la transition écologique du territoire des 22 communes de la CCTVI. Il couvre la période 2023-2026.",
    ),
    ("h1", "2. Engagements des partenaires"),
    (
        "p",
        "La Région Centre-Val de Loire et le Département d'Indre-et-Loire s'associent au contrat au titre de leurs politiques contractuelles.",
    ),
    ("p", "Fait à Sorigny, le 6 octobre 2023"),
    ("h1", "Annexe 2 — Programme d'actions (montants en k€ HT)"),
    ("table", rows_37),
    ("p", "Les montants sont prévisionnels et exprimés en milliers d'euros hors taxes."),
]
document_file(
    "37-touraine-vallee-indre-annexe.docx",
    "docx",
    "Word contract with « 1. » sections, the annex a table with a « N° » column, communes as a comma list, amounts in "
    "« k€ HT » said in the heading and the title (« 685,5 »), the State's scheme in brackets, an « Autres » column "
    "(« ADEME (Fonds chaleur) : 630 »)",
    contract("Contrat pour la réussite de la transition écologique", TVI, "2023-10-06", 2023, 2026),
    truth_37,
    lambda path: write_docx(path, blocks_37),
    {
        "title": "Action",
        "owners": "Porteur",
        "amount": "Coût (k€ HT)",
        "start_year": "Échéance",
        "communes": "Communes concernées",
    },
)

# 3. Vosges: ODS with one sheet per programming year; the year is only the sheet's name -------

STDIE = "200071066"
casd = Body("CA de Saint-Dié-des-Vosges", STDIE)
raon, stdie_c = Body("Raon-l'Étape", "218803724"), Body("Saint-Dié-des-Vosges", "218804136")
fraize, senones = Body("Fraize", "218801819"), Body("Senones", "218804516")
GE, CD88, AERM = "Région Grand Est", "Département des Vosges", "Agence de l'eau Rhin-Meuse"
HEAD_88 = [
    "Projet",
    "Porteur",
    "Dépense subventionnable",
    "Etat",
    "Dispositif Etat",
    "Région Grand Est",
    "CD 88",
    "Agence de l'eau",
    "Reste à charge",
]


def lines_88(owner, etat, scheme, region, cd, agence, rest):
    out = []
    if etat:
        out.append(L(ETAT, etat, scheme=scheme, column="Etat"))
    if region:
        out.append(L(GE, region, column="Région Grand Est"))
    if cd:
        out.append(L(CD88, cd, column="CD 88"))
    if agence:
        out.append(L(AERM, agence, column="Agence de l'eau"))
    if rest:
        out.append(own(owner, rest, column="Reste à charge"))
    return out


def sheet_88(year: int, items: list[tuple]) -> tuple[list[list], list[dict]]:
    pairs = [([f"Programmation CRTE — exercice {year}"], None), (HEAD_88, None)]
    for title, owner, label, cost, etat, scheme, region, cd, agence, rest in items:
        cells = [title, label, cost, etat or "", scheme, region or "", cd or "", agence or "", rest or ""]
        truth = A(title, [owner], cost, lines_88(owner, etat, scheme, region, cd, agence, rest), year)
        truth["sheet"] = str(year)
        pairs.append((cells, truth))
    return with_rows(pairs, first_row=1)


sheets_88 = {
    2024: sheet_88(
        2024,
        [
            (
                "Restauration de la continuité écologique de la Fave",
                casd,
                "Agglomération de Saint-Dié-des-Vosges",
                540000,
                108000,
                "Fonds vert",
                None,
                None,
                324000,
                108000,
            ),
            (
                "Rénovation de l'éclairage public de Raon-l'Étape",
                raon,
                "Ville de Raon-l'Étape",
                380000,
                152000,
                "DETR",
                38000,
                38000,
                None,
                152000,
            ),
        ],
    ),
    2025: sheet_88(
        2025,
        [
            (
                "Extension du réseau de chaleur urbain",
                stdie_c,
                "Ville de Saint-Dié-des-Vosges",
                2600000,
                520000,
                "DSIL",
                390000,
                None,
                None,
                1690000,
            ),
            (
                "Aménagement d'une aire de covoiturage à Fraize",
                fraize,
                "Commune de Fraize",
                150000,
                60000,
                "Fonds vert",
                None,
                30000,
                None,
                60000,
            ),
        ],
    ),
    2026: sheet_88(
        2026,
        [
            (
                "Renaturation de la cour de l'école de Senones",
                senones,
                "Commune de Senones",
                220000,
                88000,
                "Fonds vert",
                None,
                None,
                66000,
                66000,
            ),
        ],
    ),
}
table_file(
    "88-saint-die-une-feuille-par-annee.ods",
    "ods",
    "OpenDocument sheet with one tab per programming year (« 2024 », « 2025 », « 2026 »): the start year is only the "
    "tab's name; a title row above the header, « Dépense subventionnable », « Dispositif Etat » beside « Etat », "
    "« CD 88 », « Agence de l'eau » without its basin",
    STDIE,
    [truth for _, truths in sheets_88.values() for truth in truths],
    {"title": "Projet", "owners": "Porteur", "amount": "Dépense subventionnable"},
    lambda path: write_ods(path, [(str(year), rows, {}) for year, (rows, _) in sheets_88.items()]),
)

# 4. Vendée: a grants tool's export, English snake_case, one row per grant, ISO dates ----------

STGILLES = "200023778"
cast = Body("CA du Pays de Saint-Gilles-Croix-de-Vie", STGILLES)
brem, commequiers = Body("Brem-sur-Mer", "218502433"), Body("Commequiers", "218500718")
HEAD_85 = [
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
    "status",
]
TRAIT = "Fonds vert : Accompagnement pour l’adaptation des territoires littoraux au recul du trait de côte"
RENAT = "Fonds vert : Renaturation des villes et des villages"
projects_85 = [
    (
        "Piste cyclable Saint-Hilaire-de-Riez - Saint-Gilles-Croix-de-Vie",
        cast,
        "CA DU PAYS DE SAINT GILLES CROIX DE VIE",
        "20002377800019",
        "1250000.00",
        ("2024-03-01", "2025-12-31"),
        [
            ("G-2024-0112", "375000.00", "30.0", "DSIL", "ETAT", L(ETAT, 375000, "0.3", scheme="DSIL")),
            (
                "G-2024-0113",
                "250000.00",
                "20.0",
                "Mobilités durables",
                "REGION PAYS DE LA LOIRE",
                L("Région Pays de la Loire", 250000, "0.2"),
            ),
        ],
    ),
    (
        "Rénovation énergétique du complexe sportif de Brem-sur-Mer",
        brem,
        "COMMUNE DE BREM SUR MER",
        "21850243300013",
        "820000.00",
        ("2024-09-01", "2025-06-30"),
        [
            ("G-2024-0131", "246000.00", "30.0", "DETR", "ETAT", L(ETAT, 246000, "0.3", scheme="DETR")),
            (
                "G-2024-0132",
                "164000.00",
                "20.0",
                "Contrat Vendée Territoires",
                "DEPARTEMENT DE LA VENDEE",
                L("Département de la Vendée", 164000, "0.2"),
            ),
        ],
    ),
    (
        "Renaturation des berges de la Vie à Commequiers",
        commequiers,
        "COMMUNE DE COMMEQUIERS",
        "21850071800016",
        "310000.00",
        ("2025-01-15", "2025-10-31"),
        [
            (
                "G-2024-0150",
                "124000.00",
                "40.0",
                "FONDS VERT - RENATURATION DES VILLES ET VILLAGES",
                "ETAT",
                L(ETAT, 124000, "0.4", scheme=RENAT),
            ),
            (
                "G-2024-0151",
                "93000.00",
                "30.0",
                "Programme d'intervention",
                "AGENCE DE L'EAU LOIRE-BRETAGNE",
                L("Agence de l'eau Loire-Bretagne", 93000, "0.3"),
            ),
        ],
    ),
    (
        "Étude de vulnérabilité du littoral au recul du trait de côte",
        cast,
        "CA DU PAYS DE SAINT GILLES CROIX DE VIE",
        "20002377800019",
        "180000.00",
        ("2024-06-01", "2025-05-31"),
        [
            (
                "G-2024-0177",
                "144000.00",
                "80.0",
                "FONDS VERT - RECUL DU TRAIT DE COTE",
                "ETAT",
                L(ETAT, 144000, "0.8", scheme=TRAIT),
            )
        ],
    ),
]
rows_85, truth_85 = [HEAD_85], []
for title, owner, name, siret, cost, (start, end), grants in projects_85:
    first = len(rows_85) + 1
    lines = []
    for grant_id, amount, rate, program, funder, line in grants:
        rows_85.append(
            [grant_id, title, name, siret, cost, amount, rate, program, funder, start, end, "accordé"]
        )
        line["column"] = "grant_amount"
        lines.append(line)
    truth = A(title, [owner], cost, lines, int(start[:4]), int(end[:4]))
    truth["row"], truth["rows"] = first, list(range(first, len(rows_85) + 1))
    truth_85.append(truth)
table_file(
    "85-saint-gilles-export-subventions.csv",
    "csv",
    "a grants tool's CSV export: English snake_case titles (« project_name », « applicant_siret », « total_cost », "
    "« grant_amount », « grant_rate » as « 30.0 », « funding_program », « funder » in capitals), one row per grant (a "
    "project on two rows), ISO dates, decimal point, « , »",
    STGILLES,
    truth_85,
    {
        "title": "project_name",
        "owners": "applicant_name",
        "amount": "total_cost",
        "start_year": "start_date",
        "end_year": "end_date",
    },
    lambda path: write_csv(path, rows_85, delimiter=",", encoding="utf-8"),
)

# 5. Haute-Corse: a PDF contract whose actions are numbered paragraphs, the financing in
# sentences (« financé à 40 % par l'État au titre de la DSIL … le solde restant à la charge ») --

CALVI = "242020105"
cccb = Body("CC de Calvi Balagne", CALVI)
calenzana, calvi = Body("Calenzana", "212000491"), Body("Calvi", "212000509")
CORSE, AERMC = "Collectivité de Corse", "Agence de l'eau Rhône Méditerranée Corse"
conservatoire = Body("Conservatoire du littoral")
paragraphs_2b = [
    (
        "3.1. Sécurisation de l'alimentation en eau potable de Calenzana. La commune de Calenzana porte le "
        "remplacement de 4,2 km de conduites, pour un coût estimé à 1 850 000 € HT. L'opération est financée à "
        "40 % par l'État au titre de la DSIL, à 30 % par la Collectivité de Corse et à 10 % par l'Agence de l'eau "
        "Rhône Méditerranée Corse, le solde restant à la charge de la commune. Les travaux sont programmés de 2024 "
        "à 2026.",
        A(
            "Sécurisation de l'alimentation en eau potable de Calenzana",
            [calenzana],
            1850000,
            [
                L(ETAT, rate="0.4", scheme="DSIL"),
                L(CORSE, rate="0.3"),
                L(AERMC, rate="0.1"),
                own(calenzana, rate="0.2"),
            ],
            2024,
            2026,
        ),
    ),
    (
        "3.2. Création d'un pôle d'échanges multimodal à la gare de Calvi. Maître d'ouvrage : commune de Calvi. "
        "Montant : 2,6 millions d'euros HT, financé à hauteur de 780 000 € par l'État (Fonds vert), 1 040 000 € par "
        "la Collectivité de Corse et 260 000 € par le FEDER, la commune assurant le reste (520 000 €). "
        "Réalisation : 2025-2027.",
        A(
            "Création d'un pôle d'échanges multimodal à la gare de Calvi",
            [calvi],
            2600000,
            [
                L(ETAT, 780000, scheme="Fonds vert"),
                L(CORSE, 1040000),
                L("Fonds européen de développement régional", 260000),
                own(calvi, 520000),
            ],
            2025,
            2027,
        ),
    ),
    (
        "3.3. Rénovation énergétique des bâtiments communautaires. La Communauté de communes de Calvi Balagne "
        "rénovera son siège et la déchetterie de Lumio (480 000 € HT), avec le concours de l'État (DETR, 35 %) et de "
        "l'Office de l'environnement de la Corse (15 %). Démarrage prévu en 2024.",
        A(
            "Rénovation énergétique des bâtiments communautaires",
            [cccb],
            480000,
            [L(ETAT, rate="0.35", scheme="DETR"), L("Office de l'environnement de la Corse", rate="0.15")],
            2024,
        ),
    ),
    (
        "3.4. Aménagement d'un sentier du littoral entre Algajola et Lumio. Porteur : Conservatoire du littoral, en "
        "partenariat avec les communes. Coût : 340 000 € HT, dont 50 % à la charge du Conservatoire, 30 % de la "
        "Collectivité de Corse et 20 % de l'Office français de la biodiversité. Calendrier : 2025.",
        A(
            "Aménagement d'un sentier du littoral entre Algajola et Lumio",
            [conservatoire],
            340000,
            [
                own(conservatoire, rate="0.5"),
                L(CORSE, rate="0.3"),
                L("Office français de la biodiversité", rate="0.2"),
            ],
            2025,
        ),
    ),
]
blocks_2b = [
    ("b", "PRÉFET DE LA HAUTE-CORSE"),
    ("title", "Contrat pour la réussite de la transition écologique"),
    ("p", "Communauté de communes de Calvi Balagne"),
    (
        "p",
        "Entre l'État, représenté par le Préfet de la Haute-Corse, et la Communauté de communes de Calvi Balagne, représentée par son Président, il est convenu ce qui suit.",
    ),
    ("h2", "Titre I – Objet"),
    (
        "p",
        "1.1. Le présent contrat engage les quatorze communes de la Balagne dans la transition écologique pour la période 2023-2026.",
    ),
    (
        "p",
        "1.2. L'État mobilise en 2024 une enveloppe indicative de 3,2 M€ au titre du Fonds vert pour l'ensemble de la Haute-Corse ; cette enveloppe n'est pas propre au contrat.",
    ),
    ("h2", "Titre II – Gouvernance"),
    ("p", "2.1. Un comité de pilotage réunit chaque année les signataires et les financeurs."),
    ("h2", "Titre III – Le programme d'actions"),
    *[("p", text) for text, _ in paragraphs_2b],
    ("p", "Fait à Calvi, le 12 décembre 2023"),
]
document_file(
    "2B-calvi-balagne-paragraphes.pdf",
    "pdf",
    "portrait PDF contract in « Titre I – » sections whose actions are numbered paragraphs (« 3.1. Title. ») with "
    "owner, cost, financing and years in sentences (« financé à 40 % par l'État au titre de la DSIL … le solde restant "
    "à la charge de la commune »), an unrelated envelope figure in the preamble",
    contract("Contrat pour la réussite de la transition écologique", CALVI, "2023-12-12", 2023, 2026),
    [truth for _, truth in paragraphs_2b],
    lambda path: write_pdf(path, blocks_2b, landscape=False),
)

# 6. Landes: a Markdown contract with a grid table (« +----+ »), multi-line cells -------------

MACS = "244000865"
macs = Body("CC Maremne Adour Côte Sud", MACS)
seignosse, hossegor = Body("Seignosse", "214002966"), Body("Soorts-Hossegor", "214003048")
NA, CD40, AEAG = "Région Nouvelle-Aquitaine", "Département des Landes", "Agence de l'eau Adour-Garonne"
items_40 = [
    (
        "1",
        "Rechargement en sable et confortement du littoral de Capbreton et Labenne",
        "MACS",
        "3 400 000 €",
        [
            "État (Fonds vert) : 1 020 000 €",
            "Région Nouvelle-Aquitaine : 680 000 €",
            "Département des Landes : 340 000 €",
            "MACS : 1 360 000 €",
        ],
        "2024-2026",
        A(
            "Rechargement en sable et confortement du littoral de Capbreton et Labenne",
            [macs],
            3400000,
            [L(ETAT, 1020000, scheme="Fonds vert"), L(NA, 680000), L(CD40, 340000), own(macs, 1360000)],
            2024,
            2026,
        ),
    ),
    (
        "2",
        "Création d'une vélo-route entre Soustons et Saint-Vincent-de-Tyrosse",
        "MACS",
        "2 150 000 €",
        ["DSIL : 430 000 €", "Région : 322 500 €", "Département : 215 000 €"],
        "2025-2027",
        A(
            "Création d'une vélo-route entre Soustons et Saint-Vincent-de-Tyrosse",
            [macs],
            2150000,
            [L(ETAT, 430000, scheme="DSIL"), L(NA, 322500), L(CD40, 215000)],
            2025,
            2027,
        ),
    ),
    (
        "3",
        "Rénovation énergétique du groupe scolaire de Seignosse",
        "Commune de Seignosse",
        "1 280 000 €",
        ["DETR 25 %", "Département des Landes 15 %", "Autofinancement 60 %"],
        "2024",
        A(
            "Rénovation énergétique du groupe scolaire de Seignosse",
            [seignosse],
            1280000,
            [L(ETAT, rate="0.25", scheme="DETR"), L(CD40, rate="0.15"), own(seignosse, rate="0.6")],
            2024,
        ),
    ),
    (
        "4",
        "Programme de reconquête de la qualité de l'eau du lac d'Hossegor",
        "Commune de Soorts-Hossegor",
        "560 000 €",
        ["Agence de l'eau Adour-Garonne : 280 000 €", "État (DETR) : 112 000 €"],
        "2025-2026",
        A(
            "Programme de reconquête de la qualité de l'eau du lac d'Hossegor",
            [hossegor],
            560000,
            [L(AEAG, 280000), L(ETAT, 112000, scheme="DETR")],
            2025,
            2026,
        ),
    ),
]


def grid_table(header: list[str], rows: list[list[list[str]]], widths: list[int]) -> str:
    """A pandoc grid table: each cell a list of lines, wrapped to its column's width."""
    import textwrap

    def rule(char: str) -> str:
        return "+" + "+".join(char * (w + 2) for w in widths) + "+"

    def block(cells: list[list[str]]) -> list[str]:
        wrapped = [
            [part for line in cell for part in (textwrap.wrap(line, w, break_on_hyphens=False) or [""])]
            for cell, w in zip(cells, widths, strict=True)
        ]
        height = max(len(c) for c in wrapped)
        return [
            "| "
            + " | ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(wrapped, widths, strict=True))
            + " |"
            for i in range(height)
        ]

    out = [rule("-"), *block([[h] for h in header]), rule("=")]
    for row in rows:
        out += [*block(row), rule("-")]
    return "\n".join(out)


text_40 = (
    """# Contrat pour la réussite de la transition écologique

**Communauté de communes Maremne Adour Côte-Sud (MACS)** — 23 communes, Landes

- Signature : 04/07/2023
- Période : 2023 – 2026
- Signataires : l'État, représenté par la Préfète des Landes ; MACS, représentée par son Président

## Préambule

Le territoire de MACS, entre océan et forêt, est exposé à l'érosion côtière et à la pression touristique.
Le contrat rassemble les actions des communes et de l'intercommunalité.

## Programme d'actions

"""
    + grid_table(
        ["N°", "Action", "Maître d'ouvrage", "Coût HT", "Financements", "Années"],
        [[[n], [t], [o], [c], f, [y]] for n, t, o, c, f, y, _ in items_40],
        [3, 34, 18, 12, 42, 9],
    )
    + "\n\n*Montants prévisionnels, sous réserve des décisions des financeurs.*\n"
)
document_file(
    "40-macs-tableau-grille.md",
    "md",
    "Markdown contract with a pandoc grid table (« +----+ », « +====+ »): titles wrapped over several lines of a "
    "cell, one financer per line inside the cell (« État (Fonds vert) : 1 020 000 € », « DETR 25 % »), signature "
    "and period as a bullet list",
    contract("Contrat pour la réussite de la transition écologique", MACS, "2023-07-04", 2023, 2026),
    [truth for *_, truth in items_40],
    lambda path: path.write_text(text_40, encoding="utf-8"),
)

# 7. Cantal: a plain-text contract whose fiches are separated by « ===== » rules, labels in
# capitals with dot leaders, « 2024 > 2026 » -----------------------------------------------------

AURILLAC = "241500230"
caba = Body("CA du Bassin d'Aurillac", AURILLAC)
arpajon, aurillac = Body("Arpajon-sur-Cère", "211500129"), Body("Aurillac", "211500145")
CD15 = "Département du Cantal"
RULE = "=" * 66


def leader(label: str, value: str, width: int = 34) -> str:
    return f"   - {label} {'.' * max(3, width - len(label))} {value}"


fiches_15 = [
    (
        "Création d'un réseau de chaleur bois-énergie à Arpajon-sur-Cère",
        "Commune d'Arpajon-sur-Cère",
        "Substituer le bois local au fioul pour les bâtiments communaux et 120 logements.",
        "2 450 000 € HT",
        [
            ("ADEME / Fonds chaleur", "735 000 €"),
            ("État / DETR", "367 500 €"),
            ("Région AURA", "245 000 €"),
            ("Autofinancement", "1 102 500 €"),
        ],
        "2024 > 2025",
        A(
            "Création d'un réseau de chaleur bois-énergie à Arpajon-sur-Cère",
            [arpajon],
            2450000,
            [
                L("Agence de la transition écologique", 735000, scheme="Fonds chaleur"),
                L(ETAT, 367500, scheme="DETR"),
                L(AURA, 245000),
                own(arpajon, 1102500),
            ],
            2024,
            2025,
        ),
    ),
    (
        "Transformation d'une friche industrielle en tiers-lieu à Aurillac",
        "Ville d'Aurillac",
        "Accueillir un espace de travail partagé, un atelier de réparation et une ressourcerie.",
        "1 960 000 € HT",
        [
            ("État / DSIL", "490 000 €"),
            ("Région AURA", "392 000 €"),
            ("Département du Cantal", "196 000 €"),
            ("Ville d'Aurillac", "882 000 €"),
        ],
        "2024 > 2026",
        A(
            "Transformation d'une friche industrielle en tiers-lieu à Aurillac",
            [aurillac],
            1960000,
            [L(ETAT, 490000, scheme="DSIL"), L(AURA, 392000), L(CD15, 196000), own(aurillac, 882000)],
            2024,
            2026,
        ),
    ),
    (
        "Schéma directeur des mobilités actives du Bassin d'Aurillac",
        "CABA",
        "Définir le réseau cyclable structurant des 25 communes.",
        "85 000 € HT",
        [("ADEME", "50 %"), ("Autofinancement", "50 %")],
        "2024",
        A(
            "Schéma directeur des mobilités actives du Bassin d'Aurillac",
            [caba],
            85000,
            [L("Agence de la transition écologique", rate="0.5"), own(caba, rate="0.5")],
            2024,
        ),
    ),
    (
        "Restauration des zones humides de la vallée de l'Authre",
        "CABA",
        "Restaurer 40 ha de prairies humides et de tourbières en tête de bassin.",
        "420 000 € HT",
        [
            ("Agence de l'eau Adour-Garonne", "210 000 € (50 %)"),
            ("Département du Cantal", "84 000 € (20 %)"),
            ("CABA", "126 000 € (30 %)"),
        ],
        "2025 > 2027",
        A(
            "Restauration des zones humides de la vallée de l'Authre",
            [caba],
            420000,
            [L(AEAG, 210000, "0.5"), L(CD15, 84000, "0.2"), own(caba, 126000, "0.3")],
            2025,
            2027,
        ),
    ),
]


def fiche_15(number: int, fiche: tuple) -> str:
    title, porteur, objectif, budget, lines, period, _ = fiche
    return "\n".join(
        [
            RULE,
            f"FICHE ACTION N° {number}",
            RULE,
            f"INTITULÉ ........... {title}",
            f"PORTEUR ............ {porteur}",
            f"OBJECTIF ........... {objectif}",
            f"BUDGET ............. {budget}",
            "FINANCEMENTS SOLLICITÉS",
            *[leader(label, value) for label, value in lines],
            f"PÉRIODE ............ {period}",
        ]
    )


text_15 = (
    """CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE
Communauté d'agglomération du Bassin d'Aurillac (CABA)

Le présent contrat, conclu entre l'État et la CABA pour la période 2023 - 2026, décline le projet de
territoire en fiches actions. Chaque fiche précise le porteur, le budget et les financements sollicités.

Signé à Aurillac, le 21 juin 2023.

"""
    + "\n\n".join(fiche_15(n, f) for n, f in enumerate(fiches_15, start=1))
    + "\n"
    + RULE
    + "\n"
)
document_file(
    "15-aurillac-fiches-separateurs.txt",
    "txt",
    "plain-text contract whose fiches are framed by « ===== » rules and a « FICHE ACTION N° n » banner, labels in "
    "capitals with dot leaders (« BUDGET ............. »), financing as an indented list (« - État / DSIL .... 490 000 € "
    "», « 210 000 € (50 %) »), « PÉRIODE ... 2024 > 2026 », acronyms (CABA, Région AURA)",
    contract("Contrat pour la réussite de la transition écologique", AURILLAC, "2023-06-21", 2023, 2026),
    [f[-1] for f in fiches_15],
    lambda path: path.write_text(text_15, encoding="utf-8"),
)

# 8. Moselle: XLSX whose owner column holds « Commune de X (SIRET …) », dates typed as dates ---

BITCHE = "200069441"
ccpb = Body("CC du Pays de Bitche", BITCHE)
bitche, rohrbach = Body("Bitche", "215700899"), Body("Rohrbach-lès-Bitche", "215705898")
schwalb = Body("SIE de la Schwalb", "255702215")
CD57 = "Département de la Moselle"
HEAD_57 = [
    "Porteur du projet",
    "Libellé",
    "Coût total € HT",
    "Etat",
    "Dispositif",
    "Région",
    "Département",
    "Agence de l'eau Rhin-Meuse",
    "Part du porteur",
    "Date prévisionnelle de démarrage",
    "Date de fin",
]


def row_57(porteur, owner, title, cost, etat, scheme, region, cd, aerm, rest, start, end):
    cells = [
        porteur,
        title,
        cost,
        etat or "",
        scheme,
        region or "",
        cd or "",
        aerm or "",
        rest,
        datetime(*start),
        datetime(*end),
    ]
    lines = [L(ETAT, etat, scheme=scheme, column="Etat")]
    if region:
        lines.append(L(GE, region, column="Région"))
    if cd:
        lines.append(L(CD57, cd, column="Département"))
    if aerm:
        lines.append(L(AERM, aerm, column="Agence de l'eau Rhin-Meuse"))
    lines.append(own(owner, rest, column="Part du porteur"))
    return cells, A(title, [owner], cost, lines, start[0], end[0])


rows_57, truth_57 = with_rows(
    [
        (HEAD_57, None),
        row_57(
            "Commune de Bitche (SIRET 215 700 899 00017)",
            bitche,
            "Réhabilitation thermique de la salle polyvalente",
            735000,
            220500,
            "DETR",
            73500,
            110250,
            None,
            330750,
            (2024, 9, 1),
            (2025, 6, 30),
        ),
        row_57(
            "Commune de Rohrbach-lès-Bitche (SIRET 21570589800012)",
            rohrbach,
            "Mise en séparatif du réseau d'assainissement du centre",
            1240000,
            248000,
            "DETR",
            None,
            124000,
            496000,
            372000,
            (2025, 3, 1),
            (2026, 10, 31),
        ),
        row_57(
            "Communauté de communes du Pays de Bitche (SIRET 200 069 441 00015)",
            ccpb,
            "Aménagement de la véloroute du Pays de Bitche (section Bitche – Baerenthal)",
            2800000,
            840000,
            "Fonds vert",
            560000,
            420000,
            None,
            980000,
            (2025, 4, 1),
            (2027, 12, 31),
        ),
        row_57(
            "SIE de la Schwalb (SIRET 25570221500010)",
            schwalb,
            "Sécurisation de l'alimentation en eau potable de Volmunster et Bettviller",
            960000,
            192000,
            "DSIL",
            None,
            96000,
            384000,
            288000,
            (2024, 5, 15),
            (2025, 12, 31),
        ),
    ],
    first_row=2,
)
table_file(
    "57-bitche-porteurs-siret.xlsx",
    "xlsx",
    "XLSX whose owner column holds the name and SIRET (« Commune de Bitche (SIRET 215 700 899 00017) », a syndicate "
    "unknown to the reference), a « Dispositif » column beside « Etat », start and end typed as Excel dates",
    BITCHE,
    truth_57,
    {
        "title": "Libellé",
        "owners": "Porteur du projet",
        "amount": "Coût total € HT",
        "start_year": "Date prévisionnelle de démarrage",
        "end_year": "Date de fin",
    },
    lambda path: write_xlsx(
        path, [("CRTE", [["CRTE Pays de Bitche — tableau des projets (mise à jour 02/2024)"], *rows_57], [])]
    ),
)

# 9. Côte-d'Or: CSV in Latin-1 with « Année N / N+1 / N+2 » spending columns (not financing),
# N said only in the title line ---------------------------------------------------------------

CHATILLON = "242101434"
ccpc = Body("CC du Pays Châtillonnais", CHATILLON)
laignes, colombe, recey = (
    Body("Laignes", "212103360"),
    Body("Sainte-Colombe-sur-Seine", "212105456"),
    Body("Recey-sur-Ource", "212105191"),
)
BFC, CD21, AESN = (
    "Région Bourgogne-Franche-Comté",
    "Département de la Côte-d'Or",
    "Agence de l'eau Seine-Normandie",
)
HEAD_21 = [
    "Intitulé de l'opération",
    "Maître d'ouvrage",
    "Montant total HT",
    "Année N",
    "Année N+1",
    "Année N+2",
    "DETR / DSIL",
    "Conseil régional Bourgogne-Franche-Comté",
    "Conseil départemental 21",
    "Agence de l'eau Seine-Normandie",
    "Autofinancement",
]


def row_21(title, label, owner, cost, spend, etat, scheme, region, cd, aesn, rest):
    fmt = lambda v: f"{v:,}".replace(",", " ") if v else ""  # noqa: E731
    cells = [
        title,
        label,
        fmt(cost),
        *[fmt(v) for v in spend],
        f"{fmt(etat)} ({scheme})" if etat else "",
        fmt(region),
        fmt(cd),
        fmt(aesn),
        fmt(rest),
    ]
    lines = []
    if etat:
        lines.append(L(ETAT, etat, scheme=scheme, column="DETR / DSIL"))
    for funder, value, column in (
        (BFC, region, HEAD_21[7]),
        (CD21, cd, HEAD_21[8]),
        (AESN, aesn, HEAD_21[9]),
    ):
        if value:
            lines.append(L(funder, value, column=column))
    lines.append(own(owner, rest, column="Autofinancement"))
    years = [2025 + i for i, v in enumerate(spend) if v]
    end = years[-1] if len(years) > 1 else None
    return cells, A(title, [owner], cost, lines, years[0], end)


rows_21, truth_21 = with_rows(
    [
        (["CRTE du Pays Châtillonnais - échéancier prévisionnel des dépenses (N = 2025)"], None),
        ([], None),
        (HEAD_21, None),
        row_21(
            "Rénovation énergétique de la piscine intercommunale de Châtillon-sur-Seine",
            "CC du Pays Châtillonnais",
            ccpc,
            3200000,
            (800000, 1600000, 800000),
            960000,
            "DSIL",
            640000,
            320000,
            None,
            1280000,
        ),
        row_21(
            "Installation de panneaux photovoltaïques sur les ateliers municipaux",
            "Commune de Laignes",
            laignes,
            186000,
            (186000, None, None),
            55800,
            "DETR",
            37200,
            None,
            None,
            93000,
        ),
        row_21(
            "Restauration de la continuité écologique de la Seine",
            "Commune de Sainte-Colombe-sur-Seine",
            colombe,
            275000,
            (None, 150000, 125000),
            None,
            "",
            None,
            27500,
            192500,
            55000,
        ),
        row_21(
            "Création d'une maison France Services",
            "Commune de Recey-sur-Ource",
            recey,
            420000,
            (120000, 300000, None),
            126000,
            "DETR",
            84000,
            42000,
            None,
            168000,
        ),
        (
            [
                "TOTAL",
                "",
                "4 081 000",
                "1 106 000",
                "2 050 000",
                "925 000",
                "1 141 800",
                "761 200",
                "389 500",
                "192 500",
                "1 596 000",
            ],
            None,
        ),
    ],
    first_row=1,
)
table_file(
    "21-chatillonnais-echeancier-latin1.csv",
    "csv",
    "CSV in ISO-8859-1 with « ; », a title line saying « N = 2025 » above the header, spending columns « Année N / "
    "N+1 / N+2 » (amounts that are not financing; the calendar is read from them), « 960 000 (DSIL) » in a « DETR / "
    "DSIL » column, « Conseil départemental 21 », a TOTAL line",
    CHATILLON,
    truth_21,
    {
        "title": "Intitulé de l'opération",
        "owners": "Maître d'ouvrage",
        "amount": "Montant total HT",
        "start_year": "Année N",
        "end_year": "Année N+2",
    },
    lambda path: write_csv(path, rows_21, delimiter=";", encoding="iso-8859-1"),
)

# 10. Bouches-du-Rhône: Excel's « Texte Unicode » export (UTF-16 with a BOM, tabs), « Région
# Sud », figures with narrow no-break spaces -----------------------------------------------------

TDP = "200035087"
catp = Body("CA Terre de Provence", TDP)
noves, rognonas = Body("Noves", "211300660"), Body("Rognonas", "211300835")
PACA, CD13 = "Région Provence-Alpes-Côte d'Azur", "Département des Bouches-du-Rhône"
HEAD_13 = [
    "Thématique",
    "Nom du projet",
    "Structure porteuse",
    "Coût prévisionnel",
    "Subvention Etat",
    "Nature aide Etat",
    "Subvention Région Sud",
    "Subvention CD13",
    "Autres financements",
    "Autofinancement",
    "Début",
    "Fin",
]
NNBSP = "\u202f"


def eur13(value) -> str:
    return f"{value:,}".replace(",", NNBSP) + "\u00a0€" if value else ""


def row_13(theme, title, label, owner, cost, etat, scheme, region, cd, other, rest, start, end):
    cells = [
        theme,
        title,
        label,
        eur13(cost),
        eur13(etat),
        scheme,
        eur13(region),
        eur13(cd),
        other[0] if other else "",
        eur13(rest),
        str(start),
        str(end),
    ]
    lines = []
    if etat:
        lines.append(L(ETAT, etat, scheme=scheme, column="Subvention Etat"))
    if region:
        lines.append(L(PACA, region, column="Subvention Région Sud"))
    if cd:
        lines.append(L(CD13, cd, column="Subvention CD13"))
    if other:
        lines.append(L(other[1], other[2], column="Autres financements"))
    lines.append(own(owner, rest, column="Autofinancement"))
    return cells, A(title, [owner], cost, lines, start, end)


rows_13, truth_13 = with_rows(
    [
        (HEAD_13, None),
        row_13(
            "Alimentation",
            "Création d'une légumerie pour la restauration collective",
            "CA Terre de Provence",
            catp,
            1150000,
            345000,
            "Fonds vert",
            230000,
            345000,
            None,
            230000,
            2024,
            2025,
        ),
        row_13(
            "Eau",
            "Réhabilitation de la station d'épuration de Noves",
            "Commune de Noves",
            noves,
            2800000,
            560000,
            "DETR",
            None,
            840000,
            ("Agence de l'eau RMC : 840 000 €", AERMC, 840000),
            560000,
            2025,
            2026,
        ),
        row_13(
            "Mobilité",
            "Aménagement d'une piste cyclable entre Châteaurenard et Eyragues",
            "CA Terre de Provence",
            catp,
            1600000,
            480000,
            "Fonds mobilités actives",
            320000,
            480000,
            None,
            320000,
            2024,
            2026,
        ),
        row_13(
            "Nature en ville",
            "Végétalisation des cours d'école de Rognonas",
            "Commune de Rognonas",
            rognonas,
            240000,
            96000,
            "Fonds vert",
            None,
            96000,
            None,
            48000,
            2024,
            2024,
        ),
    ],
    first_row=1,
)
table_file(
    "13-terre-de-provence-utf16.csv",
    "csv",
    "Excel « Texte Unicode » export: UTF-16 LE with a BOM, tab-separated, figures « 1 150 000 € » with narrow "
    "no-break spaces, « Subvention Région Sud » (the Région's own brand), « Nature aide Etat », another financer "
    "written in an « Autres financements » cell (« Agence de l'eau RMC : 840 000 € »)",
    TDP,
    truth_13,
    {
        "title": "Nom du projet",
        "owners": "Structure porteuse",
        "amount": "Coût prévisionnel",
        "start_year": "Début",
        "end_year": "Fin",
    },
    lambda path: write_csv(path, rows_13, delimiter="\t", encoding="utf-16"),
)

# 11. Haute-Savoie: a landscape Word contract, the annex with an « Observations » column whose
# free text quotes amounts that are not financing (estimates, receipts, past studies) ------------

CHAMONIX = "200023372"
ccvcmb = Body("CC de la Vallée de Chamonix-Mont-Blanc", CHAMONIX)
chamonix, houches, vallorcine = (
    Body("Chamonix-Mont-Blanc", "217400563"),
    Body("Les Houches", "217401439"),
    Body("Vallorcine", "217402908"),
)
CD74 = "Département de la Haute-Savoie"
rows_74 = [
    [
        "Axe",
        "Opération",
        "Maître d'ouvrage",
        "Coût estimé HT",
        "État",
        "Région Auvergne-Rhône-Alpes",
        "Département 74",
        "Calendrier",
        "Observations",
    ],
    [
        "1 – Énergie",
        "Extension du réseau de chaleur du quartier du Biollay",
        "Commune de Chamonix-Mont-Blanc",
        "2 400 000 €",
        "480 000 € (DSIL)",
        "360 000 €",
        "240 000 €",
        "2024-2026",
        "Estimation initiale 2022 : 1,9 M€, actualisée en 2023. Recette attendue de 35 000 € par an de vente de chaleur.",
    ],
    [
        "2 – Mobilité",
        "Acquisition de navettes électriques pour la desserte de la vallée",
        "CC de la Vallée de Chamonix-Mont-Blanc",
        "1 750 000 €",
        "525 000 € (Fonds vert)",
        "350 000 €",
        "",
        "2025",
        "Dont 120 000 € pour les bornes de recharge au dépôt des Houches ; participation de la SNCF au fonctionnement non chiffrée.",
    ],
    [
        "3 – Risques",
        "Confortement des berges de l'Arve aux Houches",
        "Commune des Houches",
        "890 000 €",
        "267 000 € (Fonds vert)",
        "",
        "178 000 €",
        "2024-2025",
        "Travaux en régie évalués à 45 000 €, non compris. Le Département a déjà versé 60 000 € en 2022 pour les études préalables.",
    ],
    [
        "1 – Énergie",
        "Rénovation énergétique de l'école de Vallorcine",
        "Commune de Vallorcine",
        "640 000 €",
        "192 000 € (DETR)",
        "128 000 €",
        "64 000 €",
        "2025-2026",
        "Reste à charge communal : 256 000 €. Économie attendue : 18 000 € par an de fioul.",
    ],
]
truth_74 = [
    A(
        "Extension du réseau de chaleur du quartier du Biollay",
        [chamonix],
        2400000,
        [
            L(ETAT, 480000, scheme="DSIL", column="État"),
            L(AURA, 360000, column=rows_74[0][5]),
            L(CD74, 240000, column="Département 74"),
        ],
        2024,
        2026,
    ),
    A(
        "Acquisition de navettes électriques pour la desserte de la vallée",
        [ccvcmb],
        1750000,
        [L(ETAT, 525000, scheme="Fonds vert", column="État"), L(AURA, 350000, column=rows_74[0][5])],
        2025,
    ),
    A(
        "Confortement des berges de l'Arve aux Houches",
        [houches],
        890000,
        [L(ETAT, 267000, scheme="Fonds vert", column="État"), L(CD74, 178000, column="Département 74")],
        2024,
        2025,
    ),
    A(
        "Rénovation énergétique de l'école de Vallorcine",
        [vallorcine],
        640000,
        [
            L(ETAT, 192000, scheme="DETR", column="État"),
            L(AURA, 128000, column=rows_74[0][5]),
            L(CD74, 64000, column="Département 74"),
            own(vallorcine, 256000, column="Observations"),
        ],
        2025,
        2026,
    ),
]
blocks_74 = [
    ("title", "Contrat pour la réussite de la transition écologique"),
    ("p", "Communauté de communes de la Vallée de Chamonix-Mont-Blanc"),
    (
        "p",
        "Entre l'État, représenté par le Préfet de la Haute-Savoie, et la Communauté de communes de la Vallée de Chamonix-Mont-Blanc, représentée par son Président,",
    ),
    ("h1", "Article 1 — Durée"),
    ("p", "Le contrat est conclu pour les années 2023 à 2026."),
    ("h1", "Article 2 — Programme d'actions"),
    ("p", "Le programme est annexé au présent contrat. Les observations sont données à titre d'information."),
    ("table", rows_74),
    ("p", "Signé à Chamonix-Mont-Blanc, le 28 septembre 2023"),
]


def write_docx(path: Path, blocks: list[tuple], landscape: bool = False) -> None:
    """As make_corpus.write_docx (no merged cells), with a landscape section if asked."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(8)
    if landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for block in blocks:
        kind = block[0]
        if kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value not in ("", None):
                        table.cell(r, c).text = str(value)
        elif kind == "title":
            document.add_heading(block[1], level=0)
        elif kind in ("h1", "h2"):
            document.add_heading(block[1], level=1 if kind == "h1" else 2)
        else:
            document.add_paragraph(block[1])
    properties = document.core_properties
    properties.created = properties.modified = datetime(2024, 1, 1)
    properties.author = properties.last_modified_by = "fidelity holdout"
    document.save(path)
    fix_zip(path)


document_file(
    "74-chamonix-observations.docx",
    "docx",
    "landscape Word contract, the annex table with an « Axe » column not in order and a free-text « Observations » "
    "column quoting amounts that are not financing (« Estimation initiale 2022 : 1,9 M€ », « 35 000 € par an de "
    "vente de chaleur », « déjà versé 60 000 € en 2022 ») and one that is (« Reste à charge communal : 256 000 € »)",
    contract("Contrat pour la réussite de la transition écologique", CHAMONIX, "2023-09-28", 2023, 2026),
    truth_74,
    lambda path: write_docx(path, blocks_74, landscape=True),
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Coût estimé HT",
        "start_year": "Calendrier",
    },
)

# 12. Guadeloupe (hostile): a column of amounts titled « CCT », which no reference explains ----

NGT = "200044691"
cangt = Body("CA du Nord Grande Terre", NGT)
moule, anse = Body("Le Moule", "219711173"), Body("Anse-Bertrand", "219711025")
HEAD_971 = [
    "N° fiche",
    "Intitulé",
    "MOA",
    "Coût HT",
    "État",
    "Région Guadeloupe",
    "Département",
    "FEDER",
    "CCT",
    "MOA (autofin.)",
    "Année",
]


def row_971(number, title, label, owner, cost, etat, region, cd, feder, cct, rest, year):
    cells = [
        number,
        title,
        label,
        cost,
        etat or "",
        region or "",
        cd or "",
        feder or "",
        cct or "",
        rest,
        str(year),
    ]
    lines = []
    for funder, value, column in (
        (ETAT, etat, "État"),
        ("Région Guadeloupe", region, "Région Guadeloupe"),
        ("Département de la Guadeloupe", cd, "Département"),
        ("Fonds européen de développement régional", feder, "FEDER"),
        ("CCT", cct, "CCT"),
    ):
        if value:
            lines.append(L(funder, value, column=column))
    lines.append(own(owner, rest, column="MOA (autofin.)"))
    return cells, A(title, [owner], cost, lines, year)


rows_971, truth_971 = with_rows(
    [
        (HEAD_971, None),
        row_971(
            "NGT-01",
            "Réhabilitation des réservoirs d'eau potable de Petit-Canal",
            "CANGT",
            cangt,
            1800000,
            360000,
            270000,
            None,
            720000,
            180000,
            270000,
            2024,
        ),
        row_971(
            "NGT-02",
            "Aménagement du front de mer du Moule",
            "Ville du Moule",
            moule,
            2500000,
            500000,
            375000,
            250000,
            None,
            875000,
            500000,
            2025,
        ),
        row_971(
            "NGT-03",
            "Électrification photovoltaïque des bâtiments communaux d'Anse-Bertrand",
            "Commune d'Anse-Bertrand",
            anse,
            420000,
            126000,
            84000,
            None,
            168000,
            None,
            42000,
            2024,
        ),
        row_971(
            "NGT-04",
            "Création d'une unité de compostage des déchets verts à Morne-à-l'Eau",
            "CANGT",
            cangt,
            950000,
            None,
            190000,
            95000,
            475000,
            95000,
            95000,
            2025,
        ),
    ],
    first_row=1,
)
table_file(
    "971-nord-grande-terre-colonne-cct.xlsx",
    "xlsx",
    "hostile to silent loss: a column of amounts titled « CCT » (no financer the reference knows: its amounts must be "
    "kept or reported, not dropped), « MOA » for the owner with the grouping's acronym « CANGT », « MOA (autofin.) »",
    NGT,
    truth_971,
    {"title": "Intitulé", "owners": "MOA", "amount": "Coût HT", "start_year": "Année"},
    lambda path: write_xlsx(path, [("Fiches", rows_971, [])]),
)

# 13. Guyane (hostile): an OpenDocument contract whose annex pairs « Financeur n » / « Montant n »
# columns, naming financers no reference can know --------------------------------------------------

CCEG = "249730052"
cceg = Body("CC de l'Est Guyanais", CCEG)
camopi, stgeorges, regina = (
    Body("Camopi", "219733565"),
    Body("Saint-Georges", "219733086"),
    Body("Régina", "219733011"),
)
CTG = "Collectivité territoriale de Guyane"
rows_973 = [
    [
        "Opération",
        "Maître d'ouvrage",
        "Coût total",
        "Financeur 1",
        "Montant 1",
        "Financeur 2",
        "Montant 2",
        "Financeur 3",
        "Montant 3",
        "Autofinancement",
        "Calendrier",
    ],
    [
        "Électrification solaire du bourg de Camopi",
        "Commune de Camopi",
        "1 400 000 €",
        "CTG",
        "280 000 €",
        "FEDER",
        "700 000 €",
        "Parc amazonien de Guyane",
        "140 000 €",
        "280 000 €",
        "2024-2026",
    ],
    [
        "Réhabilitation de l'appontement de Saint-Georges",
        "Commune de Saint-Georges",
        "780 000 €",
        "État (DETR)",
        "312 000 €",
        "CTG",
        "156 000 €",
        "Grand port maritime de la Guyane",
        "156 000 €",
        "156 000 €",
        "2025",
    ],
    [
        "Création d'un jardin partagé et d'une pépinière à Régina",
        "Commune de Régina",
        "160 000 €",
        "Fondation de France",
        "48 000 €",
        "ADEME",
        "64 000 €",
        "",
        "",
        "48 000 €",
        "2024",
    ],
    [
        "Étude de faisabilité d'une filière de valorisation des déchets",
        "CCEG",
        "120 000 €",
        "État (Fonds vert)",
        "60 000 €",
        "CTG",
        "36 000 €",
        "Citeo",
        "24 000 €",
        "",
        "2024-2025",
    ],
]
truth_973 = [
    A(
        "Électrification solaire du bourg de Camopi",
        [camopi],
        1400000,
        [
            L(CTG, 280000),
            L("Fonds européen de développement régional", 700000),
            L("Parc amazonien de Guyane", 140000),
            own(camopi, 280000, column="Autofinancement"),
        ],
        2024,
        2026,
    ),
    A(
        "Réhabilitation de l'appontement de Saint-Georges",
        [stgeorges],
        780000,
        [
            L(ETAT, 312000, scheme="DETR"),
            L(CTG, 156000),
            L("Grand port maritime de la Guyane", 156000),
            own(stgeorges, 156000, column="Autofinancement"),
        ],
        2025,
    ),
    A(
        "Création d'un jardin partagé et d'une pépinière à Régina",
        [regina],
        160000,
        [
            L("Fondation de France", 48000),
            L("Agence de la transition écologique", 64000),
            own(regina, 48000, column="Autofinancement"),
        ],
        2024,
    ),
    A(
        "Étude de faisabilité d'une filière de valorisation des déchets",
        [cceg],
        120000,
        [L(ETAT, 60000, scheme="Fonds vert"), L(CTG, 36000), L("Citeo", 24000)],
        2024,
        2025,
    ),
]
blocks_973 = [
    ("title", "Contrat pour la réussite de la transition écologique"),
    ("p", "Communauté de communes de l'Est Guyanais (CCEG) — Saint-Georges, Camopi, Ouanary, Régina"),
    ("h1", "Article 1 – Objet"),
    (
        "p",
        "Le présent contrat, conclu entre l'État, la Collectivité territoriale de Guyane et la CCEG, porte sur les années 2024 à 2026.",
    ),
    ("h1", "Article 2 – Partenaires financiers"),
    (
        "p",
        "Outre les signataires, le Parc amazonien de Guyane, le Grand port maritime de la Guyane, la Fondation de France et l'éco-organisme Citeo apportent leur concours aux opérations de l'annexe.",
    ),
    ("h1", "Annexe – Plan de financement des opérations"),
    ("table", rows_973),
    ("p", "Fait à Saint-Georges, le 14 février 2024"),
]
document_file(
    "973-est-guyanais-financeurs-hors-referentiel.odt",
    "odt",
    "hostile to silent loss: an OpenDocument contract whose annex pairs « Financeur 1 » / « Montant 1 » … columns, "
    "naming financers no reference can know (Parc amazonien de Guyane, Grand port maritime de la Guyane, Fondation "
    "de France, Citeo) beside known ones (« CTG », « État (DETR) », « FEDER », « ADEME »)",
    contract("Contrat pour la réussite de la transition écologique", CCEG, "2024-02-14", 2024, 2026),
    truth_973,
    lambda path: write_odt(path, blocks_973),
    {"title": "Opération", "owners": "Maître d'ouvrage", "amount": "Coût total", "start_year": "Calendrier"},
)


def main() -> None:
    HOLDOUT.mkdir(parents=True, exist_ok=True)
    names = set()
    for spec in FILES:
        path = HOLDOUT / spec["file"]
        spec["write"](path)
        truth = {key: value for key, value in spec.items() if key != "write"}
        (HOLDOUT / f"{spec['file']}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        names.add(spec["file"])
        print(f"{path.stat().st_size:>8} B  {spec['file']}  ({len(spec['actions'])} actions)")
    for stale in HOLDOUT.iterdir():
        if stale.name.removesuffix(".truth.json") not in names:
            stale.unlink()
    print(f"{len(FILES)} files in {HOLDOUT}")


if __name__ == "__main__":
    main()
