"""A map of the territory's communes as inline SVG, drawn on the server from the outlines
shipped in crte/core/data (no tile server, no CDN: the platform runs offline)."""

import json
import math
from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape

from crte.core.formats import format_euros
from crte.core.reference import DATA_DIR

OUTLINES = DATA_DIR / "cabbalr_communes.geojson"
SHADES = ["#f6f6f6", "#cacafb", "#8585f6", "#6a6af4", "#000091"]  # none, then more actions


@cache
def outlines() -> dict[str, dict]:
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f for f in data["features"]}


def rings(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield from polygon


def commune_map(communes, figures: dict, width: int = 640) -> str:
    """`communes`: the territory's communes; `figures`: {insee: {"actions", "amount"}}."""
    shapes = {c.insee_code: (c, outlines()[c.insee_code]) for c in communes if c.insee_code in outlines()}
    if not shapes:
        return ""
    points = [p for _, f in shapes.values() for ring in rings(f["geometry"]) for p in ring]
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((min_y + max_y) / 2))  # keeps the shapes' proportions
    scale = width / ((max_x - min_x) * shrink)
    height = int((max_y - min_y) * scale) + 1
    most = max((v["actions"] for v in figures.values()), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="Carte des communes : actions localisées">'
    ]
    for code, (commune, feature) in sorted(shapes.items()):
        data = figures.get(code, {"actions": 0, "amount": Decimal(0)})
        shade = (
            SHADES[0] if not data["actions"] else SHADES[min(4, 1 + (3 * data["actions"]) // max(most, 1))]
        )
        path = " ".join(
            "M"
            + " L".join(f"{(x - min_x) * shrink * scale:.1f},{(max_y - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings(feature["geometry"])
        )
        tip = f"{commune.name} : {data['actions']} action(s), {format_euros(data['amount'])}"
        parts.append(
            f'<path d="{path}" fill="{shade}" stroke="#ffffff" stroke-width="0.6" '
            f'data-insee="{code}"><title>{escape(tip)}</title></path>'
        )
    parts.append("</svg>")
    return "".join(parts)
