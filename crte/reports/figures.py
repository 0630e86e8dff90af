"""Figures shown on the contract pages, computed from prefetched rows (no query here)."""

from dataclasses import dataclass
from decimal import Decimal

from crte.actions.models import Action
from crte.contracts.models import Orientation


@dataclass(frozen=True)
class OrientationSummary:
    orientation: Orientation
    actions: list[Action]
    total_amount: Decimal  # sum of the actions' total (non-annual) amounts
    annual_amount: Decimal  # sum of the amounts given per year
    unquantified: int  # actions without an amount


def summarize(orientation: Orientation) -> OrientationSummary:
    actions = list(orientation.actions.all())
    total = sum((a.amount for a in actions if a.amount is not None and not a.is_annual), Decimal(0))
    annual = sum((a.amount for a in actions if a.amount is not None and a.is_annual), Decimal(0))
    return OrientationSummary(
        orientation=orientation,
        actions=actions,
        total_amount=total,
        annual_amount=annual,
        unquantified=sum(1 for a in actions if a.amount is None),
    )


def orientation_summaries(orientations) -> list[OrientationSummary]:
    return [summarize(o) for o in orientations]
