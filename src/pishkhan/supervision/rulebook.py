"""Supervision's rules as a pure core: the rules that exist, their thresholds and allowed ranges, and
the robust z-score of the abnormal-volume rule. No Django here (an import-linter contract).

A rule's thresholds are named numbers; the table row holds their values, this module their ranges and
defaults, so that a value out of range is refused before anything is stored.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OVERCHARGE = "overcharge"
OFF_HOURS = "off_hours"
ABNORMAL_VOLUME = "abnormal_volume"
REPEAT_CITIZEN = "repeat_citizen"
UNDELIVERABLE_SERVICE = "undeliverable_service"
OFFLINE_IN_HOURS = "offline_in_hours"
LICENCE_NOT_IN_FORCE = "licence_not_in_force"
LONG_WAITS = "long_waits"

# MAD × this estimates a normal distribution's standard deviation.
MAD_SCALE = 1.4826


@dataclass(frozen=True)
class Threshold:
    """One named number of a rule: its allowed range (inclusive) and its default."""

    minimum: int | float
    maximum: int | float
    default: int | float
    integer: bool = True


THRESHOLDS: dict[str, dict[str, Threshold]] = {
    # Alert when the fee charged exceeds the tariff in force by more than this many rials.
    OVERCHARGE: {"tolerance_rials": Threshold(0, 10_000_000, 0)},
    # Alert when a transaction is recorded more than this many minutes outside the office's hours.
    OFF_HOURS: {"grace_minutes": Threshold(0, 180, 15)},
    ABNORMAL_VOLUME: {
        # How far above the office's own history (robust z-score: median and MAD).
        "z_own": Threshold(1.0, 50.0, 3.5, integer=False),
        # How far above the day's counts of the other offices of its county.
        "z_peers": Threshold(1.0, 50.0, 3.5, integer=False),
        # A day with fewer transactions is never abnormal, whatever its z-scores.
        "min_transactions": Threshold(1, 100_000, 30),
        # The days of history the office's own figures are taken from.
        "history_days": Threshold(7, 90, 28),
    },
    # Alert when one citizen is served this many times in a day at one office.
    REPEAT_CITIZEN: {"per_day": Threshold(2, 100, 5)},
    UNDELIVERABLE_SERVICE: {},
    # Alert when an office is offline in its opening hours for this many minutes.
    OFFLINE_IN_HOURS: {"minutes": Threshold(10, 1440, 60)},
    LICENCE_NOT_IN_FORCE: {},
    LONG_WAITS: {
        # Alert when the office's mean wait is more than this many times its province's usual wait
        # at the same hours (the median of the province's offices, hour by hour).
        "ratio": Threshold(1.2, 20.0, 2.0, integer=False),
        # Never for fewer tickets called in the period, nor for a mean wait under this many minutes.
        "min_tickets": Threshold(1, 100_000, 50),
        "min_minutes": Threshold(0, 600, 15),
        # The days (ending today) whose waits are compared.
        "days": Threshold(1, 60, 7),
    },
}
RULE_CODES = tuple(THRESHOLDS)


def thresholds_default(code: str) -> dict[str, int | float]:
    """The default thresholds of a rule (``{}`` for an unknown one)."""
    return {name: spec.default for name, spec in THRESHOLDS.get(code, {}).items()}


def thresholds_clean(
    code: str, values: Mapping[str, object], *, current: Mapping[str, object] | None = None
) -> tuple[dict[str, int | float], dict[str, str]]:
    """The rule's thresholds with ``values`` applied over ``current`` (its stored ones, else the
    defaults), and the problems found, by field (``thresholds.<name>``): an unknown name, a value that
    is not a number, or one out of its range. With any problem the thresholds are not to be stored."""
    specs = THRESHOLDS.get(code, {})
    cleaned: dict[str, int | float] = thresholds_default(code) | {
        name: value for name, value in (current or {}).items() if name in specs
    }
    problems: dict[str, str] = {}
    for name, value in values.items():
        field = f"thresholds.{name}"
        spec = specs.get(name)
        if spec is None:
            problems[field] = "unknown"
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems[field] = "not_a_number"
            continue
        if spec.integer and value != int(value):
            problems[field] = "not_an_integer"
            continue
        if not spec.minimum <= value <= spec.maximum:
            problems[field] = "out_of_range"
            continue
        cleaned[name] = int(value) if spec.integer else float(value)
    return cleaned, problems


def robust_z(value: float, sample: Iterable[float]) -> float | None:
    """How many robust standard deviations ``value`` lies above the median of ``sample``:
    ``(value - median) / (1.4826 × MAD)``; the spread is floored at 1 (counts of a steady office have
    a MAD of 0). None for an empty sample."""
    numbers = sorted(float(x) for x in sample)
    if not numbers:
        return None
    median = statistics.median(numbers)
    mad = statistics.median(abs(x - median) for x in numbers)
    return (value - median) / max(1.0, MAD_SCALE * mad)


@dataclass(frozen=True)
class VolumeFinding:
    """An office whose day is far above its own history and its county's peers."""

    office_id: int
    count: int
    own_median: float
    own_z: float
    peers_median: float
    peers_z: float


def volume_outliers(
    *,
    today: Mapping[int, int],
    history: Mapping[int, Iterable[int]],
    county_of: Mapping[int, int],
    z_own: float,
    z_peers: float,
    min_transactions: int,
    min_history_days: int = 3,
) -> list[VolumeFinding]:
    """The offices of ``today`` (office → count so far) whose count is at least ``min_transactions``,
    ``z_own`` robust z-scores above their own ``history`` (office → counts of past days, to the same
    time of day; at least ``min_history_days`` of them) and ``z_peers`` above the counts today of the
    other offices of their county (``county_of``; an office alone in its county is judged on its own
    history only). Sorted by office id."""
    by_county: dict[int, list[int]] = {}
    for office_id, county in county_of.items():
        by_county.setdefault(county, []).append(office_id)
    findings = []
    for office_id in sorted(today):
        count = today[office_id]
        if count < min_transactions:
            continue
        own = list(history.get(office_id, ()))
        if len(own) < min_history_days:
            continue
        own_score = robust_z(count, own)
        if own_score is None or own_score < z_own:
            continue
        peers = [
            today.get(other, 0)
            for other in by_county.get(county_of.get(office_id, -1), [])
            if other != office_id
        ]
        peers_score = robust_z(count, peers) if peers else None
        if peers_score is not None and peers_score < z_peers:
            continue
        findings.append(
            VolumeFinding(
                office_id=office_id,
                count=count,
                own_median=float(statistics.median(own)),
                own_z=round(own_score, 2),
                peers_median=float(statistics.median(peers)) if peers else 0.0,
                peers_z=round(peers_score, 2) if peers_score is not None else 0.0,
            )
        )
    return findings


@dataclass(frozen=True)
class WaitFinding:
    """An office whose queue waits far longer than its province's offices at the same hours."""

    office_id: int
    tickets: int
    mean_minutes: float
    peers_minutes: float
    ratio: float


def wait_outliers(
    *,
    offices: Mapping[int, tuple[int, Mapping[int, tuple[int, int]]]],
    ratio: float,
    min_tickets: int,
    min_minutes: float,
) -> list[WaitFinding]:
    """The offices (office → (province, {hour: (tickets called, their waits summed in seconds)}))
    whose mean wait is above ``ratio`` × what their province's offices wait at the same hours, with
    at least ``min_tickets`` tickets called and a mean wait of at least ``min_minutes``.

    What the province waits at an hour is the median of its offices' mean waits at that hour; an
    office's expectation is those medians weighted by its own tickets at each hour, so that an office
    busy at the morning rush is held to the morning's waits. Sorted by office id."""
    per_hour: dict[tuple[int, int], list[float]] = {}
    for province, hours in offices.values():
        for hour, (called, seconds) in hours.items():
            if called:
                per_hour.setdefault((province, hour), []).append(seconds / called)
    medians = {key: statistics.median(means) for key, means in per_hour.items()}
    findings = []
    for office_id in sorted(offices):
        province, hours = offices[office_id]
        called = sum(n for n, _seconds in hours.values())
        if called < min_tickets or not called:
            continue
        mean = sum(seconds for _n, seconds in hours.values()) / called
        expected = sum(n * medians[(province, hour)] for hour, (n, _s) in hours.items() if n) / called
        if mean < min_minutes * 60 or expected <= 0 or mean <= ratio * expected:
            continue
        findings.append(
            WaitFinding(
                office_id=office_id,
                tickets=called,
                mean_minutes=round(mean / 60, 1),
                peers_minutes=round(expected / 60, 1),
                ratio=round(mean / expected, 2),
            )
        )
    return findings
