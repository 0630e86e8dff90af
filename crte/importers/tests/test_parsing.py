from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.understand.parsing import (
    ANNUAL,
    GLOBAL,
    TOTAL,
    ParsedAmount,
    ParsedCalendar,
    find_amounts,
    parse_amount,
    parse_calendar,
    parse_number,
    read_number,
    unit_multiplier,
)


@pytest.mark.parametrize(
    ("text", "value", "basis"),
    [
        ("700K€", "700000", TOTAL),
        ("133,89K€", "133890", TOTAL),
        ("6,5M€/an", "6500000", ANNUAL),
        ("1,5 M€/an", "1500000", ANNUAL),
        ("343 K€ AAP Friches PdR", "343000", TOTAL),
        ("400K€ globalisé", "400000", GLOBAL),
        ("15,8M€ globalisé", "15800000", GLOBAL),
        ("progammation validée 57,8M€", "57800000", TOTAL),
        ("Phase 1 : 60K€ Phase 2: à déterminer", "60000", TOTAL),
        ("250K€/an ingénierie et fonctionnement", "250000", ANNUAL),
        ("1 000 000,00 €", "1000000.00", TOTAL),
        ("89.794.859 €", "89794859", TOTAL),
        ("147.485 euros HT", "147485", TOTAL),
        ("60 825 € HT", "60825", TOTAL),
        ("3,2 millions d'€", "3200000", TOTAL),
        ("500k€", "500000", TOTAL),
    ],
)
def test_parse_amount_reads_what_documents_write(text, value, basis):
    parsed = parse_amount(text)
    assert parsed.value == Decimal(value)
    assert parsed.basis == basis
    assert not parsed.errors


@pytest.mark.parametrize(
    "text",
    ["à préciser", "en cours de définition", "Programme en cours de finalisation", ""],
)
def test_parse_amount_keeps_unquantified_text_without_inventing_a_figure(text):
    parsed = parse_amount(text)
    assert parsed.value is None
    assert parsed.note == text


def test_parse_amount_keeps_the_words_around_the_figure():
    assert parse_amount("progammation validée 57,8M€").note == "progammation validée"


def test_parse_amount_reports_a_negative_amount_as_an_error():
    parsed = parse_amount("– 675 k€")
    assert parsed.value is None
    assert parsed.errors and "négatif" in parsed.errors[0]


def test_parse_amount_refuses_to_choose_between_two_figures():
    parsed = parse_amount("Région 550K€ CD62 40K€")
    assert parsed.value is None
    assert parsed.warnings


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Fin 2021", 2021, 2021),
        ("2022-2027", 2022, 2027),
        ("à compter de 2021", 2021, None),
        ("2021 (en cours3)", 2021, 2021),
        ("2021 (en cours)", 2021, 2021),
        ("en cours", None, None),
        ("pourrsuite du programme", None, None),
    ],
)
def test_parse_calendar(text, start, end):
    parsed = parse_calendar(text)
    assert (parsed.start_year, parsed.end_year) == (start, end)
    assert parsed.note == text


def test_parse_calendar_reports_years_in_the_wrong_order():
    parsed = parse_calendar("2026-2021")
    assert parsed.start_year is None and parsed.warnings


def test_parse_number_reads_thousands_separators():
    assert parse_number("1 000 000,50") == Decimal("1000000.50")
    assert parse_number("89.794.859") == Decimal("89794859")
    assert parse_number("6.5") == Decimal("6.5")


@given(st.text())
def test_parse_amount_never_crashes_and_never_returns_a_negative_amount(text):
    parsed = parse_amount(text)
    assert parsed.value is None or parsed.value >= 0


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["€", " €", " euros", "€ HT"]),
)
def test_parse_amount_reads_back_any_plain_amount(value, currency):
    text = f"{value:f}".replace(".", ",") + currency
    assert parse_amount(text).value == value


@given(st.text())
def test_parse_calendar_never_crashes_and_orders_years(text):
    parsed = parse_calendar(text)
    if parsed.start_year and parsed.end_year:
        assert parsed.start_year <= parsed.end_year


# --- every way real documents write an amount -------------------------------------------------

GROUP_MARKS = [" ", "\u00a0", "\u202f", ".", "'", "’"]
CURRENCIES = ["€", " €", " EUR", "EUR", " euros", " € HT", " € TTC", " euros H.T.", " €HT", " E"]


def grouped(whole: int, mark: str) -> str:
    digits = str(whole)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return mark.join(groups)


@st.composite
def written_amounts(draw):
    """(text, value): an amount in euros written in one of the styles of real documents."""
    cents = draw(st.integers(min_value=0, max_value=99_999_999_999))
    value = Decimal(cents) / 100
    whole, fraction = divmod(cents, 100)
    with_cents = fraction != 0 or draw(st.booleans())
    style = draw(st.sampled_from(["french", "dots", "english", "spaces-point", "plain-comma", "plain-point"]))
    if style == "french":
        text = grouped(whole, draw(st.sampled_from(GROUP_MARKS[:3] + ["'", "’"])))
        decimal = ","
    elif style == "dots":
        text, decimal = grouped(whole, "."), ","
    elif style == "english":
        text, decimal = grouped(whole, ","), "."
        with_cents = True  # '1,500 €' alone is ambiguous (reported, tested below)
    elif style == "spaces-point":
        text, decimal = grouped(whole, draw(st.sampled_from(GROUP_MARKS[:3]))), "."
    else:
        text, decimal = str(whole), "," if style == "plain-comma" else "."
    if with_cents:
        text += f"{decimal}{fraction:02d}"
    return text + draw(st.sampled_from(CURRENCIES)), value


@given(written_amounts())
def test_every_written_style_reads_back_exactly(case):
    text, value = case
    parsed = parse_amount(text)
    assert parsed.value == value, text
    assert not parsed.errors


@st.composite
def scaled_amounts(draw):
    tenths = draw(st.integers(min_value=1, max_value=99_999))
    unit, factor = draw(
        st.sampled_from(
            [
                ("k€", 1000),
                ("K€", 1000),
                ("KE", 1000),
                (" M€", 10**6),
                ("M€", 10**6),
                (" millions d'euros", 10**6),
                (" Md€", 10**9),
                (" milliards d'€", 10**9),
                (" Mds €", 10**9),
            ]
        )
    )
    number = Decimal(tenths) / 10
    text = f"{number:f}".replace(".", ",")
    return text + unit, number * factor


@given(scaled_amounts())
def test_scaled_amounts_read_back_exactly(case):
    text, value = case
    assert parse_amount(text).value == value, text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12 345.67 €", "12345.67"),  # the first version read 345.67
        ("12\u202f345.67 €", "12345.67"),
        ("1,234,567.89 €", "1234567.89"),
        ("1.234.567,89 €", "1234567.89"),
        ("1'234'567 €", "1234567"),
        ("2,5 Md€", "2500000000"),
        ("3 Mds €", "3000000000"),
        ("1,2 milliard d'euros", "1200000000"),
        ("50 KE", "50000"),
        ("200 000 € H.T.", "200000"),
        ("75 000 EUR TTC", "75000"),
        ("1,5 M€ par an", "1500000"),
    ],
)
def test_real_amount_strings(text, value):
    assert parse_amount(text).value == Decimal(value)


@pytest.mark.parametrize(("text", "value"), [("1,500 €", "1500"), ("1.500 M€", "1500000")])
def test_ambiguous_figures_are_read_and_reported_as_written(text, value):
    parsed = parse_amount(text)
    assert parsed.value == Decimal(value)
    assert parsed.warnings and text in parsed.warnings[0]


def test_a_bare_number_is_an_amount_only_where_a_column_says_so():
    assert parse_amount("150000").value is None
    assert parse_amount("150 000", bare_number=True).value == Decimal("150000")
    assert parse_amount("12 345.67 HT", bare_number=True).value == Decimal("12345.67")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e20", "-5", "1..2", "12,", ",5"])
def test_parse_number_refuses_what_is_not_a_plain_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "scaled", "value", "ambiguous"),
    [
        ("1234", False, "1234", False),
        ("1\u00a0234", False, "1234", False),  # no-break space
        ("1\u202f234,5", False, "1234.5", False),  # narrow no-break space
        ("1 234 567", False, "1234567", False),
        ("1'234", False, "1234", False),
        ("1’234", False, "1234", False),
        ("89.794.859", False, "89794859", False),
        ("1,234,567", False, "1234567", False),
        ("1.23.456", False, None, False),  # groups of three or nothing
        ("1.234.56", False, None, False),
        ("1.234.567,89", False, "1234567.89", False),
        ("12 345.67", False, "12345.67", False),
        ("1,234.5", False, "1234.5", False),
        ("1.23,5", False, None, False),
        ("1.2345.678,9", False, None, False),
        ("6,5", False, "6.5", False),
        ("133,89", False, "133.89", False),
        ("0,353", False, "0.353", False),
        ("6.5", False, "6.5", False),
        ("1.500", False, "1500", False),  # a point before three digits: thousands, as usual
        ("1,500", False, "1500", True),  # a comma before three digits: thousands, but unusual
        ("1,500", True, "1.5", False),  # 1,500 M€: the decimal comma
        ("1.500", True, "1.5", True),
        ("12..5", False, None, False),
        ("12,", False, None, False),
        ("1  234", False, None, False),
        ("abc", False, None, False),
        (" 42 ", False, "42", False),
    ],
)
def test_read_number_tells_marks_apart_and_says_when_it_guessed(text, scaled, value, ambiguous):
    found, guessed = read_number(text, scaled=scaled)
    assert (found, guessed) == (None if value is None else Decimal(value), ambiguous)
    assert parse_number(text, scaled=scaled) == found


@pytest.mark.parametrize(
    ("unit", "multiplier"),
    [
        (None, 1),
        ("", 1),
        ("milliers", 1_000),
        ("Millier", 1_000),
        ("millions", 1_000_000),
        ("milliards", 1_000_000_000),
        (" K ", 1_000),
        ("M", 1_000_000),
        ("Md", 1_000_000_000),
        ("mds", 1_000_000_000),
        ("euros", 1),
    ],
)
def test_unit_multiplier(unit, multiplier):
    assert unit_multiplier(unit) == multiplier


def test_find_amounts_skips_a_figure_it_cannot_read_and_goes_on():
    found = find_amounts("12..5 € puis 1,5 M€ puis 300 €")
    assert [(f.value, f.ambiguous) for f in found] == [(Decimal("1500000"), False), (Decimal("300"), False)]


@pytest.mark.parametrize(
    ("text", "bare", "expected"),
    [
        (
            "1,500",
            True,
            ParsedAmount(
                Decimal("1500"), warnings=("Lecture incertaine de « 1,500 » : 1500 retenu, à vérifier",)
            ),
        ),
        ("1 500 ht", True, ParsedAmount(Decimal("1500"))),
        ("1 500 H.T.", True, ParsedAmount(Decimal("1500"))),
        (
            "à préciser",
            False,
            ParsedAmount(None, note="à préciser", warnings=("Montant non chiffré : « à préciser »",)),
        ),
        ("1500", False, ParsedAmount(None, note="1500", warnings=("Montant non chiffré : « 1500 »",))),
        (
            "100 € et 200 €",
            False,
            ParsedAmount(
                None,
                note="100 € et 200 €",
                warnings=("Plusieurs montants dans « 100 € et 200 € » : aucun n'est retenu",),
            ),
        ),
        ("- 100 €", False, ParsedAmount(None, note="- 100 €", errors=("Montant négatif : « - 100 € »",))),
        ("Montant : 100 €", False, ParsedAmount(Decimal("100"), note="Montant")),
        ("par an : 50 000 €", False, ParsedAmount(Decimal("50000"), basis=ANNUAL, note="par an")),
        (
            "1,500 € -",
            False,
            ParsedAmount(
                Decimal("1500"), warnings=("Lecture incertaine de « 1,500 € » : 1500 € retenus, à vérifier",)
            ),
        ),
    ],
)
def test_parse_amount_says_everything_it_read(text, bare, expected):
    assert parse_amount(text, bare_number=bare) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023-2022",
            ParsedCalendar(
                None, None, note="2023-2022", warnings=("Années dans le désordre : « 2023-2022 »",)
            ),
        ),
        ("2022-2022", ParsedCalendar(2022, 2022, note="2022-2022")),
        (
            "en cours",
            ParsedCalendar(None, None, note="en cours", warnings=("Calendrier sans année : « en cours »",)),
        ),
        ("2026, 2022 et 2024", ParsedCalendar(2022, 2026, note="2026, 2022 et 2024")),
        ("2024 puis 2022", ParsedCalendar(2022, 2024, note="2024 puis 2022")),
        ("à partir de 2023", ParsedCalendar(2023, None, note="à partir de 2023")),
        ("Fin 2021", ParsedCalendar(2021, 2021, note="Fin 2021")),
    ],
)
def test_parse_calendar_says_everything_it_read(text, expected):
    assert parse_calendar(text) == expected
