"""Build legion/dashboard/data/world-110m.json (country code -> SVG path) from the
world-atlas npm package (ISC licence; shapes from Natural Earth, public domain).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/world_map_build.py package/countries-110m.json

Equirectangular projection clipped to 60°S..84°N (Antarctica is left out: nobody
applies from there), coordinates rounded to whole units of a 1000×440 view box.
"""

import json
import sys
from pathlib import Path

WIDTH, TOP, BOTTOM = 1000.0, 84.0, -60.0
HEIGHT = WIDTH * (TOP - BOTTOM) / 360.0


def main(source: str) -> None:
    from django_countries import countries

    topo = json.loads(Path(source).read_text())
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            lon, lat = x * sx + tx, y * sy + ty
            points.append(
                (round((lon + 180) / 360 * WIDTH), round((TOP - lat) / (TOP - BOTTOM) * HEIGHT))
            )
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(pts if not points else pts[1:])
        text = f"M{points[0][0]:g} {points[0][1]:g}"
        last = points[0]
        for p in points[1:]:
            if p == last:
                continue
            # A ring crossing the antimeridian (Russia, Fiji) jumps across the map:
            # move there instead of drawing a line through the whole world.
            step = "M" if abs(p[0] - last[0]) > WIDTH / 2 else "L"
            text += f"{step}{p[0]:g} {p[1]:g}"
            last = p
        return text + "Z"

    paths: dict[str, str] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        code = countries.alpha2(int(numeric)) if numeric and numeric.isdigit() else ""
        if not code or code == "AQ":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        paths[code] = "".join(ring(r) for polygon in polygons for r in polygon)
    out = Path(__file__).resolve().parent.parent / "legion/dashboard/data/world-110m.json"
    out.write_text(
        json.dumps({"viewBox": f"0 0 {WIDTH:g} {HEIGHT:.0f}", "countries": paths}, sort_keys=True)
    )
    print(f"{len(paths)} countries -> {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    main(sys.argv[1])
