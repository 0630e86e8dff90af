"""The one money rule of the platform, used by every page, document and export that shows
a financing figure (the fiche, the actions list, the contract page, the maquette, the
conventions, the dashboard, the roll-up, the versions, the exports). Pure: Decimal
arithmetic, no database. Why this rule: docs/adr/0014-one-money-rule.md.

- A line's amount is the amount written, or its share of the action's amount rounded to
  the cent (half up): `resolved`.
- A line's years are its own when it has a start year, else its action's, never one of
  each: `own_years`. From a start year to an end year; a start year alone is that year for
  a total amount, and runs to the contract's end for an amount per year (« 50 000 €/an à
  compter de 2024 »): `span`.
- Per year, an amount per year counts in each of its years; a total amount is split
  between its years, to the cent, by the largest remainder (`split`). Only the years inside
  the contract's period count; a line with none inside counts once, in its first year:
  `spread`.
- Over the contract, a line counts what its years inside give: `period_total`, the sum of
  `spread`. An action's amount follows the same rule: `action_total`.
- The owner's own share (autofinancement) is a line marked so or financed by one of the
  action's maîtres d'ouvrage: `is_own_share`. A convention never lists it as a partner's.

`sql.py` writes the same rule for the database (the roll-up, the contract page); a property
test compares both."""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TOLERANCE = Decimal(1)  # euros: two sums within a euro agree (shares written as rounded percentages)
UNKNOWN_YEAR = None
ZERO = Decimal(0)

RULE = (
    "Montant d'une ligne : le montant écrit, ou sa part du montant de l'action arrondie au "
    "centime. Années d'une ligne : les siennes, sinon celles de l'action ; une année seule est "
    "l'année de la ligne pour un montant total, et court jusqu'à la fin du contrat pour un montant "
    "annuel (« par an à compter de »). Par année : un montant annuel compte pour chacune de ses "
    "années ; un montant total est réparti entre ses années au centime, les centimes restants un "
    "par un aux premières années (plus forts restes). Seules comptent les années comprises dans "
    "le contrat ; une ligne dont aucune année n'y est compte une fois, pour sa première année. "
    "Sur la durée du contrat, une ligne compte la somme de ses années. Sans année connue : "
    "« année non précisée ». La part des maîtres d'ouvrage (autofinancement) ne figure pas dans "
    "les conventions financières."
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


def own_years(
    line_start: int | None, line_end: int | None, action_start: int | None, action_end: int | None
) -> tuple[int | None, int | None]:
    """A line's years: its own when it has a start year, else its action's (a line of
    2024 in an action of 2022-2026 is of 2024, not of 2024-2026)."""
    return (line_start, line_end) if line_start is not None else (action_start, action_end)


def span(start: int | None, end: int | None, period: Period, annual: bool = False) -> list[int]:
    """The years from `start` to `end`. A start alone is that year for a total amount; an
    amount per year runs to the contract's end (« par an à compter de »)."""
    if start is None:
        return []
    if end is None:
        end = (period.end or start) if annual else start
    return list(range(start, max(start, end) + 1))


def inside(years: list[int], period: Period) -> list[int]:
    return [y for y in years if (period.start or y) <= y <= (period.end or y)]


def years_inside(start: int | None, end: int | None, period: Period, annual: bool = False) -> list[int]:
    """The years of a span inside the contract's period (the first year if none is)."""
    years = span(start, end, period, annual)
    return inside(years, period) or years[:1]


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` to the cent by the largest remainder: each part the even share
    rounded down to the cent, then the cents left one each to the parts of the largest
    remainders (all equal here: the first parts). The parts add up to `total` exactly."""
    whole = int((total / CENT).to_integral_value())
    base, left = divmod(whole, parts)
    return [(base + (1 if n < left else 0)) * CENT for n in range(parts)]


def spread(facts: LineFacts, period: Period) -> dict[int | None, Decimal]:
    """The line's amount per year counted in the contract (`UNKNOWN_YEAR` without years)."""
    if facts.amount is None:
        return {}
    years = span(facts.start_year, facts.end_year, period, facts.is_annual)
    if not years:
        return {UNKNOWN_YEAR: facts.amount}
    kept = inside(years, period)
    if not kept:  # dated outside the contract: counted once, never lost
        return {years[0]: facts.amount}
    if facts.is_annual:
        return dict.fromkeys(kept, facts.amount)
    parts = dict(zip(years, split(facts.amount, len(years)), strict=True))
    return {year: parts[year] for year in kept}


def period_total(facts: LineFacts, period: Period) -> Decimal:
    """The line's amount over the contract: the sum of its years counted."""
    return sum(spread(facts, period).values(), ZERO)


def is_own_share(funder_id: int | None, owner_ids: set[int], marked: bool = False) -> bool:
    """The maître d'ouvrage's own share (autofinancement): marked so, or financed by one of
    the action's owners."""
    return marked or (funder_id is not None and funder_id in owner_ids)


AN_ACTION = LineFacts("", "", "", "", None, False, None, None)  # an action's figures as a line's


def action_total(
    amount: Decimal | None, is_annual: bool, start: int | None, end: int | None, period: Period
) -> Decimal:
    """An action's amount over the contract, by the same rule as its lines."""
    facts = replace(AN_ACTION, amount=amount, is_annual=is_annual, start_year=start, end_year=end)
    return period_total(facts, period)
