import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.plan import ActionPlan, LinePlan, Place
from crte.importers.plan.report import Report
from crte.importers.understand.funding import (
    FunderDirectory,
    FundingPart,
    _loose,
    _remove_normalized,
    funding_lines,
    parse_funding_cell,
)

# The names a Pas-de-Calais contract resolves (core.resolve gives them per territory).
ALIASES = {
    "Région": "Région",
    "Conseil régional": "Région",
    "Région Hauts-de-France": "Région",
    "CD62": "CD62",
    "CD 62": "CD62",
    "Département": "CD62",
    "AENP": "AEAP",
    "AEAP": "AEAP",
    "Agence de l'eau": "AEAP",
    "État": "État",
    "ETAT": "État",
    "DRAAF": "DRAAF",
    "CABBALR": "CABBALR",
    "ANAH": "ANAH",
    "ADEME": "ADEME",
    "LEADER": "FEADER",
    "Leader": "FEADER",
    "FEDER": "FEDER",
    "CAF": "CAF",
    "BDT": "BDT",
    "Banque des Territoires": "BDT",
    "ANCT": "ANCT",
    "Interreg": "Interreg",
}


@pytest.fixture  # made for each test: mutation testing runs the tests that make it
def directory():
    return FunderDirectory(ALIASES, {"volet territorial du CPER": "CPER"})


def summary(parts):
    return [(p.funders, p.amount, p.share, p.is_annual, p.status, p.scheme, p.note) for p in parts]


D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 %", [([], None, D("0.3"), False, "prevu", "", "")]),
        ("133,89K€", [([], D("133890"), None, False, "prevu", "", "")]),
        (
            "Région 50% (en cours d'examen)",
            [(["Région"], None, D("0.5"), False, "en_instruction", "", "")],
        ),
        ("ADEME 70%", [(["ADEME"], None, D("0.7"), False, "prevu", "", "")]),
        ("50% AAP Friches", [([], None, D("0.5"), False, "prevu", "AAP Friches", "")]),
        ("127,9K€ (25%)", [([], D("127900"), D("0.25"), False, "prevu", "", "")]),
        (
            "Région 550K€ CD62 40K€ 20K€ (Leader)",
            [
                (["Région"], D("550000"), None, False, "prevu", "", ""),
                (["CD62"], D("40000"), None, False, "prevu", "", ""),
                (["FEADER"], D("20000"), None, False, "prevu", "", ""),
            ],
        ),
        (
            "70% Région et AENP",
            [(["Région", "AEAP"], None, D("0.7"), False, "prevu", "", "")],
        ),
        (
            "50K€ 25% du lot ACV (sous réserve)",
            [([], D("50000"), None, False, "sous_reserve", "", "25 % du lot ACV")],
        ),
        (
            "150K€ (CABBALR)/an- appui aux structures 500K€ (CABBALR)/an- soutien aux "
            "investissements des communes",
            [
                (["CABBALR"], D("150000"), None, True, "prevu", "", "appui aux structures"),
                (
                    ["CABBALR"],
                    D("500000"),
                    None,
                    True,
                    "prevu",
                    "",
                    "soutien aux investissements des communes",
                ),
            ],
        ),
        ("CD 62 demande en cours", [(["CD62"], None, None, False, "demande", "", "")]),
        ("à préciser", [([], None, None, False, "prevu", "", "à préciser")]),
        ("1,5 M€/an", [([], D("1500000"), None, True, "prevu", "", "")]),
        (
            "100K€ volet territorial du CPER",
            [([], D("100000"), None, False, "prevu", "volet territorial du CPER", "")],
        ),
        ("", []),
    ],
)
def test_parse_funding_cell_as_written(directory, text, expected):
    assert summary(parse_funding_cell(text, directory)) == expected


def test_footnote_digits_are_removed_and_reported(directory):
    [part] = parse_funding_cell("280K€ de l'AAP à vélo2", directory)
    assert (part.amount, part.scheme) == (D("280000"), "AAP à vélo")
    assert "Appel de note" in part.warnings[0]


def test_recovery_plan_mark_sets_the_credit_type(directory):
    [part] = parse_funding_cell("343 K€ AAP Friches PdR", directory)
    assert (part.amount, part.scheme, part.credit_type) == (D("343000"), "AAP Friches", "relance")


def test_negative_figures_are_errors_not_amounts(directory):
    [part] = parse_funding_cell("– 675 k€", directory)
    assert part.amount is None and part.errors


@given(st.text(max_size=200))
def test_parse_funding_cell_never_crashes_nor_returns_negative_figures(text):
    directory = FunderDirectory({"Région": "Région", "CD62": "CD62"})
    for part in parse_funding_cell(text, directory):
        assert part.amount is None or part.amount >= 0
        assert part.share is None or 0 <= part.share <= 1


@given(
    st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
    | st.integers(min_value=0, max_value=10**12).map(Decimal)
)
def test_a_bare_figure_taken_as_read_is_what_reading_it_in_euros_gives(value):
    """A financer's column holding a bare figure skips the reading of its cell
    (spreadsheet.wide_lines): the part it makes must be the one the reading would give."""
    directory = FunderDirectory({"Région": "Région"})
    assert parse_funding_cell(f"{value} €", directory) == [FundingPart(amount=value)]


# --- the directory of financers' names -------------------------------------------------


def communes_elsewhere(key: str) -> str | None:
    """The catalogue's answer for « commune de X » outside the aliases (core.resolve)."""
    return {"commune de saint martin au laert": "Saint-Martin-au-Laërt"}.get(key)


def test_a_directory_without_aliases_finds_nothing():
    empty = FunderDirectory({})
    assert empty.longest == 0
    assert empty.find("Région 30 %") == []
    assert parse_funding_cell("Région 30 %", empty)[0].funders == []


def test_the_longest_alias_wins_and_reading_goes_on_after_it():
    directory = FunderDirectory({"Région": "R", "Région Hauts-de-France": "RHF", "France": "F"})
    assert directory.longest == 4  # « region hauts de france »
    assert directory.find("la Région Hauts-de-France et la France") == [
        ("region hauts de france", "RHF"),
        ("france", "F"),
    ]
    assert directory.find("France Région") == [("france", "F"), ("region", "R")]


def test_aliases_longer_than_the_bound_are_not_looked_for():
    long_name = " ".join(f"mot{i}" for i in range(FunderDirectory.MAX_WORDS + 2))
    directory = FunderDirectory({long_name: "Long", "Région": "Région"})
    assert directory.longest == FunderDirectory.MAX_WORDS
    assert directory.find(long_name + " Région") == [("region", "Région")]


def test_a_commune_from_elsewhere_is_asked_of_the_fallback_from_two_words_up():
    asked = []

    def fallback(key):
        asked.append(key)
        return communes_elsewhere(key)

    directory = FunderDirectory({"Région": "Région"}, fallback=fallback)
    found = directory.find("Région et Commune de Saint-Martin-au-Laërt 20 K€")
    assert found == [
        ("region", "Région"),
        ("commune de saint martin au laert", "Saint-Martin-au-Laërt"),
    ]
    # longest first, eight words at most, never the lone word « commune »
    assert asked[0] == "commune de saint martin au laert 20 k"
    assert "commune" not in asked
    assert FunderDirectory({}, fallback=fallback).find("Ville") == []
    asked.clear()
    FunderDirectory({}, fallback=fallback).find("mairie " + " ".join("abcdefghij"))
    assert asked[0] == "mairie a b c d e f g" and asked[-1] == "mairie a"
    assert len(asked) == 7


def test_the_fallback_is_asked_only_of_commune_words():
    asked = []
    directory = FunderDirectory({}, fallback=lambda key: asked.append(key))
    assert directory.find("Département du Pas-de-Calais") == []
    assert asked == []
    assert FunderDirectory({}).find("Commune de Saint-Martin-au-Laërt") == []


def test_resolve_a_whole_name():
    directory = FunderDirectory({"Conseil régional": "Région"}, fallback=communes_elsewhere)
    assert directory.resolve(" CONSEIL  REGIONAL ") == "Région"
    assert directory.resolve("Commune de Saint-Martin-au-Laërt") == "Saint-Martin-au-Laërt"
    assert directory.resolve("Commune de Nulle-Part") is None
    assert directory.resolve("Saint-Martin-au-Laërt") is None  # not a commune's wording
    assert directory.resolve("") is None
    assert FunderDirectory({}).resolve("Commune de Saint-Martin-au-Laërt") is None


def test_schemes_are_found_whatever_their_case():
    directory = FunderDirectory({}, {"Fonds Friches": "Friches"})
    assert directory.scheme("FONDS friches") == "Friches"
    assert directory.scheme("Fonds vert") is None


# --- words removed whatever their accents --------------------------------------------------


def test_a_normalized_word_matches_every_accented_writing():
    pattern = re.compile(_loose("aeiouc"), re.IGNORECASE)
    for written in ("aeiouc", "àéîôùç", "âèïöûC", "äêiOüç", "AËÎÖÜÇ"):
        assert pattern.fullmatch(written), written
    assert not pattern.fullmatch("aeiou")
    assert re.fullmatch(_loose("d.x"), "d.x") and not re.fullmatch(_loose("d.x"), "dax")
    assert _remove_normalized("Notifié par l'État", "notifie").strip() == "par l'État"
    assert _remove_normalized("CD-62 (accordé)", "cd 62 accorde") == " )"  # punctuation between
    assert _remove_normalized("Région", "region") == " "
    assert _remove_normalized("Régionale", "region") == "Régionale"  # whole words only
    assert _remove_normalized("   ", "region") == "   "


# --- figures and the text around them ------------------------------------------------------


def test_a_figure_s_words_and_flags(directory):
    [part] = parse_funding_cell("1,234 €", directory)  # thousands or decimals?
    assert part.amount == D("1234")
    assert part.warnings == ["Lecture incertaine de « 1,234 € » : 1234 € retenus, à vérifier"]
    [part] = parse_funding_cell("– 30 %", directory)
    assert (part.share, part.errors) == (None, ["Montant ou taux négatif dans « – 30 % »"])
    [part] = parse_funding_cell("Région 120 %", directory)
    assert (part.share, part.funders) == (None, ["Région"])
    assert part.errors == ["Taux supérieur à 100 % dans « Région 120 % »"]
    [part] = parse_funding_cell("100 %", directory)
    assert (part.share, part.errors) == (D("1"), [])


def test_a_share_inside_an_amount_s_text_is_not_read_twice(directory):
    # « 12 K€ » ends where « 30 % » starts: two figures
    parts = parse_funding_cell("12 K€30 %", directory)
    assert [(p.amount, p.share) for p in parts] == [(D("12000"), None), (None, D("0.3"))]
    parts = parse_funding_cell("ADEME 10 K€ Région 20 % CD62 5 %", directory)
    assert [(p.funders, p.amount, p.share) for p in parts] == [
        (["ADEME"], D("10000"), None),
        (["Région"], None, D("0.2")),
        (["CD62"], None, D("0.05")),
    ]


def test_annual_figures_whatever_the_writing(directory):
    for text in (
        "1,5 M€/an",
        "1,5 M€ / an",
        "1,5 M€ par an",
        "1,5 M€ (Région) / an",
        "1,5 M€ (ADEME) PAR AN",
    ):
        [part] = parse_funding_cell(text, directory)
        assert (part.amount, part.is_annual) == (D("1500000"), True), text
        assert part.note == "", text
    [part] = parse_funding_cell("1,5 M€ (Région) par an sur 3 ans", directory)
    assert (part.funders, part.is_annual, part.note) == (["Région"], True, "sur 3 ans")
    [part] = parse_funding_cell("1,5 M€ Région (part annuelle)", directory)
    assert (part.is_annual, part.note) == (False, "part annuelle")
    [part] = parse_funding_cell("1,5 M€ (ADEME)/an", directory)
    assert (part.funders, part.is_annual) == (["ADEME"], True)
    [part] = parse_funding_cell("1,5 M€ annuellement ANAH", directory)
    assert part.is_annual is False


def test_bracketed_text_stays_with_the_figure_before_it(directory):
    parts = parse_funding_cell("Région 100 K€ (acquis) (tranche 1) ADEME 50 K€ (sollicité)", directory)
    assert [(p.funders, p.amount, p.status, p.note) for p in parts] == [
        (["Région"], D("100000"), "accorde", "tranche 1"),
        (["ADEME"], D("50000"), "demande", ""),
    ]


def test_a_share_in_brackets_is_the_amount_s_own(directory):
    [part] = parse_funding_cell("40 K€ ( 20 % ) reste à charge", directory)
    assert (part.amount, part.share, part.note) == (D("40000"), D("0.2"), "reste à charge")
    parts = parse_funding_cell("40 K€ (ADEME 20 %)", directory)
    assert [(p.funders, p.amount, p.share) for p in parts] == [
        ([], D("40000"), None),
        (["ADEME"], None, D("0.2")),
    ]
    parts = parse_funding_cell("40 K€ 20 %", directory)  # no brackets: two figures
    assert [(p.amount, p.share) for p in parts] == [(D("40000"), None), (None, D("0.2"))]
    [part] = parse_funding_cell("40 K€ (20 %)reste à charge", directory)
    assert (part.amount, part.share, part.note) == (D("40000"), D("0.2"), "reste à charge")
    parts = parse_funding_cell("40 K€ (20 %) ADEME 10 K€", directory)
    assert [(p.funders, p.amount, p.share) for p in parts] == [
        ([], D("40000"), D("0.2")),
        (["ADEME"], D("10000"), None),
    ]
    parts = parse_funding_cell("40 K€ tranche (20 %)", directory)  # brackets not right after it
    assert [(p.amount, p.share, p.note) for p in parts] == [
        (D("40000"), None, "tranche"),
        (None, D("0.2"), ""),
    ]
    parts = parse_funding_cell("30 % (20 %)", directory)  # a share has no share
    assert [p.share for p in parts] == [D("0.3"), D("0.2")]


def test_a_share_of_something_else_goes_to_the_note(directory):
    [part] = parse_funding_cell("Région 80 K€ 12,5 % de l'assiette éligible", directory)
    assert (part.amount, part.share) == (D("80000"), None)
    assert part.note == "12,5 % de l'assiette éligible"
    parts = parse_funding_cell("Région 80 K€ ADEME 12,5 % de l'assiette", directory)
    assert [(p.funders, p.share, p.note) for p in parts] == [
        (["Région"], None, ""),
        (["ADEME"], D("0.125"), "assiette"),
    ]
    [first, second] = parse_funding_cell("80 K€ (tranche 1) 10 % des travaux 20 %", directory)
    assert (first.note, second.share) == ("tranche 1 10 % des travaux", D("0.2"))


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Région 10 K€ - de la part fonctionnement ;", "part fonctionnement"),
        ("Région 10 K€ DU reliquat.", "reliquat"),
        ("Région 10 K€ : de l’enveloppe 2023 /", "enveloppe 2023"),
        ("Région 10 K€ du : reliquat", "reliquat"),
        ("Région 10 K€ DE LA", ""),
        ("Région 10 K€ lot X", "lot X"),
        ("Région 10 K€ depuis 2021", "depuis 2021"),
        ("Région et ADEME", ""),
        ("Région OU ADEME", ""),
        ("Région ou ADEME selon éligibilité", "selon éligibilité"),
        ("étude et travaux ANAH &", "étude et travaux"),
        ("Région + ADEME + etc.", "etc"),
    ],
)
def test_notes_are_tidied_but_keep_their_words(directory, text, note):
    [part] = parse_funding_cell(text, directory)
    assert part.note == note
    assert part.funders == [name for name in ("Région", "ADEME", "ANAH") if name.lower() in text.lower()]


def test_warnings_of_the_cell_go_to_every_part(directory):
    parts = parse_funding_cell("Région2 10 K€ ADEME 5 K€", directory)
    assert [p.funders for p in parts] == [["Région"], ["ADEME"]]
    assert all(p.warnings == ["Appel de note supprimé dans « Région2 10 K€ ADEME 5 K€ »"] for p in parts)
    assert parts[0].warnings is not parts[1].warnings
    [part] = parse_funding_cell("à voir2", directory)
    assert part.warnings == ["Appel de note supprimé dans « à voir2 »"]


# --- the lines of a cell, and what the report says of them ---------------------------------


def lines_of(text, column_funder, directory, basis="total", column="Financements État", parts=None):
    place = Place("programmation.xlsx", 12, column)
    action = ActionPlan("a-12", "Voie verte", "Mobilités", place, amount_basis=basis)
    report = Report()
    lines = funding_lines(text, column_funder, directory, place, action, report, parts=parts)
    entries = [(e.severity, e.code, e.message, e.place, e.action) for e in report.entries]
    return lines, entries, place


def test_one_line_per_figure_named_by_the_cell_or_by_its_column(directory):
    text = "Région 100 K€ acquis 20 K€ AAP Friches PdR"
    lines, entries, place = lines_of(text, "État", directory)
    common = {"source_text": text, "place": place, "funder_known": True}
    assert lines == [
        LinePlan("financements-etat-1", "Région", amount=D("100000"), status="accorde", **common),
        LinePlan(
            "financements-etat-2",
            "État",
            amount=D("20000"),
            scheme="AAP Friches",
            credit_type="relance",
            **common,
        ),
    ]
    assert entries == []


def test_financers_sharing_a_figure_get_a_line_each_the_figure_on_the_first(directory):
    text = "70 % Région et AENP (tranche 2)"
    lines, entries, place = lines_of(text, None, directory, basis="annuel", column="")
    common = {"source_text": text, "place": place, "funder_known": True, "is_annual": True}
    assert lines == [
        LinePlan("financement-1", "Région", share=D("0.7"), note="tranche 2", **common),
        LinePlan(
            "financement-2", "AEAP", note="tranche 2 figure commune avec Région", is_joint=True, **common
        ),
    ]
    message = (
        f"« {text} » : une même figure pour Région, AEAP ; "
        "elle est portée par la ligne de Région, à répartir."
    )
    assert entries == [("avertissement", "financement-commun", message, place, "Voie verte")]


def test_financers_sharing_an_amount_the_amount_on_the_first(directory):
    lines, _, _ = lines_of("Région et ADEME 10 K€", "État", directory)
    assert [(line.funder, line.amount, line.is_joint) for line in lines] == [
        ("Région", D("10000"), False),
        ("ADEME", None, True),
    ]


def test_a_share_of_an_annual_action_is_annual_an_amount_is_not_unless_written(directory):
    lines, _, _ = lines_of("Région 20 % ADEME 10 K€", None, directory, basis="annuel")
    assert [(line.funder, line.is_annual) for line in lines] == [("Région", True), ("ADEME", False)]
    lines, _, _ = lines_of("Région 20 %", None, directory, basis="total")
    assert lines[0].is_annual is False
    lines, _, _ = lines_of("ADEME 10 K€/an", None, directory, basis="total")
    assert lines[0].is_annual is True


def test_an_unnamed_financer_is_reported_not_guessed(directory):
    lines, entries, place = lines_of("12 000 €", None, directory)
    assert [(line.funder, line.funder_known, line.amount) for line in lines] == [(None, False, D("12000"))]
    assert entries == [
        (
            "avertissement",
            "financeur-inconnu",
            "« 12 000 € » : le financeur n'est pas nommé.",
            place,
            "Voie verte",
        )
    ]


def test_errors_doubts_and_notes_of_a_cell_are_reported_where_they_are(directory):
    text = "Ademe2 – 5 K€ Région 1,234 € à confirmer"
    lines, entries, place = lines_of(text, "État", directory)
    assert [(line.funder, line.amount, line.note) for line in lines] == [
        ("ADEME", None, ""),
        ("Région", D("1234"), "à confirmer"),
    ]
    cleaned = "Ademe – 5 K€ Région 1,234 € à confirmer"
    footnote = ("info", "note", f"Appel de note supprimé dans « {text} »", place, "Voie verte")
    assert entries == [
        ("erreur", "financement", f"Montant ou taux négatif dans « {cleaned} »", place, "Voie verte"),
        footnote,
        footnote,
        (
            "avertissement",
            "lecture-incertaine",
            "Lecture incertaine de « 1,234 € » : 1234 € retenus, à vérifier",
            place,
            "Voie verte",
        ),
    ]


def test_a_financing_without_figure_is_kept_and_reported(directory):
    lines, entries, place = lines_of("à préciser avec la Région", "État", directory)
    assert [(line.funder, line.amount, line.share, line.note) for line in lines] == [
        ("Région", None, None, "à préciser avec la")
    ]
    message = "« à préciser avec la Région » : financement non chiffré."
    assert entries == [("info", "non-chiffre", message, place, "Voie verte")]
    _, entries, _ = lines_of("Région sollicitée", "État", directory)
    assert entries == []  # nothing to say beyond « demandé »


def test_a_cell_already_read_is_not_read_again(directory):
    lines, entries, place = lines_of(
        "ce texte ne dit rien", "Région", directory, parts=[FundingPart(amount=D("5"))]
    )
    assert lines == [
        LinePlan(
            "financements-etat-1",
            "Région",
            True,
            amount=D("5"),
            source_text="ce texte ne dit rien",
            place=place,
        )
    ]
    assert entries == []


def test_status_words_are_read_whatever_their_agreement(directory):
    cases = {
        "Région sollicitée": "demande",
        "ADEME : subventions accordées": "accorde",
        "CD62 acquise": "accorde",
        "FEDER notifiés": "accorde",
        "Région refusée": "refuse",
        "ANAH versées": "verse",
    }
    for text, status in cases.items():
        [part] = parse_funding_cell(text, directory)
        assert (part.status, part.note) == (status, "subventions" if "subventions" in text else ""), text
    [part] = parse_funding_cell("Région accordéon", directory)
    assert (part.status, part.note) == ("prevu", "accordéon")


@pytest.mark.parametrize(
    "text, expected",
    [
        # each financer takes its own figure; a scheme named after a figure opens the next part
        ("Région 30 000 €, DETR 300 000 €", [(["Région"], "", "30000", None), ([], "DETR", "300000", None)]),
        ("CD62 20 %, DSIL 40 %", [(["CD62"], "", None, "0.2"), ([], "DSIL", None, "0.4")]),
        (
            "État (DSIL) 25 % ; Région 10 000 €",
            [(["État"], "DSIL", None, "0.25"), (["Région"], "", "10000", None)],
        ),
    ],
)
def test_a_scheme_between_two_figures_belongs_to_the_second(text, expected):
    directory = FunderDirectory(
        {"Région": "Région", "CD62": "CD62", "État": "État"}, {"DETR": "DETR", "DSIL": "DSIL"}
    )
    parts = parse_funding_cell(text, directory)
    as_read = [
        (
            p.funders,
            p.scheme,
            str(p.amount) if p.amount is not None else None,
            str(p.share) if p.share else None,
        )
        for p in parts
    ]
    assert as_read == [
        (funders, scheme, amount, str(Decimal(share)) if share else None)
        for funders, scheme, amount, share in expected
    ]


def test_a_scheme_is_found_among_the_words_of_a_text():
    directory = FunderDirectory({}, {"DSIL": "DSIL", "Fonds vert": "Fonds vert", "DSIL rénovation": "DSIL R"})
    assert directory.scheme_inside("Montant DSIL 2024") == "DSIL"
    assert directory.scheme_inside("part DSIL rénovation énergétique") == "DSIL R"  # the longest
    assert directory.scheme_inside(", fonds  vert ") == "Fonds vert"
    assert directory.scheme_inside("Région") is None
    assert directory.scheme_inside("") is None


def test_a_financer_alias_that_names_a_scheme_keeps_the_scheme():
    directory = FunderDirectory({"État": "État", "État DSIL": "État"}, {"DSIL": "DSIL"})
    [part] = parse_funding_cell("État (DSIL) 720 000 €", directory)
    assert (part.funders, part.scheme, part.amount) == (["État"], "DSIL", Decimal("720000"))
