"""The money rule of `money.py` written for the database, for pages that sum many
contracts at once (the roll-up). `tests/test_money_sql.py` checks both agree."""

from django.db.models import Case, DecimalField, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Least, Round

MONEY = DecimalField(max_digits=20, decimal_places=2)


def resolved_amount(prefix: str = ""):
    """A line's amount, or its share of its action's amount to the cent."""
    share = ExpressionWrapper(F(f"{prefix}share") * F(f"{prefix}action__amount"), output_field=MONEY)
    return Coalesce(F(f"{prefix}amount"), Round(share, 2, output_field=MONEY), output_field=MONEY)


def years_inside(start, end, contract: str):
    """How many years of [start, end (open: the contract's end)] fall inside the contract's
    period; at least one. `start` is known."""
    last = Greatest(start, Coalesce(end, F(f"{contract}end_year"), start))
    first_inside = Greatest(start, Coalesce(F(f"{contract}start_year"), start))
    last_inside = Least(last, Coalesce(F(f"{contract}end_year"), last))
    return Greatest(
        ExpressionWrapper(last_inside - first_inside + 1, output_field=IntegerField()),
        Value(1),
        output_field=IntegerField(),
    )


def line_period_total(prefix: str = ""):
    """A line's amount over its contract: an amount per year × its years inside the
    contract, a total once (`money.period_total`)."""
    start = Coalesce(F(f"{prefix}start_year"), F(f"{prefix}action__start_year"))
    end = Coalesce(F(f"{prefix}end_year"), F(f"{prefix}action__end_year"))
    years = years_inside(start, end, f"{prefix}action__contract__")
    amount = resolved_amount(prefix)
    return Case(
        When(
            Q(**{f"{prefix}is_annual": True}) & Q(**{f"{prefix}start_year__isnull": False})
            | Q(**{f"{prefix}is_annual": True}) & Q(**{f"{prefix}action__start_year__isnull": False}),
            then=ExpressionWrapper(amount * years, output_field=MONEY),
        ),
        default=amount,
        output_field=MONEY,
    )


def action_period_total(prefix: str = ""):
    """An action's amount over its contract (`money.action_total`)."""
    amount = F(f"{prefix}amount")
    start = F(f"{prefix}start_year")
    years = years_inside(start, F(f"{prefix}end_year"), f"{prefix}contract__")
    return Case(
        When(
            Q(**{f"{prefix}amount_basis": "annuel"}) & Q(**{f"{prefix}start_year__isnull": False}),
            then=ExpressionWrapper(amount * years, output_field=MONEY),
        ),
        default=amount,
        output_field=MONEY,
    )
