from datetime import date
from decimal import Decimal

import pytest

from crte.core.formats import (
    NBSP,
    format_date,
    format_euros,
    format_number,
    format_quantity,
    format_share,
    harden_workbook,
    neutralize_formula,
)
from crte.core.limits import decimal_limit, decimal_problem, field_problem, year_problem
from crte.core.text import normalize_label


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.89"), "1 234 567,89 €"),
        (Decimal("700000"), "700 000 €"),
        (Decimal("133890.00"), "133 890 €"),
        (Decimal("999.999"), "1 000,00 €"),
        (Decimal("0"), "0 €"),
        (Decimal("57800000"), "57 800 000 €"),
        (Decimal("-675000"), "-675 000 €"),
    ],
)
def test_format_euros_uses_french_separators(value, expected):
    assert format_euros(value) == expected.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("1" * 29), 2, "11 111 111 111 111 111 111 111 111 111,00"),
        (Decimal("-12345678901234567890123456789.5"), 0, "-12 345 678 901 234 567 890 123 456 790"),
        (Decimal("12345678901234567890123456789.005"), 2, "12 345 678 901 234 567 890 123 456 789,01"),
    ],
)
def test_numbers_of_more_digits_than_the_default_context_keep_every_digit(value, decimals, expected):
    """A report quotes the figures a file held, 29 digits included: never an exception, and
    no digit lost to Decimal's 28-digit default precision."""
    assert format_number(value, decimals) == expected.replace(" ", NBSP)
    quantity = "9 999 999 999 999 999 999 999 999,5".replace(" ", NBSP)
    assert format_quantity(Decimal("9" * 25 + ".5")) == quantity


def test_format_euros_says_when_an_amount_is_missing():
    assert format_euros(None) == "non chiffré"


@pytest.mark.parametrize(
    ("share", "expected"),
    [(Decimal("0.35"), "35 %"), (Decimal("0.3530958"), "35,3 %"), (Decimal("1"), "100 %")],
)
def test_format_share_prints_a_french_percentage(share, expected):
    assert format_share(share) == expected.replace(" ", NBSP)


def test_format_date_is_day_month_year():
    assert format_date(date(2022, 1, 21)) == "21/01/2022"


def test_normalize_label_ignores_case_accents_and_punctuation():
    assert normalize_label("Région Hauts-de-France") == normalize_label("REGION  hauts de france")
    assert normalize_label("CD 62") == "cd 62"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("2.5"), 0, "3"),  # half away from zero, not to even
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("999"), 0, "999"),
        (Decimal("1000"), 0, "1 000"),
        (Decimal("1234567.891"), 1, "1 234 567,9"),
        (Decimal("-0.001"), 2, "0,00"),
        (7, 0, "7"),
        (2.675, 2, "2,68"),  # a float as written, not as stored (2.67499…)
    ],
)
def test_format_number_rounds_half_up_and_groups_by_three(value, decimals, expected):
    assert format_number(value, decimals) == expected.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (430, "430"),
        (Decimal("12.50"), "12,5"),
        (Decimal("0.1250004"), "0,125"),
        (Decimal("1234.5"), "1 234,5"),
    ],
)
def test_format_quantity_keeps_the_decimals_a_value_has(value, expected):
    assert format_quantity(value) == expected.replace(" ", NBSP)


def test_missing_values_print_what_the_caller_asks():
    assert format_quantity(None) == "" and format_quantity(None, "—") == "—"
    assert format_share(None) == "" and format_share(None, "—") == "—"
    assert format_date(None) == "" and format_date(None, "—") == "—"
    assert format_euros(None, "—") == "—"


def test_format_share_rounds_a_tenth_of_a_percent_half_up():
    assert format_share(Decimal("0.3535")) == f"35,4{NBSP}%"
    assert format_share(Decimal("0.00049")) == f"0,0{NBSP}%"
    assert format_share(Decimal("0.35")) == f"35{NBSP}%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("@SOMME(A1)", "'@SOMME(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-12,5", "-12,5"),
        ("+3.5", "+3.5"),
        ("-١٢", "'-١٢"),  # digits a spreadsheet does not read as a number
        ("-12 €", "'-12 €"),
        ("a=b", "a=b"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralize_formula_guards_what_a_spreadsheet_would_run(value, expected):
    assert neutralize_formula(value) == expected


def test_harden_workbook_turns_every_formula_into_text():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(['=HYPERLINK("http://x")', "texte", 3])
    workbook.create_sheet("autre").append(["=1+1"])
    harden_workbook(workbook)
    assert [c.data_type for c in workbook.active[1]] == ["s", "s", "n"]
    assert workbook["autre"]["A1"].data_type == "s"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (Decimal("999999999999.99"), None),
        (Decimal("-999999999999.99"), None),
        (Decimal("999999999999.994"), None),
        (Decimal("999999999999.995"), "dépasse la limite du champ (12 chiffres avant la virgule)"),
        (Decimal("-1000000000000"), "dépasse la limite du champ (12 chiffres avant la virgule)"),
        (Decimal("NaN"), "n'est pas un nombre"),
        (Decimal("Infinity"), "n'est pas un nombre"),
        (1.5, None),
        (1e20, "dépasse la limite du champ (12 chiffres avant la virgule)"),
    ],
)
def test_decimal_problem_is_what_the_column_cannot_hold(value, problem):
    assert decimal_problem(value, 14, 2) == problem


def test_decimal_problem_reads_the_places_of_the_field():
    assert (
        decimal_problem(Decimal("99.9999995"), 8, 6)
        == "dépasse la limite du champ (2 chiffres avant la virgule)"
    )
    assert decimal_problem(Decimal("99.9999994"), 8, 6) is None
    assert decimal_limit(2, 6) == Decimal("99.9999995")


@pytest.mark.parametrize(
    ("year", "fine"), [(None, True), (2000, True), (2100, True), (1999, False), (2101, False)]
)
def test_year_problem_outside_the_plausible_period(year, fine):
    problem = year_problem(year)
    assert (problem is None) == fine
    if not fine:
        assert problem == f"l'année {year} est hors de la période plausible (2000-2100)"


def test_field_problem_reads_the_limits_the_model_declares():
    from crte.finance.models import FundingLine

    assert field_problem(FundingLine, "amount", Decimal("999999999999.99")) is None  # DECIMAL(14, 2)
    assert field_problem(FundingLine, "amount", Decimal("1e12")) == (
        "dépasse la limite du champ (12 chiffres avant la virgule)"
    )
    assert field_problem(FundingLine, "share", Decimal("100")) == (  # DECIMAL(9, 8)
        "dépasse la limite du champ (1 chiffres avant la virgule)"
    )
