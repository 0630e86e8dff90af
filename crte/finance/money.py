"""The one money rule of the platform, used by every page, document and export that shows
a financing figure (the fiche, the maquette, the roll-up, the convention, the dashboard,
the versions, the exports). Pure: Decimal arithmetic, no database.

- A line's amount is the amount written, or its share of the action's amount rounded to
  the cent (half up): `resolved`.
- A line's years are its own, else its action's; a span open at the end runs to the end
  of the contract: `span`.
- Over the contract, an amount given per year counts once for each year of its span
  inside the contract's period (at least one); a total amount counts once:
  `period_total`.
- Per year, a total amount is divided evenly between the years of its span, to the cent,
  the last year taking the remainder so the years add up exactly: `spread`.
- An action's amount over the contract follows the same rule: `action_total`.

`crte.reports.rollup` writes the same rule in SQL for the national roll-up (`sql.py`);
a test compares both on generated data."""

from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNKNOWN_YEAR = None
ZERO = Decimal(0)

RULE = (
    "Montant d'une ligne : le montant écrit, ou sa part du montant de l'action arrondie au "
    "centime. Sur la durée du contrat, un montant annuel compte pour chaque année de sa période "
    "comprise dans celle du contrat (au moins une) ; un montant total compte une fois. Par année, "
    "un montant total est réparti à parts égales entre les années de sa période (au centime, le "
    "reliquat sur la dernière année) ; une période ouverte court jusqu'à la fin du contrat ; "
    "sans année connue : « année non précisée »."
)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def resolved(amount: Decimal | None, share: Decimal | None, action_amount: Decimal | None) -> Decimal | None:
    """The line's amount in euros: as written, or its share of the action's amount."""
    if amount is not None:
        return amount
    if share is not None and action_amount is not None:
        return cents(share * action_amount)
    return None


@dataclass(frozen=True)
class Period:
    start: int | None = None
    end: int | None = None

    def years(self) -> int | None:
        return self.end - self.start + 1 if self.start and self.end and self.end >= self.start else None


@dataclass(frozen=True)
class LineFacts:
    """What the money rule needs of a financing line, independent of the database."""

    funder: str
    orientation: str
    credit_type: str
    status: str
    amount: Decimal | None  # resolved
    is_annual: bool
    start_year: int | None
    end_year: int | None
    action_id: int = 0
    action_title: str = ""


def span(start: int | None, end: int | None, period: Period) -> list[int]:
    if start is None:
        return []
    last = max(start, end or period.end or start)
    return list(range(start, last + 1))


def years_inside(start: int | None, end: int | None, period: Period) -> list[int]:
    """The years of a span inside the contract's period (the first year if none is)."""
    years = span(start, end, period)
    inside = [y for y in years if (period.start or y) <= y <= (period.end or y)]
    return inside or years[:1]


def spread(facts: LineFacts, period: Period) -> dict[int | None, Decimal]:
    """The line's amount per year."""
    if facts.amount is None:
        return {}
    years = span(facts.start_year, facts.end_year, period)
    if not years:
        return {UNKNOWN_YEAR: facts.amount}
    if facts.is_annual:
        return dict.fromkeys(years_inside(facts.start_year, facts.end_year, period), facts.amount)
    share = (facts.amount / len(years)).quantize(CENT, rounding=ROUND_DOWN)
    result = dict.fromkeys(years[:-1], share)
    result[years[-1]] = facts.amount - share * (len(years) - 1)
    return result


def period_total(facts: LineFacts, period: Period) -> Decimal:
    """The line's amount over the contract: per year × its years inside, or once."""
    if facts.amount is None:
        return ZERO
    if facts.is_annual and facts.start_year is not None:
        return facts.amount * len(years_inside(facts.start_year, facts.end_year, period))
    return facts.amount


AN_ACTION = LineFacts("", "", "", "", None, False, None, None)  # an action's figures as a line's


def action_total(
    amount: Decimal | None, is_annual: bool, start: int | None, end: int | None, period: Period
) -> Decimal:
    """An action's amount over the contract, by the same rule as its lines."""
    facts = replace(AN_ACTION, amount=amount, is_annual=is_annual, start_year=start, end_year=end)
    return period_total(facts, period)
