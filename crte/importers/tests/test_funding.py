from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.funding import FunderDirectory, FundingPart, parse_funding_cell

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


@pytest.fixture(scope="module")
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
