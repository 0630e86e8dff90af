"""Bar charts as inline SVG, drawn on the server: no script, no CDN, the same picture on
the page and in PDF documents. Every piece goes through `format_html`, which escapes text
and attribute values alike (quotes included): what people wrote never becomes markup."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


def svg_open(width: int, height: int, title: str, **attributes) -> SafeString:
    """The opening tag with an accessible name, and the title element."""
    extra = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in attributes.items()))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-label="{}" font-family="Marianne, Arial, sans-serif"{}><title>{}</title>',
        width,
        height,
        title,
        extra,
        title,
    )


def join(parts: list) -> SafeString:
    """Pieces built with format_html, closed by </svg> (format_html_join escapes anything
    that is not already an escaped piece)."""
    return format_html("{}</svg>", format_html_join("", "{}", ((part,) for part in parts)))


def stacked_bars(rows: dict, series: list, *, title: str, width: int = 760) -> str:
    """Horizontal bars, one per row, stacked by series. `rows`: {label: {serie: amount}}."""
    rows = {label: values for label, values in rows.items() if sum(values.values(), Decimal(0))}
    if not rows:
        return ""
    label_width, bar_height, gap, legend_height = 230, 18, 8, 22 * ((len(series) + 2) // 3)
    plot = width - label_width - 110
    largest = max(sum(v.values(), Decimal(0)) for v in rows.values())
    height = legend_height + len(rows) * (bar_height + gap) + 30
    parts = [svg_open(width, height, title, font_size=12)]
    for index, serie in enumerate(series):
        x, y = (index % 3) * (width // 3), (index // 3) * 22
        colour = PALETTE[index % len(PALETTE)]
        parts.append(format_html('<rect x="{}" y="{}" width="12" height="12" fill="{}"/>', x, y + 4, colour))
        parts.append(format_html('<text x="{}" y="{}">{}</text>', x + 18, y + 15, str(serie)[:40]))
    for row_index, (label, values) in enumerate(rows.items()):
        y = legend_height + 10 + row_index * (bar_height + gap)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>', label_width - 8, y + 13, str(label)[:34]
            )
        )
        x = label_width
        for index, serie in enumerate(series):
            amount = values.get(serie, Decimal(0))
            if not amount:
                continue
            span = float(amount / largest) * plot  # pixels, not money
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} — {} : {}</title></rect>',
                    f"{x:.1f}",
                    y,
                    f"{span:.1f}",
                    bar_height,
                    PALETTE[index % len(PALETTE)],
                    label,
                    serie,
                    format_euros(amount),
                )
            )
            x += span
        total = sum(values.values(), Decimal(0))
        parts.append(
            format_html(
                '<text x="{}" y="{}">{}</text>',
                f"{x + 6:.1f}",
                y + 13,
                format_euros(total.quantize(Decimal(1))),
            )
        )
    return join(parts)


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
    frame = _Frame.around(dates, values, width, height)
    parts = [svg_open(width, height, title, font_size=11), *_axes(frame)]
    if trajectory is not None:
        parts.append(_trajectory_line(frame, trajectory))
    if series:
        parts += _series_marks(frame, series, unit)
    return join(parts)


@dataclass(frozen=True)
class _Frame:
    """Where a (date, value) point stands in a chart of `width` × `height` pixels, inside
    its margins."""

    first: date
    last: date
    low: Decimal
    high: Decimal
    width: int
    height: int
    left: ClassVar[int] = 70
    right: ClassVar[int] = 20
    top: ClassVar[int] = 20
    bottom: ClassVar[int] = 30

    @classmethod
    def around(cls, dates: list, values: list, width: int, height: int) -> "_Frame":
        low, high = min(values), max(values)
        if high == low:
            high = low + 1
        return cls(min(dates), max(dates), low, high, width, height)

    @property
    def base(self) -> int:
        return self.height - self.bottom

    def x(self, day) -> str:
        span_days = max((self.last - self.first).days, 1)
        return (
            f"{self.left + (day - self.first).days / span_days * (self.width - self.left - self.right):.1f}"
        )

    def y(self, value) -> str:
        share = float((self.high - value) / (self.high - self.low))
        return f"{self.top + share * (self.height - self.top - self.bottom):.1f}"


def _axes(frame: _Frame) -> list[SafeString]:
    """The base line, the highest and lowest values, the first and last years."""
    left, right, top, base = frame.left, frame.width - frame.right, frame.top, frame.base
    return [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#929292"/>', left, base, right, base),
        format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', left - 6, top + 4, _short(frame.high)),
        format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', left - 6, base, _short(frame.low)),
        format_html('<text x="{}" y="{}">{}</text>', left, frame.height - 8, frame.first.year),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', right, frame.height - 8, frame.last.year
        ),
    ]


def _trajectory_line(frame: _Frame, trajectory) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#009081" stroke-width="2" '
        'stroke-dasharray="6 4"><title>Trajectoire</title></line>',
        frame.x(trajectory.baseline_date),
        frame.y(trajectory.baseline),
        frame.x(trajectory.target_date),
        frame.y(trajectory.target),
    )


def _series_marks(frame: _Frame, series, unit: str) -> list[SafeString]:
    """The measured values: a line through them, and a dot for each with its value."""
    points = " ".join(f"{frame.x(d)},{frame.y(v)}" for d, v, _ in series)
    marks = [format_html('<polyline points="{}" fill="none" stroke="#000091" stroke-width="2"/>', points)]
    for day, value, demo in series:
        label = f"{day:%d/%m/%Y} : {_short(value)} {unit}" + (" (démonstration)" if demo else "")
        marks.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="#000091" data-value="{}"><title>{}</title></circle>',
                frame.x(day),
                frame.y(value),
                f"{Decimal(value).normalize():f}",
                label,
            )
        )
    return marks


def _short(value) -> str:
    decimals = 0 if abs(value) >= 100 else 2
    return format_number(value, decimals)
