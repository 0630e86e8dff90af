"""Bar charts as inline SVG, drawn on the server: no script, no CDN, the same picture on
the page and in PDF documents."""

from decimal import Decimal
from xml.sax.saxutils import escape

from crte.core.formats import format_euros

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
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 13}">{format_euros(total.quantize(Decimal(1)))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
