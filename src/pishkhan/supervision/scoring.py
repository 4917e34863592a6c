"""An office's monthly score from its components' figures: a pure core (no Django).

Each component's figure becomes points out of 100 by its method (a penalty per unit with a cap, a
share, points as they are, stars); the score is the weighted mean of the points of the components
that have a figure for the office. A component with no figure (not computed by anything yet, or
nothing known of this office) is left out and its weight shared among the others, so that an office
is never marked down, nor up, for what nobody measured. The breakdown says, per component, what it
cost: ``lost`` is the part of the 100 the office did not get because of it (they add up to
``100 - score``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCORE_MAX = 100.0

# What a component says of an office (``Breakdown.status``).
SCORED = "scored"  # it has a figure for the office, which counts
NO_DATA = "no_data"  # it is computed, but says nothing of this office: its weight goes to the others
NOT_REGISTERED = "not_registered"  # nothing computes it yet: its weight goes to the others
OFF = "off"  # its weight is 0

# Methods whose figure is a count: an office a component does not mention has none (0), not no data.
COUNTED = frozenset({"penalty"})


@dataclass(frozen=True)
class ComponentRule:
    """A component's weight and how its figure becomes points (``ScoreWeight``, as data)."""

    code: str
    weight: int
    method: str
    per_unit: float = 0.0
    cap: float = SCORE_MAX


@dataclass(frozen=True)
class Scored:
    """An office's score (None: no component had a figure for it) and its breakdown by component."""

    score: float | None
    breakdown: dict[str, dict[str, Any]]


def _clamp(value: float, low: float = 0.0, high: float = SCORE_MAX) -> float:
    return max(low, min(high, value))


def component_points(rule: ComponentRule, figure: float) -> float:
    """The points out of 100 a figure earns under a rule's method."""
    if rule.method == "penalty":
        return SCORE_MAX - _clamp(rule.per_unit * figure, 0.0, _clamp(rule.cap))
    if rule.method == "share":
        return _clamp(figure * SCORE_MAX)
    if rule.method == "percent":
        return _clamp(figure)
    if rule.method == "stars":
        return _clamp((figure - 1.0) / 4.0 * SCORE_MAX)
    raise ValueError(f"unknown scoring method {rule.method!r}")


def office_score(
    rules: Sequence[ComponentRule], figures: Mapping[str, Mapping[int, float]], office_id: int
) -> Scored:
    """One office's score from the figures of every component computed (``figures`` by component
    code, then by office id; a code absent from it is not registered)."""
    breakdown: dict[str, dict[str, Any]] = {}
    counted: list[tuple[ComponentRule, float, float]] = []
    for rule in rules:
        entry: dict[str, Any] = {
            "weight": rule.weight,
            "figure": None,
            "points": None,
            "share": 0.0,
            "lost": 0.0,
        }
        breakdown[rule.code] = entry
        if rule.code not in figures:
            entry["status"] = NOT_REGISTERED
            continue
        figure = figures[rule.code].get(office_id)
        if figure is None and rule.method in COUNTED:
            figure = 0.0
        if figure is None:
            entry["status"] = NO_DATA
            continue
        entry["figure"] = round(float(figure), 2)
        if rule.weight <= 0:
            entry["status"] = OFF
            continue
        entry["status"] = SCORED
        counted.append((rule, float(figure), component_points(rule, float(figure))))
    total = sum(rule.weight for rule, _figure, _points in counted)
    if not total:
        return Scored(None, breakdown)
    score = 0.0
    for rule, _figure, points in counted:
        share = rule.weight / total
        entry = breakdown[rule.code]
        entry["points"] = round(points, 1)
        entry["share"] = round(share * 100, 1)
        entry["lost"] = round(share * (SCORE_MAX - points), 1)
        score += share * points
    return Scored(round(_clamp(score), 1), breakdown)


def ranks(scores: Iterable[tuple[int, float]]) -> dict[int, int]:
    """Each office's rank by score, best first (1); equal scores share a rank ("1, 2, 2, 4"), and
    offices of equal score are listed by id."""
    ordered = sorted(scores, key=lambda pair: (-pair[1], pair[0]))
    ranked: dict[int, int] = {}
    previous: float | None = None
    rank = 0
    for position, (office_id, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        ranked[office_id] = rank
    return ranked


@dataclass(frozen=True)
class Spread:
    """How a province's offices scored: count, mean, median, and the worst decile's ceiling (the
    score at or below which its worst tenth of offices fall)."""

    count: int
    mean: float
    median: float
    worst_decile: float


def spread(values: Iterable[float]) -> Spread | None:
    """The spread of a set of scores; None for none."""
    ordered = sorted(values)
    count = len(ordered)
    if not count:
        return None
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    decile = ordered[max(0, -(-count // 10) - 1)]  # the last of the worst ceil(n/10)
    return Spread(count, round(sum(ordered) / count, 1), round(median, 1), round(decile, 1))
