from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.parsing import (
    ANNUAL,
    GLOBAL,
    TOTAL,
    parse_amount,
    parse_calendar,
    parse_number,
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
