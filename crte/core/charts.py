"""Bar charts as inline SVG, drawn on the server: no script, no CDN, the same picture on
the page and in PDF documents."""

from decimal import Decimal
from xml.sax.saxutils import escape

from crte.core.formats import format_euros, format_number

# DSFR illustrative colours (blue France, then the system's named hues)
PALETTE = [
    "#000091",
    "#6a6af4",
    "#009081",
    "#c3992a",
    "#e4794a",
    "#ce614a",
    "#a558a0",
    "#417dc4",
    "#666666",
]


def stacked_bars(rows: dict, series: list, *, title: str, width: int = 760) -> str:
    """Horizontal bars, one per row, stacked by series. `rows`: {label: {serie: amount}}."""
    rows = {label: values for label, values in rows.items() if sum(values.values(), Decimal(0))}
    if not rows:
        return ""
    label_width, bar_height, gap, legend_height = 230, 18, 8, 22 * ((len(series) + 2) // 3)
    plot = width - label_width - 110
    largest = max(sum(v.values(), Decimal(0)) for v in rows.values())
    height = legend_height + len(rows) * (bar_height + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" '
        'font-family="Marianne, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for index, serie in enumerate(series):
        x, y = (index % 3) * (width // 3), (index // 3) * 22
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y + 4}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 15}">{escape(str(serie))[:40]}</text>')
    for row_index, (label, values) in enumerate(rows.items()):
        y = legend_height + 10 + row_index * (bar_height + gap)
        name = escape(str(label))[:34]
        parts.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{name}</text>')
        x = label_width
        for index, serie in enumerate(series):
            amount = values.get(serie, Decimal(0))
            if not amount:
                continue
            span = float(amount / largest) * plot  # pixels, not money
            colour = PALETTE[index % len(PALETTE)]
            tip = f"{escape(str(label))} — {escape(str(serie))} : {format_euros(amount)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{bar_height}" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
            x += span
        total = sum(values.values(), Decimal(0))
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 13}">{format_euros(total.quantize(Decimal(1)))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trajectory_chart(series, trajectory, *, unit: str, title: str, width=520, height=220) -> str:
    """Measured values (dots and line) against the straight path from baseline to target
    (dashed). `series`: [(date, value, is_demo)]."""
    if len(series) < 2 and trajectory is None:
        return ""  # one point alone says nothing a sentence does not
    dates = [d for d, _, _ in series]
    values = [v for _, v, _ in series]
    if trajectory is not None:
        dates += [trajectory.baseline_date, trajectory.target_date]
        values += [trajectory.baseline, trajectory.target]
    if not dates:
        return ""
    first, last = min(dates), max(dates)
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    left, right, top, bottom = 70, 20, 20, 30
    span_days = max((last - first).days, 1)

    def x(day) -> float:
        return left + (day - first).days / span_days * (width - left - right)

    def y(value) -> float:
        return top + float((high - value) / (high - low)) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" font-size="11" '
        'font-family="Marianne, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
        f'y2="{height - bottom}" stroke="#929292"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{escape(_short(high))}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">{escape(_short(low))}</text>',
        f'<text x="{left}" y="{height - 8}">{first.year}</text>',
        f'<text x="{width - right}" y="{height - 8}" text-anchor="end">{last.year}</text>',
    ]
    if trajectory is not None:
        parts.append(
            f'<line x1="{x(trajectory.baseline_date):.1f}" y1="{y(trajectory.baseline):.1f}" '
            f'x2="{x(trajectory.target_date):.1f}" y2="{y(trajectory.target):.1f}" stroke="#009081" '
            'stroke-width="2" stroke-dasharray="6 4"><title>Trajectoire</title></line>'
        )
    if series:
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v, _ in series)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#000091" stroke-width="2"/>')
        for day, value, demo in series:
            label = f"{day:%d/%m/%Y} : {_short(value)} {unit}" + (" (démonstration)" if demo else "")
            parts.append(
                f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="4" fill="#000091" '
                f'data-value="{Decimal(value).normalize():f}">'
                f"<title>{escape(label)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _short(value) -> str:
    decimals = 0 if abs(value) >= 100 else 2
    return format_number(value, decimals)
