"""Whether a number fits the field it is meant for, with a French message when it does not.
Pure (no Django): the callers pass the field's `max_digits` and `decimal_places`."""

from decimal import Decimal
from functools import lru_cache

YEAR_MIN, YEAR_MAX = 2000, 2100  # plausible years for contracts, actions, financing and values
MEASURE_YEAR_MIN = 1990  # an indicator's measured values may go back further (a 1990 baseline)


def year_problem(year: int | None) -> str | None:
    if year is None or YEAR_MIN <= year <= YEAR_MAX:
        return None
    return f"l'année {year} est hors de la période plausible ({YEAR_MIN}-{YEAR_MAX})"


@lru_cache(maxsize=64)
def decimal_limit(whole_digits: int, decimal_places: int) -> Decimal:
    """The first value that, rounded to its places, no longer fits before the point."""
    return Decimal(10) ** whole_digits - Decimal(1).scaleb(-decimal_places) / 2  # rounds to 10**n


def decimal_problem(value: Decimal, max_digits: int, decimal_places: int) -> str | None:
    """None when `value` can be stored in a DECIMAL(max_digits, decimal_places) once rounded
    to its places; otherwise what is wrong, in French."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        return "n'est pas un nombre"
    whole_digits = max_digits - decimal_places
    if abs(value) >= decimal_limit(whole_digits, decimal_places):
        return f"dépasse la limite du champ ({whole_digits} chiffres avant la virgule)"
    return None


def field_problem(model, field_name: str, value) -> str | None:
    """`decimal_problem` against a model's DecimalField (reads its declared limits)."""
    field = model._meta.get_field(field_name)
    return decimal_problem(value, field.max_digits, field.decimal_places)
