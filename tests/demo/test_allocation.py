import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.common.identifiers import national_id_is_valid
from pishkhan.demo.allocation import allocate
from pishkhan.demo.names import national_id


@given(st.integers(0, 20_000), st.lists(st.floats(0.01, 1e7), min_size=1, max_size=50))
def test_the_parts_sum_to_the_total_and_follow_the_weights(total, weights):
    parts = allocate(total, weights)

    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / sum(weights)) < 1


def test_allocation_needs_a_positive_weight():
    with pytest.raises(ValueError, match="positive weight"):
        allocate(10, [0, 0])


def test_generated_national_ids_are_valid():
    rng = random.Random(7)
    assert all(national_id_is_valid(national_id(rng)) for _ in range(500))
