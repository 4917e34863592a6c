"""Drawing GeoJSON boundaries as SVG: an equirectangular projection into a fixed viewBox.

Pure (no Django), so the projection is tested without a database. At Iran's latitudes a degree of
longitude is ~0.83 of a degree of latitude; scaling x by the cosine of the mean latitude keeps the
country's shape, which is all a map of 31 provinces needs (no map projection library required).

Coordinates are rounded to whole viewBox units (~1 km for Iran at the default width) and written as
relative steps, which keeps the 31 provinces under 100 kB of path data.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """A longitude/latitude box projected onto a viewBox ``width`` units wide, north up."""

    west: float
    south: float
    east: float
    north: float
    width: int = 2000

    @property
    def x_scale(self) -> float:
        """Length of a degree of longitude relative to one of latitude at the box's middle."""
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def units_per_degree(self) -> float:
        """ViewBox units per degree of latitude."""
        return self.width / ((self.east - self.west) * self.x_scale)

    @property
    def height(self) -> int:
        """Height of the viewBox, keeping the box's proportions."""
        return math.ceil((self.north - self.south) * self.units_per_degree)

    @property
    def view_box(self) -> str:
        """The SVG ``viewBox`` attribute."""
        return f"0 0 {self.width} {self.height}"

    def point(self, lon: float, lat: float) -> Point:
        """The viewBox position of a longitude/latitude (y grows southwards, as in SVG)."""
        scale = self.units_per_degree
        return (lon - self.west) * self.x_scale * scale, (self.north - lat) * scale


# Iran's mainland and islands (44.03–63.33° E, 25.05–39.78° N) with a small margin.
IRAN = Frame(west=43.9, south=24.9, east=63.5, north=39.9)


def _joined(numbers: Iterable[int]) -> str:
    # SVG needs no separator before a minus sign: "3-4" is 3 then -4.
    text = ""
    for number in numbers:
        part = str(number)
        text += part if (not text or part.startswith("-")) else " " + part
    return text


def _ring_d(ring: Sequence[Sequence[float]], frame: Frame) -> str:
    """One closed subpath: an absolute move to the first point, then relative steps."""
    points: list[tuple[int, int]] = []
    for lon, lat, *_ in ring:
        x, y = frame.point(lon, lat)
        rounded = (round(x), round(y))
        if not points or rounded != points[-1]:
            points.append(rounded)
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()
    if len(points) < 3:
        # A ring smaller than a viewBox unit (a rock off the coast) would draw nothing visible.
        return ""
    steps = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        steps.extend((x1 - x0, y1 - y0))
    return f"M{_joined(points[0])}l{_joined(steps)}z"


def path_d(geometry: dict[str, Any], frame: Frame = IRAN) -> str:
    """The SVG path ``d`` of a GeoJSON Polygon or MultiPolygon (draw with ``fill-rule="evenodd"``)."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"Cannot draw a {geometry['type']} as an area")
    return "".join(_ring_d(ring, frame) for polygon in polygons for ring in polygon)


def label_point(lon: float, lat: float, frame: Frame = IRAN) -> tuple[int, int]:
    """Where to put a label for a point (a centroid), in whole viewBox units."""
    x, y = frame.point(lon, lat)
    return round(x), round(y)
