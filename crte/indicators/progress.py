"""Where each indicator of a contract stands against its trajectory, as of a date."""

import datetime as dt

from django.db.models import Prefetch

from crte.indicators.models import Indicator, Measurement
from crte.indicators.trajectory import LABELS, Trajectory, position, target_value


def indicator_rows(contract, orientation, today: dt.date) -> list[dict]:
    indicators = Indicator.objects.filter(contract=contract)
    if orientation is not None:
        indicators = indicators.filter(orientation=orientation)
    values = Measurement.objects.filter(date__lte=today).order_by("date")
    indicators = indicators.prefetch_related("targets", Prefetch("measurements", queryset=values))
    rows = []
    for indicator in indicators.order_by("level", "code"):
        measurements = list(indicator.measurements.all())
        last = measurements[-1] if measurements else None
        target = max(indicator.targets.all(), key=lambda t: t.year, default=None)
        goal = (
            target_value(indicator.baseline_value, target.value, target.relative_change) if target else None
        )
        trajectory = None
        if goal is not None and indicator.baseline_year and indicator.baseline_value is not None:
            trajectory = Trajectory(
                dt.date(indicator.baseline_year, 1, 1),
                indicator.baseline_value,
                dt.date(target.year, 1, 1),
                goal,
            )
        where = position(
            trajectory,
            indicator.direction,
            last.date if last else None,
            last.value if last else None,
        )
        rows.append(
            {
                "indicator": indicator,
                "target": target,
                "goal": goal,
                "last": last,
                "position": where,
                "status_label": LABELS[where.status],
                "trajectory": trajectory,
                "series": [(m.date, m.value, m.is_demo) for m in measurements],
                "is_demo": indicator.baseline_is_demo or any(m.is_demo for m in measurements),
            }
        )
    return rows
