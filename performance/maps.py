"""The county map, drawn on the server as SVG from the shipped boundaries.

Plotly's geo charts fetch a world base map from its CDN at run time, even over custom GeoJSON;
a government intranet has no internet, so the map stayed empty. The map is simple enough to
draw here: the 22 counties and cities, projected once per process, coloured by the number of
programs in a few classes, each a link that filters the dashboard. It needs no JavaScript,
makes no request, and looks the same in a PDF.

Pure: boundaries in, drawing out. The view supplies the counts and the links.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .counties import county_label

GEOJSON_PATH = Path(__file__).parent / "static" / "performance" / "geo" / "taiwan-counties.geojson"
WIDTH = 400  # the SVG's user units; it scales to its box
# Sequential blues from ColorBrewer (colour-blind safe), lightest for the fewest programs.
CLASS_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_PROGRAM_COLOUR = "#f4f4f4"
SELECTED_STROKE = "#d4351c"


@dataclass(frozen=True)
class CountyShape:
    code: str
    name: str
    path: str  # SVG path data in the map's user units
    label_x: float
    label_y: float


@dataclass(frozen=True)
class MapCounty:
    code: str
    name: str
    path: str
    fill: str
    programs: int
    url: str
    selected: bool


@dataclass(frozen=True)
class LegendClass:
    colour: str
    low: int
    high: int


@dataclass(frozen=True)
class CountyMap:
    width: int
    height: int
    counties: list[MapCounty]
    legend: list[LegendClass]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@lru_cache(maxsize=1)
def county_shapes(path: Path = GEOJSON_PATH) -> tuple[tuple[CountyShape, ...], int]:
    """Every county's outline as SVG path data (equirectangular, scaled by the cosine of the
    middle latitude, which at Taiwan's size is indistinguishable from Mercator), and the
    height that keeps the aspect ratio at WIDTH."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    points = [pt for f in features for ring in _rings(f["geometry"]) for pt in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / ((max_lon - min_lon) * x_scale)
    height = math.ceil((max_lat - min_lat) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - min_lon) * x_scale * scale, (max_lat - lat) * scale

    shapes = []
    for feature in features:
        parts, xs, ys = [], [], []
        for ring in _rings(feature["geometry"]):
            projected = [project(lon, lat) for lon, lat in ring]
            xs += [x for x, _y in projected]
            ys += [y for _x, y in projected]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
        properties = feature["properties"]
        shapes.append(
            CountyShape(
                code=str(properties["code"]),
                name=properties["name"],
                path="".join(parts),
                label_x=round(sum(xs) / len(xs), 1),
                label_y=round(sum(ys) / len(ys), 1),
            )
        )
    return tuple(shapes), height


def legend_classes(counts: list[int]) -> list[LegendClass]:
    """Up to five classes of equal width between the smallest and the largest count above 0
    (0 has its own colour), so that the colours tell counties apart even when nationwide
    programs lift every county, and mean the numbers the legend prints."""
    present = [count for count in counts if count > 0]
    if not present:
        return []
    bottom, top = min(present), max(present)
    classes = min(len(CLASS_COLOURS), top - bottom + 1)
    width = math.ceil((top - bottom + 1) / classes)
    colours = CLASS_COLOURS[len(CLASS_COLOURS) - classes :]  # the darker end for few classes
    legend, low = [], bottom
    for colour in colours:
        if low > top:
            break
        high = min(low + width - 1, top)
        legend.append(LegendClass(colour=colour, low=low, high=high))
        low = high + 1
    return legend


def _fill(count: int, legend: list[LegendClass]) -> str:
    for item in legend:
        if item.low <= count <= item.high:
            return item.colour
    return NO_PROGRAM_COLOUR


def county_map(*, counts: dict[str, int], urls: dict[str, str], selected: str) -> CountyMap:
    """The map of `counts` (programs per county code), each county linking to `urls[code]`."""
    shapes, height = county_shapes()
    legend = legend_classes(list(counts.values()))
    counties = [
        MapCounty(
            code=shape.code,
            name=county_label(shape.code),
            path=shape.path,
            fill=_fill(counts.get(shape.code, 0), legend),
            programs=counts.get(shape.code, 0),
            url=urls.get(shape.code, ""),
            selected=shape.code == selected,
        )
        for shape in shapes
    ]
    # The selected county last, so that its outline is drawn over its neighbours'.
    counties.sort(key=lambda county: county.selected)
    return CountyMap(width=WIDTH, height=height, counties=counties, legend=legend)
