import random

import pytest

from pishkhan.gateway.backoff import backoff_ceiling, backoff_delay


def test_ceiling_doubles_from_the_base_up_to_the_cap():
    ceilings = [backoff_ceiling(n, base=2.0, cap=60.0) for n in range(1, 8)]

    assert ceilings == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


def test_ceiling_of_a_huge_attempt_number_is_the_cap():
    assert backoff_ceiling(10_000, base=2.0, cap=3600.0) == 3600.0


def test_attempts_count_from_one():
    with pytest.raises(ValueError, match="from 1"):
        backoff_ceiling(0)


def test_delays_are_full_jitter_within_zero_and_the_ceiling():
    rng = random.Random(4)

    delays = {n: [backoff_delay(n, rng=rng, base=2.0, cap=60.0) for _ in range(500)] for n in (1, 3, 9)}

    for n, drawn in delays.items():
        ceiling = backoff_ceiling(n, base=2.0, cap=60.0)
        assert all(0.0 <= delay <= ceiling for delay in drawn)
        # Full jitter spreads over the whole range, not just near the ceiling.
        assert min(drawn) < ceiling * 0.1
        assert max(drawn) > ceiling * 0.9


def test_a_seeded_rng_gives_the_same_schedule():
    first = [backoff_delay(n, rng=random.Random(7)) for n in range(1, 6)]
    again = [backoff_delay(n, rng=random.Random(7)) for n in range(1, 6)]

    assert first == again
