"""The money rule of `money.py` written for the database, for pages that sum many lines or
contracts at once (the roll-up, its summaries, the contract page, the actions list).
`tests/test_money_sql.py` checks both agree on any line and action (hypothesis).

Amounts are computed in whole cents (integers): SQLite keeps decimals as floating point,
so a share rounded half up, a total split over its years and a sum of many lines are exact
only in integers. `Euros` turns cents back into euros, once, after summing."""

from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round
from django.db.models.lookups import IsNull, LessThan

MONEY = DecimalField(max_digits=20, decimal_places=2)
CENTS = BigIntegerField()
SHARE_SCALE = 10**8  # shares have eight decimals


class Euros(Func):
    """Whole cents as euros (exact numeric on PostgreSQL; on SQLite a float read back to
    the cent by the field's converter)."""

    output_field = MONEY
    template = "(CAST(%(expressions)s AS NUMERIC) / 100)"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s / 100.0)", **extra)


def integer(expression):
    return ExpressionWrapper(expression, output_field=CENTS)


def in_cents(amount):
    """An amount of two decimals in whole cents (exact)."""
    return Cast(Round(ExpressionWrapper(amount * Value(100), output_field=MONEY)), CENTS)


def share_in_cents(share, amount):
    """`money.resolved` of a share: share × amount rounded half up to the cent, in integers
    (amount = high × 10⁸ + low cents, so no product exceeds 64 bits)."""
    scaled = Cast(Round(ExpressionWrapper(share * Value(SHARE_SCALE), output_field=MONEY)), CENTS)
    whole = in_cents(amount)
    high = integer(whole / Value(SHARE_SCALE))  # integer division: both are integers
    low = integer(whole - high * Value(SHARE_SCALE))
    return integer(high * scaled + (low * scaled + Value(SHARE_SCALE // 2)) / Value(SHARE_SCALE))


def resolved_cents(prefix: str = ""):
    """A line's amount in cents, or its share of its action's amount to the cent."""
    return Coalesce(
        in_cents(F(f"{prefix}amount")),
        share_in_cents(F(f"{prefix}share"), F(f"{prefix}action__amount")),
        output_field=CENTS,
    )


def resolved_amount(prefix: str = ""):
    """A line's amount, or its share of its action's amount to the cent (`money.resolved`)."""
    return Euros(resolved_cents(prefix))


def period_cents(cents, annual: Q, start, end, contract: str):
    """`money.period_total` of an amount in cents: what its years inside the contract count.

    Its years (`money.span`) run from `start` to `end`; a start alone is that year for a
    total amount and runs to the contract's end for an amount per year (`annual`). A total
    is split over its n years by the largest remainder (q cents a year, the r cents left one
    each to the first years): k years inside from the i-th count q × k plus the cents left
    among them. With no year known, or none inside, the amount counts once."""
    first_contract, last_contract = F(f"{contract}start_year"), F(f"{contract}end_year")
    open_end = Case(When(annual, then=Coalesce(last_contract, start)), default=start)
    last = Greatest(start, Coalesce(end, open_end))
    first_inside = Greatest(start, Coalesce(first_contract, start))
    last_inside = Least(last, Coalesce(last_contract, last))
    inside = integer(last_inside - first_inside + 1)
    even = integer(cents / integer(last - start + 1))  # integer division
    left = integer(cents - even * integer(last - start + 1))
    before = integer(first_inside - start)  # years of the span before the first one inside
    left_inside = Greatest(
        Value(0), integer(Least(before + inside, left, output_field=CENTS) - before), output_field=CENTS
    )
    return Case(
        When(IsNull(start, True), then=cents),
        When(LessThan(inside, 1), then=cents),
        When(annual, then=integer(cents * inside)),
        default=integer(even * inside + left_inside),
        output_field=CENTS,
    )


def line_years(prefix: str = ""):
    """A line's years: its own when it has a start year, else its action's (`money.own_years`)."""
    own = Q(**{f"{prefix}start_year__isnull": False})
    start = Coalesce(F(f"{prefix}start_year"), F(f"{prefix}action__start_year"))
    end = Case(When(own, then=F(f"{prefix}end_year")), default=F(f"{prefix}action__end_year"))
    return start, end


def line_period_cents(prefix: str = ""):
    start, end = line_years(prefix)
    annual = Q(**{f"{prefix}is_annual": True})
    return period_cents(resolved_cents(prefix), annual, start, end, f"{prefix}action__contract__")


def action_period_cents(prefix: str = ""):
    annual = Q(**{f"{prefix}amount_basis": "annuel"})
    start, end = F(f"{prefix}start_year"), F(f"{prefix}end_year")
    return period_cents(in_cents(F(f"{prefix}amount")), annual, start, end, f"{prefix}contract__")


def line_period_total(prefix: str = ""):
    """A line's amount over its contract (`money.period_total`)."""
    return Euros(line_period_cents(prefix))


def action_period_total(prefix: str = ""):
    """An action's amount over its contract (`money.action_total`)."""
    return Euros(action_period_cents(prefix))


def lines_total(prefix: str = "", **options):
    """The sum of lines' amounts over their contracts, summed in cents (exact)."""
    return Euros(Sum(line_period_cents(prefix), **options))


def actions_total(prefix: str = "", **options):
    """The sum of actions' amounts over their contracts, summed in cents (exact)."""
    return Euros(Sum(action_period_cents(prefix), **options))


def funding_of_action():
    """For a query on actions: the sum of each action's lines over its contract, 0 without a
    line. An aggregate over the join to the lines (grouped by action: a query that filters
    on other related rows must do it by `pk__in`, or the join multiplies the lines)."""
    return Coalesce(lines_total("funding_lines__"), Value(Decimal(0)), output_field=MONEY)
