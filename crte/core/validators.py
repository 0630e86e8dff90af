"""Validators shared by models and forms, with French messages."""

from django.core.exceptions import ValidationError

from crte.core.limits import YEAR_MAX, YEAR_MIN


def plausible_date(value) -> None:
    """A date of a contract's life: within the plausible years (limits.YEAR_MIN to YEAR_MAX), so that a typing
    slip (31/12/9999) never freezes a convention or dates a meeting in another century."""
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(
            f"Indiquez une date entre {YEAR_MIN} et {YEAR_MAX} (reçu : {value:%d/%m/%Y}).",
            code="plausible_date",
        )
