"""French formats for people: `1 234 567,89 €`, `21/01/2022`, `35 %`. Pure functions."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # thousands separator and space before the unit, as French typography wants


def format_number(value: Decimal | int | float, decimals: int = 0) -> str:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


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
