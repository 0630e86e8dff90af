"""French formats for people: `1 234 567,89 €`, `21/01/2022`, `35 %`. Pure functions."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

NBSP = "\u00a0"  # thousands separator and space before the unit, as French typography wants


def rounded_to(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, however many digits it has (a report
    quotes figures of 29 digits a file held; the default context keeps 28)."""
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int | float, decimals: int = 0) -> str:
    rounded = rounded_to(Decimal(str(value)), decimals)
    sign = "-" if rounded < 0 else ""
    # Python groups by threes with commas and marks decimals with a point: French swaps them.
    return sign + f"{rounded.copy_abs():,f}".replace(",", NBSP).replace(".", ",")


def format_quantity(value: Decimal | int | None, empty: str = "") -> str:
    """A measured value as written: `430` for a count, `12,5` or `0,125` for a fraction,
    never `430,00` (as many decimals as the value has, at most 6)."""
    if value is None:
        return empty
    decimal = rounded_to(Decimal(str(value)), 6).normalize()
    places = max(0, -decimal.as_tuple().exponent)
    return format_number(decimal, places)


def format_euros(value: Decimal | int | None, empty: str = "non chiffré") -> str:
    """Whole euros print without cents (`700 000 €`), others to the cent (`133 890,50 €`)."""
    if value is None:
        return empty
    amount = Decimal(value)
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{format_number(amount, decimals)}{NBSP}€"


def format_share(share: Decimal | None, empty: str = "") -> str:
    """A share stored as a fraction (0.35) prints as a French percentage (`35 %`)."""
    if share is None:
        return empty
    percent = Decimal(share) * 100
    decimals = 0 if percent == percent.to_integral_value() else 1
    return f"{format_number(percent, decimals)}{NBSP}%"


def format_date(value: date | None, empty: str = "") -> str:
    return value.strftime("%d/%m/%Y") if value else empty


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_STARTS)  # one character each: a set look-up per cell
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")  # ASCII digits, as the SQL of crte_text


def neutralize_formula(value):
    """A text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1+cmd…`, `@SUM`) gets a
    leading apostrophe, so it stays text; numbers and other values are returned unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_FIRST and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def harden_workbook(workbook) -> None:
    """openpyxl stores any string starting with `=` as a formula: every such cell becomes
    text (the platform never writes formulas of its own)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
