"""Instances the planning tests share: random ones on a patch of Iran, built from a seed."""

from __future__ import annotations

import numpy as np

from pishkhan.planning.optimisation import Demand, Instance, Site


def random_instance(
    seed: int,
    *,
    model: str,
    n: int = 40,
    m: int = 15,
    existing: int = 0,
    radius_km: float = 15.0,
    p: int = 3,
    capacity: bool = False,
) -> Instance:
    """``n`` demand points and ``m`` sites (the first ``existing`` of them open) in a 1° square near
    Tehran, with whole weights from 1 to 99."""
    rng = np.random.default_rng(seed)
    d_lat, d_lon = 35 + rng.random(n), 51 + rng.random(n)
    s_lat, s_lon = 35 + rng.random(m), 51 + rng.random(m)
    weight = rng.integers(1, 100, n).astype(float)
    caps = rng.integers(200, 800, m).astype(float) if capacity else [None] * m
    return Instance(
        model=model,  # type: ignore[arg-type]
        demand=tuple(Demand(f"d{i}", d_lat[i], d_lon[i], weight[i]) for i in range(n)),
        sites=tuple(Site(f"s{j}", s_lat[j], s_lon[j], j < existing, caps[j]) for j in range(m)),
        radius_km=radius_km,
        p=p,
    )


def arrays(instance: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dense cost matrix (km), the weights and the existing-site mask of an instance."""
    from pishkhan.planning.optimisation.geometry import cost_matrix

    d = instance.demand
    s = instance.sites
    cost = cost_matrix(
        np.array([x.lat for x in d]),
        np.array([x.lon for x in d]),
        np.array([x.lat for x in s]),
        np.array([x.lon for x in s]),
    )
    return cost, np.array([x.weight for x in d]), np.array([x.existing for x in s])
