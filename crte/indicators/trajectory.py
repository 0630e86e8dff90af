"""Trajectories: the straight path from an indicator's baseline to its target, where a
measured value stands against it, and how far. Pure functions on Decimals."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ON_TRACK, LATE, NO_DATA = "on_track", "late", "no_data"
LABELS = {ON_TRACK: "Dans la trajectoire", LATE: "En retard", NO_DATA: "Pas de donnée"}
STEADY_TOLERANCE = Decimal("0.05")  # « maintien »: within 5 % of the baseline


@dataclass(frozen=True)
class Trajectory:
    baseline_date: date
    baseline: Decimal
    target_date: date
    target: Decimal

    def expected(self, on: date) -> Decimal:
        """The value the straight path expects on a date (held at the ends)."""
        if on <= self.baseline_date:
            return self.baseline
        if on >= self.target_date:
            return self.target
        elapsed = Decimal((on - self.baseline_date).days)
        length = Decimal((self.target_date - self.baseline_date).days)
        return self.baseline + (self.target - self.baseline) * elapsed / length


def target_value(baseline: Decimal | None, value: Decimal | None, change: Decimal | None):
    """A target given as a value, or as a change from the baseline (-0.24 for -24 %,
    4 for "× 5"); None when it cannot be known yet."""
    if value is not None:
        return value
    if change is not None and baseline is not None:
        return baseline * (1 + change)
    return None


@dataclass(frozen=True)
class Position:
    status: str
    expected: Decimal | None = None
    gap: Decimal | None = None  # measured - expected, in the indicator's unit
    gap_ratio: Decimal | None = None  # gap / expected

    @property
    def label(self) -> str:
        return LABELS[self.status]


def position(
    trajectory: Trajectory | None, direction: str, on: date | None, value: Decimal | None
) -> Position:
    """Where the last value stands: ahead of (or on) the path is on track, behind is late."""
    if trajectory is None or value is None or on is None:
        return Position(NO_DATA)
    expected = trajectory.expected(on)
    gap = value - expected
    ratio = gap / expected if expected else None
    if direction == "baisse":
        ok = value <= expected
    elif direction == "hausse":
        ok = value >= expected
    else:
        reference = trajectory.baseline or Decimal(1)
        ok = abs(value - trajectory.baseline) <= abs(reference) * STEADY_TOLERANCE
    return Position(ON_TRACK if ok else LATE, expected, gap, ratio)
