"""The demo network's heartbeats: a past of signs of life for ``up``'s history, and a present the
worker keeps beating (``demo/tasks.py``), so the network board shows a living network.

Each serving office is, from the seed and its code alone (so every run and every process agrees):
- **healthy** (most): its terminals beat while it is open;
- **flaky** (``FLAKY_SHARE``): it beats ten minutes in every thirty, so about half of them are quiet
  at any moment and none goes offline;
- **dark** (``DARK_SHARE``, a few hundred of 13,000): it stopped between one hour and four days
  before ``up`` and never beats again, so it shows offline in its opening hours.
Each office runs one version of the counter software (a few run an outdated one) on as many terminals
as it has counters. Writes go through ``transactions.services.heartbeats_record_many``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pishkhan.common.calendar import TEHRAN, to_tehran
from pishkhan.offices.hours import iranian_weekday, is_open, minutes_of
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_list_serving
from pishkhan.transactions.services import Beat, heartbeats_record_many

DARK_SHARE = 0.03
FLAKY_SHARE = 0.06
# A flaky office beats during FLAKY_ON minutes of every FLAKY_CYCLE.
FLAKY_CYCLE, FLAKY_ON = 30, 10
# A dark office went silent between these many hours before the network was built.
DARK_HOURS = (1, 96)
# The counter clients in use, with their shares: the last two are outdated.
SOFTWARE = (
    ("pishkhan-counter/4.2.1", 0.62),
    ("pishkhan-counter/4.2.0", 0.2),
    ("pishkhan-counter/4.1.3", 0.12),
    ("pishkhan-counter/3.9.7", 0.05),
    ("pishkhan-counter/3.2.0", 0.01),
)
# An office's system starts beating this long before it opens (the board shows it online at once).
WARM_UP = dt.timedelta(minutes=15)
ACTOR = "demo:heartbeats"
# Days of past heartbeats ``up`` writes (at most): enough for the board's history and availability,
# few enough to keep ``up`` quick (about 70,000 rows a day).
HISTORY_DAYS = 3
CHUNK = 50_000
BEAT_CHUNK = 2_000


def _draw(seed: int, code: str, purpose: str) -> float:
    """A number in [0, 1) fixed by the seed, the office and the purpose."""
    digest = hashlib.blake2b(f"{seed}:{code}:{purpose}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class Health:
    """How an office of the demo behaves: healthy, flaky or dark, and what it runs."""

    kind: str  # "healthy", "flaky", "dark"
    software: str
    phase: int  # a flaky office's offset in its cycle, minutes
    dark_for: dt.timedelta  # how long before the build a dark office went silent


def office_health(*, seed: int, code: str) -> Health:
    """The behaviour of one office of the demo, from the seed and its code."""
    draw = _draw(seed, code, "health")
    kind = "dark" if draw < DARK_SHARE else "flaky" if draw < DARK_SHARE + FLAKY_SHARE else "healthy"
    pick, software = _draw(seed, code, "software"), SOFTWARE[-1][0]
    for name, share in SOFTWARE:
        if pick < share:
            software = name
            break
        pick -= share
    low, high = DARK_HOURS
    dark_for = dt.timedelta(hours=low + (high - low) * _draw(seed, code, "dark"))
    return Health(
        kind=kind, software=software, phase=int(FLAKY_CYCLE * _draw(seed, code, "phase")), dark_for=dark_for
    )


def _terminal(office: Office, turn: int) -> str:
    return f"{office.code}-T{turn % max(1, office.counters) + 1}"


def beats_now(*, offices: Iterable[Office], seed: int, now: dt.datetime) -> list[Beat]:
    """The heartbeats the demo's offices send at ``now``: the healthy ones open (or about to open), the
    flaky ones in their on-window; one terminal each, in turn."""
    minute = int(now.timestamp() // 60)
    beats = []
    for office in offices:
        hours = office.opening_hours or {}
        if not (is_open(hours, now) or is_open(hours, now + WARM_UP)):
            continue
        health = office_health(seed=seed, code=office.code)
        if health.kind == "dark":
            continue
        if health.kind == "flaky" and (minute + health.phase) % FLAKY_CYCLE >= FLAKY_ON:
            continue
        beats.append(
            Beat(
                office=office, terminal_id=_terminal(office, minute), software_version=health.software, at=now
            )
        )
    return beats


def _open_hours(hours: dict, day: dt.date) -> Iterator[dt.datetime]:
    """The start of each whole or part hour of a day (Tehran) in which the hours have the office open."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=TEHRAN)
    for opens, closes in hours.get(str(iranian_weekday(day)), ()):
        minute = minutes_of(opens)
        while minute < minutes_of(closes):
            yield midnight + dt.timedelta(minutes=minute)
            minute += 60


def beats_history(*, offices: Iterable[Office], seed: int, days: int, now: dt.datetime) -> Iterator[Beat]:
    """One heartbeat per opening hour of each office over the last ``days`` days up to ``now`` (a dark
    office's stop when it went silent), at a minute of the hour fixed per office."""
    today = to_tehran(now).date()
    for office in offices:
        health = office_health(seed=seed, code=office.code)
        until = now - health.dark_for if health.kind == "dark" else now
        offset = dt.timedelta(minutes=int(50 * _draw(seed, office.code, "minute")))
        turn = 0
        for back in range(days - 1, -1, -1):
            for start in _open_hours(office.opening_hours or {}, today - dt.timedelta(days=back)):
                at = start + offset
                if at > until:
                    break
                turn += 1
                yield Beat(
                    office=office,
                    terminal_id=_terminal(office, turn),
                    software_version=health.software,
                    at=at,
                )


def _serving() -> list[Office]:
    return list(
        office_list_serving().select_related(None).only("id", "code", "status", "counters", "opening_hours")
    )


def heartbeats_history_build(
    *, seed: int, days: int, now: dt.datetime, progress: Callable[[str], None] | None = None
) -> int:
    """Give every serving office of the demo ``days`` days (at most ``HISTORY_DAYS``) of heartbeats up
    to ``now``; how many."""
    written, chunk = 0, []
    for beat in beats_history(offices=_serving(), seed=seed, days=min(days, HISTORY_DAYS), now=now):
        chunk.append(beat)
        if len(chunk) >= CHUNK:
            written += heartbeats_record_many(beats=chunk, actor=ACTOR)
            chunk = []
    if chunk:
        written += heartbeats_record_many(beats=chunk, actor=ACTOR)
    if progress:
        progress(f"  heartbeats: {written:,}")
    return written


def heartbeats_beat(*, seed: int, now: dt.datetime) -> int:
    """Send the heartbeats the demo's offices send at ``now``; how many."""
    beats, written = beats_now(offices=_serving(), seed=seed, now=now), 0
    # In short transactions, so the counter's writers never wait long behind the demo's beats.
    for start in range(0, len(beats), BEAT_CHUNK):
        written += heartbeats_record_many(beats=beats[start : start + BEAT_CHUNK], actor=ACTOR)
    return written
