"""Figures shown on the contract pages, computed from prefetched rows (no query here)."""

from dataclasses import dataclass
from decimal import Decimal

from crte.actions.models import Action
from crte.contracts.models import Orientation
from crte.finance.money import Period, action_total


@dataclass(frozen=True)
class OrientationSummary:
    orientation: Orientation
    actions: list[Action]
    total_amount: Decimal  # sum of the actions' total (non-annual) amounts
    annual_amount: Decimal  # sum of the amounts given per year
    unquantified: int  # actions without an amount
    contract_total: Decimal = Decimal(0)  # over the contract, abandoned actions apart (money.action_total)
    largest: list[Action] | None = None  # the five largest, for the contract's summary page


def summarize(orientation: Orientation, period: Period | None = None) -> OrientationSummary:
    actions = list(orientation.actions.all())
    period = period or Period()
    total = sum((a.amount for a in actions if a.amount is not None and not a.is_annual), Decimal(0))
    annual = sum((a.amount for a in actions if a.amount is not None and a.is_annual), Decimal(0))
    return OrientationSummary(
        orientation=orientation,
        actions=actions,
        total_amount=total,
        annual_amount=annual,
        unquantified=sum(1 for a in actions if a.amount is None),
        largest=sorted(
            actions, key=lambda a: -action_total(a.amount, a.is_annual, a.start_year, a.end_year, period)
        )[:5],
        contract_total=sum(
            (
                action_total(a.amount, a.is_annual, a.start_year, a.end_year, period)
                for a in actions
                if a.maturity != Action.Maturity.ABANDONNEE
            ),
            Decimal(0),
        ),
    )


def orientation_summaries(orientations, period: Period | None = None) -> list[OrientationSummary]:
    return [summarize(o, period) for o in orientations]
