"""Offices on the map: dots in the projection of :mod:`pishkhan.geo.maps`, one SVG path per kind.

Pure (no Django). 13,000 offices must not make a page of megabytes: each point is rounded to a whole
viewBox unit (about 1 km at the national width), points that fall on the same unit are drawn once,
and every dot is a zero-length subpath (``m dx dy h0``, drawn with a round line cap) written as a
step from the previous one. Points are visited in narrow vertical strips, up one strip and down the
next, so that the steps stay short.
"""

from __future__ import annotations

import itertools
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
