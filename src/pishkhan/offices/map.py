"""Offices on the map: dots in the projection of :mod:`pishkhan.geo.maps`, one SVG path per kind.

Pure (no Django). 13,000 offices must not make a page of megabytes: each point is rounded to a whole
viewBox unit (about 1 km at the national width), points that fall on the same unit are drawn once,
and every dot is a zero-length subpath (``m dx dy h0``, drawn with a round line cap) written as a
step from the previous one. Points are visited in narrow vertical strips, up one strip and down the
next, so that the steps stay short.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pishkhan.geo.maps import IRAN, Frame

# Width of the strips that order the dots, in viewBox units.
STRIP = 24
# Room left around a zoomed area, as a share of its larger side, and the smallest side drawn, so a
# province of a few dozen km is not blown up past recognition.
MARGIN = 0.06
MIN_SIDE = 160

_TOKENS = re.compile(r"[A-Za-z]|-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class DotLayer:
    """The offices of one kind: how many, how many distinct dots, and the path that draws them."""

    kind: str
    count: int
    dots: int
    d: str


def _steps(numbers: Iterable[int]) -> str:
    # No separator is needed before a minus sign: "m3-4" moves by 3 then -4.
    text = ""
    for number in numbers:
        part = str(number)
        text += part if not text or part.startswith("-") else " " + part
    return text


def _ordered(points: set[tuple[int, int]]) -> list[tuple[int, int]]:
    def key(point: tuple[int, int]) -> tuple[int, int]:
        strip = point[0] // STRIP
        return strip, point[1] if strip % 2 == 0 else -point[1]

    return sorted(points, key=key)


def dots_d(points: Iterable[tuple[float, float]], frame: Frame = IRAN) -> tuple[str, int]:
    """The path ``d`` drawing a dot at each (lat, lon), and how many distinct dots it holds."""
    rounded = set()
    for lat, lon in points:
        x, y = frame.point(lon, lat)
        rounded.add((round(x), round(y)))
    ordered = _ordered(rounded)
    if not ordered:
        return "", 0
    (x0, y0), parts = ordered[0], []
    parts.append("M" + _steps((x0, y0)) + "h0")
    for (px, py), (x, y) in itertools.pairwise(ordered):
        parts.append("m" + _steps((x - px, y - py)) + "h0")
    return "".join(parts), len(ordered)


def dot_layers(
    points: Iterable[tuple[str, float, float]], kinds: Iterable[str], frame: Frame = IRAN
) -> list[DotLayer]:
    """One layer per kind, in the order of ``kinds``, from (kind, lat, lon) triples.

    A kind with no office gets an empty layer (the legend still lists it with zero).
    """
    by_kind: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    for kind, lat, lon in points:
        by_kind.setdefault(kind, []).append((lat, lon))
    layers = []
    for kind, located in by_kind.items():
        d, dots = dots_d(located, frame)
        layers.append(DotLayer(kind=kind, count=len(located), dots=dots, d=d))
    return layers


def path_bounds(d: str) -> tuple[float, float, float, float] | None:
    """(min x, min y, max x, max y) of a path written with ``M`` and relative ``l`` / ``m`` steps.

    Reads the paths of :func:`pishkhan.geo.maps.path_d` (and of :func:`dots_d`); None for an empty one.
    """
    xs: list[float] = []
    ys: list[float] = []
    command, pending, x, y = "", [], 0.0, 0.0
    for token in _TOKENS.findall(d):
        if token.isalpha():
            command, pending = token, []
            continue
        pending.append(float(token))
        if command == "h" and len(pending) == 1:
            x, pending = x + pending[0], []
        elif len(pending) == 2:
            dx, dy = pending
            if command == "M":
                x, y = dx, dy
                command = "l"  # further pairs after M are line steps (SVG: implicit lineto)
            else:
                x, y = x + dx, y + dy
            pending = []
        else:
            continue
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def view_box_around(bounds: tuple[float, float, float, float], *, margin: float = MARGIN) -> str:
    """A ``viewBox`` showing ``bounds`` with some room around it, never smaller than ``MIN_SIDE``."""
    x0, y0, x1, y1 = bounds
    width, height = x1 - x0, y1 - y0
    pad = max(width, height) * margin
    extra_x, extra_y = max(0.0, MIN_SIDE - width) / 2, max(0.0, MIN_SIDE - height) / 2
    left, top = x0 - pad - extra_x, y0 - pad - extra_y
    right, bottom = x1 + pad + extra_x, y1 + pad + extra_y
    return f"{round(left)} {round(top)} {round(right - left)} {round(bottom - top)}"


# --- The map of a search's results ----------------------------------------------------------------

RESULTS_WIDTH = 600  # viewBox units across the map of a search's results
RESULTS_MIN_KM = 1.5  # half the shortest side of that map
KM_PER_DEGREE = 111.2  # of latitude
_SCALE_STEPS_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200)
MARKER_RADIUS = 18  # viewBox units; markers closer than twice this are drawn as one
PAD = 0.08  # room around the points, as a share of each side (more than a pin's radius)
MAX_ASPECT = 1.5  # the longer side of the map at most this times the shorter


@dataclass(frozen=True)
class ResultPin:
    """A marker on the results map: the places in the list it stands for (1-based), and where."""

    numbers: tuple[int, ...]
    x: float
    y: float


@dataclass(frozen=True)
class ResultsMap:
    """A map of a search's results: its frame, the searched point, numbered pins and a scale bar."""

    frame: Frame
    centre: tuple[float, float] | None
    pins: list[ResultPin]
    scale_km: float
    scale_length: float  # viewBox units

    @property
    def scale_middle(self) -> float:
        """Where the scale bar's label goes (the bar's middle)."""
        return round(self.scale_length / 2, 1)


def _frame_around(points: list[tuple[float, float]], width: int) -> Frame:
    """A frame holding every (lat, lon) with room for the pins, at least ``2 × RESULTS_MIN_KM`` a
    side, and never longer than ``MAX_ASPECT`` times its width or height."""
    lats, lons = [lat for lat, _lon in points], [lon for _lat, lon in points]
    middle_lat, middle_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    cosine = max(0.2, math.cos(math.radians(middle_lat)))
    across_km = (max(lons) - min(lons)) * KM_PER_DEGREE * cosine
    tall_km = (max(lats) - min(lats)) * KM_PER_DEGREE
    across_km, tall_km = max(across_km, 2 * RESULTS_MIN_KM), max(tall_km, 2 * RESULTS_MIN_KM)
    across_km, tall_km = max(across_km, tall_km / MAX_ASPECT), max(tall_km, across_km / MAX_ASPECT)
    half_lat = tall_km * (1 + 2 * PAD) / 2 / KM_PER_DEGREE
    half_lon = across_km * (1 + 2 * PAD) / 2 / KM_PER_DEGREE / cosine
    return Frame(
        west=middle_lon - half_lon,
        south=middle_lat - half_lat,
        east=middle_lon + half_lon,
        north=middle_lat + half_lat,
        width=width,
    )


def results_map(
    points: Iterable[tuple[float, float]],
    *,
    centre: tuple[float, float] | None = None,
    width: int = RESULTS_WIDTH,
) -> ResultsMap | None:
    """The map of results at (lat, lon), in list order, with the searched ``centre`` (lat, lon) if
    there is one; None when there is nothing to draw.

    The frame holds the point and every result. Results that fall under one pin (offices of one
    building, or of one city placed at its centre) share it, and the pin names them all.
    """
    located = list(points)
    if not located and centre is None:
        return None
    frame = _frame_around([*located, *([centre] if centre else [])], width)
    pins: list[ResultPin] = []
    for number, (lat, lon) in enumerate(located, start=1):
        x, y = frame.point(lon, lat)
        near = next((pin for pin in pins if math.hypot(pin.x - x, pin.y - y) < 2 * MARKER_RADIUS), None)
        if near is None:
            pins.append(ResultPin(numbers=(number,), x=round(x, 1), y=round(y, 1)))
        else:
            pins[pins.index(near)] = ResultPin(numbers=(*near.numbers, number), x=near.x, y=near.y)
    units_per_km = frame.units_per_degree / KM_PER_DEGREE
    scale_km = max((step for step in _SCALE_STEPS_KM if step * units_per_km <= width / 4), default=0.1)
    shown_centre = None
    if centre is not None:
        x, y = frame.point(centre[1], centre[0])
        shown_centre = (round(x, 1), round(y, 1))
    return ResultsMap(
        frame=frame,
        centre=shown_centre,
        pins=pins,
        scale_km=scale_km,
        scale_length=round(scale_km * units_per_km, 1),
    )
