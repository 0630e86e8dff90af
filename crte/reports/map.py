"""Maps as inline SVG, drawn on the server from the outlines shipped in crte/core/data/contours
(IGN Admin Express COG 2018, SOURCES.md there): no tile server, no CDN, the platform runs
offline. Outlines are of 2018; a commune merged since is drawn from its former communes'
outlines, dissolved into one shape (the borders they share are not drawn). Every piece
goes through format_html: names never become markup."""

import gzip
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from django.utils.html import format_html

from crte.core.charts import join, svg_open
from crte.core.formats import format_euros
from crte.core.models import FormerCommune
from crte.core.reference import DATA_DIR

CONTOURS = DATA_DIR / "contours"
SHADES = ["#f6f6f6", "#cacafb", "#8585f6", "#6a6af4", "#000091"]  # none, then more actions


@cache
def outline_files() -> dict[str, str]:
    """Département code -> outline file name (communes-62-pas-de-calais.geojson.gz)."""
    files = {}
    for path in (CONTOURS / "communes").glob("communes-*.geojson.gz"):
        files[path.name.split("-")[1]] = path.name
    return files


@lru_cache(maxsize=16)
def departement_outlines(code: str) -> dict[str, dict]:
    """Outlines of one département's communes (2018 codes) -> geometry."""
    name = outline_files().get(code)
    if name is None:
        return {}
    with gzip.open(CONTOURS / "communes" / name, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return {f["properties"]["code"]: frozen(f["geometry"]) for f in data["features"]}


def frozen(geometry: dict) -> dict:
    """Coordinates as tuples: kept in memory between requests, nested lists would be walked
    by every full garbage collection (tens of milliseconds on a national page); tuples of
    numbers are not."""

    def tuples(value):
        return tuple(tuples(v) for v in value) if isinstance(value, list) else value

    return {"type": geometry["type"], "coordinates": tuples(geometry["coordinates"])}


def rings(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield from polygon


def commune_shapes(communes) -> dict[str, tuple[object, list[dict]]]:
    """INSEE code of today's commune -> (commune, the 2018 outlines that make it up)."""
    communes = {c.insee_code: c for c in communes}
    parts: dict[str, list[str]] = {code: [code] for code in communes}
    for former_code, current in FormerCommune.objects.filter(
        current__insee_code__in=list(communes)
    ).values_list("code", "current__insee_code"):
        if former_code not in parts[current]:
            parts[current].append(former_code)
    shapes = {}
    for code, commune in communes.items():
        departement = commune.departement_code
        outlines = departement_outlines(departement)
        geometries = [outlines[c] for c in parts[code] if c in outlines]
        if geometries:
            shapes[code] = (commune, geometries)
    return shapes


class Projection:
    """Longitude/latitude to SVG pixels, keeping proportions at the area's latitude."""

    def __init__(self, points: list, width: int):
        self.min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
        self.min_y, self.max_y = min(p[1] for p in points), max(p[1] for p in points)
        self.shrink = math.cos(math.radians((self.min_y + self.max_y) / 2))
        self.scale = width / max((max_x - self.min_x) * self.shrink, 1e-9)
        self.height = int((self.max_y - self.min_y) * self.scale) + 1

    def point(self, x: float, y: float) -> str:
        return f"{(x - self.min_x) * self.shrink * self.scale:.1f},{(self.max_y - y) * self.scale:.1f}"

    def fill_path(self, geometries: list[dict]) -> str:
        return " ".join(
            "M" + " L".join(self.point(x, y) for x, y in ring) + " Z" for g in geometries for ring in rings(g)
        )

    def border_path(self, geometries: list[dict]) -> str:
        """The outline of several adjoining shapes: the edges they share (found twice)
        cancel out, what remains is the outer border."""
        if len(geometries) == 1:
            return self.fill_path(geometries)
        count: dict[tuple, int] = defaultdict(int)
        edges = []
        for geometry in geometries:
            for ring in rings(geometry):
                for a, b in zip(ring, ring[1:], strict=False):
                    a, b = (round(a[0], 5), round(a[1], 5)), (round(b[0], 5), round(b[1], 5))
                    key = (a, b) if a <= b else (b, a)
                    count[key] += 1
                    edges.append((a, b, key))
        return " ".join(f"M{self.point(*a)} L{self.point(*b)}" for a, b, key in edges if count[key] == 1)


def shade_for(count: int, most: int) -> str:
    """Blank for none, then four blues up to the largest count."""
    return SHADES[0] if not count else SHADES[min(4, 1 + (3 * count) // max(most, 1))]


def commune_map(communes, figures: dict, width: int = 640) -> str:
    """`communes`: the territory's communes; `figures`: {insee: {"actions", "amount"}}."""
    key = tuple(sorted((c.insee_code, c.name, c.departement_code) for c in communes))
    height, drawn = commune_paths(key, width)
    if not height:
        return ""
    most = max((v["actions"] for v in figures.values()), default=0)
    parts = [svg_open(width, height, "Carte des communes : actions localisées")]
    for code, name, fill, border in drawn:
        data = figures.get(code, {"actions": 0, "amount": Decimal(0)})
        shade = shade_for(data["actions"], most)
        parts.append(
            format_html(
                '<g><path d="{}" fill="{}" stroke="{}" stroke-width="0.3" data-insee="{}">'
                "<title>{} : {} action(s), {}</title></path>"
                '<path d="{}" fill="none" stroke="#ffffff" stroke-width="0.6"/></g>',
                fill,
                shade,
                shade,
                code,
                name,
                data["actions"],
                format_euros(data["amount"]),
                border,
            )
        )
    return join(parts)


@dataclass(frozen=True)
class Place:
    insee_code: str
    name: str
    departement_code: str


@lru_cache(maxsize=64)
def commune_paths(communes: tuple[tuple[str, str, str], ...], width: int) -> tuple[int, list[tuple]]:
    """The drawing of a territory's communes (the same for every request of one contract:
    computed once per process). Returns (height, [(code, name, fill path, border path)])."""
    shapes = commune_shapes([Place(*commune) for commune in communes])
    if not shapes:
        return 0, []
    points = [p for _, geometries in shapes.values() for g in geometries for ring in rings(g) for p in ring]
    projection = Projection(points, width)
    return projection.height, [
        (code, commune.name, projection.fill_path(geometries), projection.border_path(geometries))
        for code, (commune, geometries) in sorted(shapes.items())
    ]


def departement_map(rows: dict[str, dict], width: int = 560) -> str:
    """The perimeter roll-up's map: each département of metropolitan France shaded by its
    number of contracts. `rows`: {code: {"name", "contracts", "amount"}}; départements
    without a contract are drawn blank for context (overseas ones are listed, not drawn)."""
    height, paths = departement_paths(
        tuple(sorted(code for code in rows if code in departement_features())), width
    )
    if not height:
        return ""
    most = max((r["contracts"] for r in rows.values()), default=0)
    parts = [svg_open(width, height, "Carte des départements du périmètre : nombre de contrats")]
    for code, path in sorted(paths.items()):
        if code not in rows:
            parts.append(
                format_html('<path d="{}" fill="#ffffff" stroke="#cecece" stroke-width="0.5"/>', path)
            )
    for code, path in sorted(paths.items()):
        if code not in rows:
            continue
        row = rows[code]
        shade = shade_for(row["contracts"], most)
        parts.append(
            format_html(
                '<path d="{}" fill="{}" stroke="#ffffff" stroke-width="0.8" data-departement="{}">'
                "<title>{} ({}) : {} contrat(s), {}</title></path>",
                path,
                shade,
                code,
                row["name"],
                code,
                row["contracts"],
                format_euros(row["amount"]),
            )
        )
    return join(parts)


@lru_cache(maxsize=32)
def departement_paths(shown: tuple[str, ...], width: int) -> tuple[int, dict[str, str]]:
    """The drawing of every département, framed on the `shown` ones (the same for every
    request of one perimeter: computed once). Returns (height, {code: SVG path})."""
    features = departement_features()
    points = [p for code in shown for ring in rings(features[code]) for p in ring]
    if not points:
        return 0, {}
    projection = Projection(points, width)
    return projection.height, {code: projection.fill_path([g]) for code, g in features.items()}


@cache
def departement_features() -> dict[str, dict]:
    with gzip.open(CONTOURS / "departements-version-simplifiee.geojson.gz", "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return {f["properties"]["code"]: frozen(f["geometry"]) for f in data["features"]}
