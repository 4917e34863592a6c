"""When to try a failed delivery again: exponential backoff with full jitter. Pure: no Django.

Full jitter (a random wait between zero and the exponential ceiling) spreads the retries of many
requests that failed together — an agency back online after an outage is not hit by all of them at
the same second (see the AWS Architecture Blog, "Exponential Backoff And Jitter").
"""

from __future__ import annotations

import random

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 3600.0
MAX_ATTEMPTS = 8


def backoff_ceiling(
    attempt: int, *, base: float = BACKOFF_BASE_SECONDS, cap: float = BACKOFF_CAP_SECONDS
) -> float:
    """The longest wait after failed attempt ``attempt`` (from 1): ``min(cap, base·2^(attempt-1))``."""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    # min() before the power would overflow: 2**1000 is fine for ints but not for floats.
    return min(cap, base * 2 ** min(attempt - 1, 64))


def backoff_delay(
    attempt: int,
    *,
    rng: random.Random,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
) -> float:
    """Seconds to wait after failed attempt ``attempt``: uniform in ``[0, backoff_ceiling(attempt)]``."""
    return rng.uniform(0.0, backoff_ceiling(attempt, base=base, cap=cap))
