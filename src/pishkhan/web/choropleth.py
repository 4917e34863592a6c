"""Classes of a choropleth map: which shade each value gets, and the legend that explains them.

Pure: no Django, so the banding is tested without a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """One legend entry: values from ``lower`` (inclusive) to ``upper`` (exclusive) get shade ``index``."""

    index: int
    lower: int
    upper: int


def _round_nice(value: float) -> int:
    """Round to two significant digits, so a legend reads 1,400,000 rather than 1,429,475."""
    if value <= 0:
        return 0
    step = 10 ** max(math.floor(math.log10(value)) - 1, 0)
    return int(round(value / step) * step)


def bands_by_quantile(values: Sequence[int], *, count: int = 5) -> list[Band]:
    """Split ``values`` into up to ``count`` contiguous bands holding about as many values each.

    Quantile bands suit skewed data such as provincial population (Tehran has twenty times Ilam's
    people): equal-width bands would paint almost every province the same. Break points are rounded
    for the legend; a band that rounding leaves empty is merged into the next.
    """
    if not values:
        return []
    ordered = sorted(values)
    breaks = [_round_nice(ordered[len(ordered) * step // count]) for step in range(1, count)]
    edges = [edge for edge in sorted(set(breaks)) if ordered[0] < edge <= ordered[-1]]
    bands: list[Band] = []
    lower = ordered[0]
    for upper in [*edges, ordered[-1] + 1]:
        if any(lower <= value < upper for value in ordered):
            bands.append(Band(index=len(bands), lower=lower, upper=upper))
            lower = upper
    return bands


def band_of(value: int, bands: Sequence[Band]) -> Band:
    """The band that holds ``value`` (the nearest end band for a value outside them all)."""
    for band in bands:
        if band.lower <= value < band.upper:
            return band
    return bands[0] if value < bands[0].lower else bands[-1]
