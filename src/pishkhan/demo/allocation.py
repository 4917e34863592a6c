"""Dividing a whole number among weighted parts (offices among provinces, counties, cities)."""

from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by the largest-remainder method.

    The parts sum exactly to ``total``; ties go to the earlier part, so the result is deterministic.
    """
    if total < 0:
        raise ValueError("cannot allocate a negative total")
    weight_sum = float(sum(weights))
    if not weights or weight_sum <= 0:
        raise ValueError("allocation needs at least one positive weight")
    quotas = [total * w / weight_sum for w in weights]
    parts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
