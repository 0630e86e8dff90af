"""The maquette financière (Art. 6-6): every financing line spread over years, by financer,
orientation, credit type and status.

Spreading rule (shown on the page and in the export):
- a line's years are its own, else its action's; a span open at the end runs to the end of
  the contract;
- an amount given per year counts for each year of its span within the contract's period
  (a rate paid before the contract is not one of its commitments);
- a total amount is divided evenly between the years of its span, to the cent, the last
  year taking the remainder, so that the years add up to the amount exactly;
- a line whose years are unknown is counted under « année non précisée ».
All arithmetic is Decimal; shares resolve against the action's amount."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
UNKNOWN_YEAR = None

# Statuses grouped as the maquette's totals: prévu, demandé, accordé, versé (refusé apart).
STATUS_GROUPS = {
    "prevu": "prevu",
    "demande": "demande",
    "en_instruction": "demande",
    "sous_reserve": "demande",
    "accorde": "accorde",
    "verse": "verse",
    "refuse": "refuse",
}
GROUP_LABELS = {
    "prevu": "Prévu",
    "demande": "Demandé",
    "accorde": "Accordé",
    "verse": "Versé",
    "refuse": "Refusé",
}
SPREAD_RULE = (
    "Montants annuels comptés chaque année de leur période comprise dans celle du contrat ; "
    "montants totaux répartis à parts "
    "égales entre les années de la période (au centime, le reliquat sur la dernière année) ; "
    "période ouverte prolongée jusqu'à la fin du contrat ; sans année connue : « année non "
    "précisée »."
)


def year_label(year) -> str:
    return str(year) if year is not UNKNOWN_YEAR else "Année non précisée"


@dataclass(frozen=True)
class LineFacts:
    """What the maquette needs of a financing line, independent of the database."""

    funder: str
    orientation: str
    credit_type: str
    status: str
    amount: Decimal | None  # resolved (share x action amount when given as a share)
    is_annual: bool
    start_year: int | None
    end_year: int | None
    action_id: int = 0
    action_title: str = ""


@dataclass(frozen=True)
class Period:
    start: int | None = None
    end: int | None = None


def span(facts: LineFacts, period: Period) -> list[int]:
    start = facts.start_year
    if start is None:
        return []
    end = max(start, facts.end_year or period.end or start)
    return list(range(start, end + 1))


def spread(facts: LineFacts, period: Period) -> dict[int | None, Decimal]:
    """The line's amount per year, by the rule above."""
    if facts.amount is None:
        return {}
    years = span(facts, period)
    if not years:
        return {UNKNOWN_YEAR: facts.amount}
    if facts.is_annual:
        inside = [y for y in years if (period.start or y) <= y <= (period.end or y)]
        return {year: facts.amount for year in inside or years[:1]}
    share = (facts.amount / len(years)).quantize(CENT, rounding=ROUND_DOWN)
    result = {year: share for year in years[:-1]}
    result[years[-1]] = facts.amount - share * (len(years) - 1)
    return result


def period_total(facts: LineFacts, period: Period) -> Decimal:
    """The line's amount over the contract: per year x years for annual lines."""
    return sum(spread(facts, period).values(), Decimal(0))


@dataclass
class Maquette:
    cells: dict[tuple, Decimal] = field(default_factory=dict)  # (funder, year, orientation, credit, status)
    years: list = field(default_factory=list)
    funders: list[str] = field(default_factory=list)
    orientations: list[str] = field(default_factory=list)
    unquantified: int = 0  # lines without a figure

    def total(self, **filters) -> Decimal:
        return sum((amount for key, amount in self.cells.items() if _matches(key, filters)), Decimal(0))

    def pivot(self, rows: str, columns: str, **filters) -> dict:
        """{row: {column: amount}} summed over the other dimensions."""
        table: dict = defaultdict(lambda: defaultdict(Decimal))
        for key, amount in self.cells.items():
            if _matches(key, filters):
                named = dict(zip(DIMENSIONS, key, strict=True))
                row, column = named[rows], named[columns]
                if columns == "status":
                    column = STATUS_GROUPS[column]
                if rows == "status":
                    row = STATUS_GROUPS[row]
                table[row][column] += amount
        return table

    def status_totals(self, **filters) -> dict[str, Decimal]:
        totals = dict.fromkeys(GROUP_LABELS, Decimal(0))
        for key, amount in self.cells.items():
            if _matches(key, filters):
                totals[STATUS_GROUPS[key[4]]] += amount
        return totals


DIMENSIONS = ("funder", "year", "orientation", "credit_type", "status")


def _matches(key: tuple, filters: dict) -> bool:
    named = dict(zip(DIMENSIONS, key, strict=True))
    for name, wanted in filters.items():
        if wanted in (None, ""):
            continue
        value = named[name]
        if name == "status" and wanted in GROUP_LABELS:
            value = STATUS_GROUPS[value]
        if str(value) != str(wanted):
            return False
    return True


def build_maquette(lines: Iterable[LineFacts], period: Period) -> Maquette:
    maquette = Maquette()
    cells: dict[tuple, Decimal] = defaultdict(Decimal)
    funders, orientations, years = {}, {}, set()
    for facts in lines:
        funders.setdefault(facts.funder, None)
        orientations.setdefault(facts.orientation, None)
        if facts.amount is None:
            maquette.unquantified += 1
            continue
        for year, amount in spread(facts, period).items():
            years.add(year)
            key = (facts.funder, year, facts.orientation, facts.credit_type, facts.status)
            cells[key] += amount
    maquette.cells = dict(cells)
    maquette.funders = list(funders)
    maquette.orientations = list(orientations)
    maquette.years = sorted(y for y in years if y is not None) + (
        [UNKNOWN_YEAR] if UNKNOWN_YEAR in years else []
    )
    return maquette
