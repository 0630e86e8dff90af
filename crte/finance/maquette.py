"""The maquette financière (Art. 6-6): every financing line spread over years, by financer,
orientation, credit type and status.

The amounts per year follow the platform's one money rule (`money.py`), shown on the page
and in the export."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from crte.finance.money import RULE, UNKNOWN_YEAR, LineFacts, Period, period_total, spread

__all__ = ["LineFacts", "Period", "period_total", "spread", "build_maquette", "Maquette"]

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
SPREAD_RULE = RULE


def year_label(year) -> str:
    return str(year) if year is not UNKNOWN_YEAR else "Année non précisée"


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
