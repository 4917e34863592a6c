"""The optimiser's pure core, without a database: distances, coverage, the models on instances small
enough to check by hand or by enumeration, the greedy answer and its bound."""

import importlib
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pishkhan.planning.optimisation import Demand, Instance, Site, solve
from pishkhan.planning.optimisation.geometry import (
    EARTH_RADIUS_KM,
    cost_matrix,
    coverage_matrix,
    haversine_km,
)
from tests.planning.instances import arrays, random_instance

# One degree of longitude on the equator.
DEGREE_KM = EARTH_RADIUS_KM * math.pi / 180


def _on_equator(model, demand, sites, **kwargs):
    """An instance on the equator: demand as (lon, weight), sites as (lon, existing)."""
    return Instance(
        model=model,
        demand=tuple(Demand(f"d{i}", 0.0, lon, w) for i, (lon, w) in enumerate(demand)),
        sites=tuple(Site(f"s{j}", 0.0, lon, ex) for j, (lon, ex) in enumerate(sites)),
        **kwargs,
    )


def test_haversine_of_a_degree_on_the_equator_and_tehran_to_mashhad():
    assert haversine_km(np.array(0.0), np.array(0.0), np.array(0.0), np.array(1.0)) == pytest.approx(
        DEGREE_KM, rel=1e-12
    )
    # Tehran (35.6892, 51.3890) to Mashhad (36.2605, 59.6168): about 740 km as the crow flies.
    km = haversine_km(np.array(35.6892), np.array(51.3890), np.array(36.2605), np.array(59.6168))
    assert 735 < float(km) < 745


def test_coverage_matrix_equals_the_dense_haversine_matrix_inclusive_at_the_radius():
    rng = np.random.default_rng(7)
    d_lat, d_lon = 30 + 5 * rng.random(300), 50 + 5 * rng.random(300)
    s_lat, s_lon = 30 + 5 * rng.random(80), 50 + 5 * rng.random(80)
    dense = cost_matrix(d_lat, d_lon, s_lat, s_lon)
    radius = float(dense[3, 5])  # a pair exactly at the radius

    cover = coverage_matrix(d_lat, d_lon, s_lat, s_lon, radius).toarray()

    assert cover[3, 5]
    assert (cover == (dense <= radius)).all()


def test_mclp_by_hand_one_site_covers_the_heavier_pair():
    # d0 and d1 lie 2.8 km either side of s0; d2 sits on s1, a degree away.
    instance = _on_equator(
        "mclp", [(0.0, 10), (0.05, 5), (1.0, 7)], [(0.025, False), (1.0, False)], radius_km=10.0, p=1
    )

    result = solve(instance)

    assert (result.status, result.objective, result.chosen) == ("optimal", 15.0, ("s0",))
    assert result.bound == 15.0
    assert result.gap == 0.0


def test_mclp_counts_what_existing_sites_cover_and_chooses_only_new_sites():
    instance = _on_equator(
        "mclp", [(0.0, 10), (0.05, 5), (1.0, 7)], [(0.025, False), (1.0, True)], radius_km=10.0, p=1
    )

    result = solve(instance)

    assert (result.objective, result.chosen) == (22.0, ("s0",))


def test_mclp_with_nothing_more_to_cover_opens_no_useless_site():
    instance = _on_equator("mclp", [(0.0, 10)], [(0.0, True), (0.5, False)], radius_km=10.0, p=1)

    result = solve(instance)

    assert (result.status, result.objective, result.chosen) == ("optimal", 10.0, ())


def test_lscp_by_hand_three_clusters_need_three_sites():
    demand = [(0.0, 1), (0.01, 1), (2.0, 1), (2.01, 1), (4.0, 1)]
    sites = [(0.005, False), (2.005, False), (4.0, False), (3.0, False)]
    result = solve(_on_equator("lscp", demand, sites, radius_km=5.0))

    assert (result.status, result.objective, result.chosen) == ("optimal", 3.0, ("s0", "s1", "s2"))


def test_lscp_counts_only_new_sites():
    demand = [(0.0, 1), (2.0, 1)]
    sites = [(0.0, True), (2.0, False), (2.001, False)]

    result = solve(_on_equator("lscp", demand, sites, radius_km=1.0))

    assert (result.objective, len(result.chosen)) == (1.0, 1)


def test_pmedian_by_hand_the_heavier_point_gets_the_site():
    instance = _on_equator("pmedian", [(0.0, 1), (1.0, 3)], [(0.0, False), (1.0, False)], p=1)

    result = solve(instance)

    assert (result.status, result.chosen) == ("optimal", ("s1",))
    assert result.objective == pytest.approx(DEGREE_KM)


def test_pmedian_keeps_existing_sites_open_and_p_counts_them():
    # s0 exists, p = 2 opens one more: s1 would leave d2 two degrees (× 2) from it, s2 leaves d1 one
    # degree (× 3) from s0.
    instance = _on_equator(
        "pmedian", [(0.0, 1), (1.0, 3), (3.0, 2)], [(0.0, True), (1.0, False), (3.0, False)], p=2
    )

    result = solve(instance)

    assert result.chosen == ("s2",)
    assert result.objective == pytest.approx(3 * DEGREE_KM)


def _brute_mclp(instance):
    cost, weight, existing = arrays(instance)
    cover = cost <= instance.radius_km
    new = np.flatnonzero(~existing)
    best = 0.0
    for combo in itertools.combinations(new, instance.p):
        open_ = existing.copy()
        open_[list(combo)] = True
        best = max(best, float(weight[cover[:, open_].any(axis=1)].sum()))
    return best


def _brute_pmedian(instance):
    cost, weight, existing = arrays(instance)
    new = np.flatnonzero(~existing)
    best = math.inf
    for combo in itertools.combinations(new, instance.p - int(existing.sum())):
        open_ = existing.copy()
        open_[list(combo)] = True
        best = min(best, float(weight @ cost[:, open_].min(axis=1)))
    return best


@pytest.mark.parametrize("seed", range(5))
def test_mclp_and_pmedian_equal_enumeration(seed):
    mclp = random_instance(seed, model="mclp", n=30, m=10, existing=1, p=3, radius_km=15.0)
    pmedian = random_instance(seed, model="pmedian", n=30, m=10, existing=1, p=3)

    assert solve(mclp).objective == pytest.approx(_brute_mclp(mclp))
    assert solve(pmedian, k=3).objective == pytest.approx(_brute_pmedian(pmedian))


@pytest.mark.parametrize("model", ["mclp", "lscp", "pmedian"])
def test_no_time_gives_the_greedy_answer_labelled_with_a_valid_bound(model):
    instance = random_instance(11, model=model, n=400, m=120, p=8, radius_km=9.0 if model == "mclp" else 60.0)
    exact = solve(instance)

    greedy = solve(instance, time_limit=0)

    assert exact.status == "optimal"
    if greedy.status == "optimal":  # the greedy proved itself: its bound met its objective
        assert greedy.objective == pytest.approx(exact.objective)
        return
    assert greedy.status == "greedy"
    if model == "mclp":
        assert greedy.objective <= exact.objective <= greedy.bound
    else:
        assert greedy.bound <= exact.objective <= greedy.objective
    assert greedy.gap == pytest.approx(abs(greedy.bound - greedy.objective) / greedy.objective)


def test_the_greedy_mclp_falls_short_says_so_and_its_bound_holds():
    # The classic trap: a middle site (s2) reaches the inner point of each of two clusters and one
    # point between them (7); a site in each cluster reaches its two points (6 each). Greedy opens the
    # middle one first and reaches 10; the optimum opens the two clusters' sites, 12.
    demand = [(0.0, 3), (0.02, 3), (0.11, 1), (0.20, 3), (0.22, 3)]
    sites = [(0.01, False), (0.21, False), (0.11, False)]
    instance = _on_equator("mclp", demand, sites, radius_km=10.5, p=2)

    greedy = solve(instance, time_limit=0)
    exact = solve(instance)

    assert (greedy.status, greedy.objective) == ("greedy", 10.0)
    assert "s2" in greedy.chosen
    assert len(greedy.chosen) == 2
    # Against the final set, the best two gains add 3: 10 + 3.
    assert greedy.bound == 13.0
    assert greedy.gap == pytest.approx(0.3)
    assert (exact.status, exact.objective, exact.chosen) == ("optimal", 12.0, ("s0", "s1"))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(1, 5), radius=st.floats(3.0, 30.0))
def test_exact_mclp_is_at_least_greedy_and_within_the_greedy_bound(seed, p, radius):
    instance = random_instance(seed, model="mclp", n=60, m=20, existing=seed % 3, p=p, radius_km=radius)

    exact = solve(instance)
    greedy = solve(instance, time_limit=0)

    assert exact.status == "optimal"
    assert greedy.objective <= exact.objective + 1e-9
    assert exact.objective <= greedy.bound + 1e-9
    assert len(exact.chosen) <= p
    assert not {s.id for s in instance.sites if s.existing} & set(exact.chosen)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 12))
def test_pmedian_is_the_same_whatever_k(seed, k):
    instance = random_instance(seed, model="pmedian", n=50, m=12, existing=seed % 2, p=3)

    assert solve(instance, k=k).objective == pytest.approx(solve(instance, k=12).objective)


@pytest.mark.parametrize("seed", range(3))
def test_pmedian_past_the_exact_size_answers_with_a_lagrangian_bound(monkeypatch, seed):
    # The package's ``solve`` is the function; the module holds the threshold.
    solve_module = importlib.import_module("pishkhan.planning.optimisation.solve")
    instance = random_instance(seed, model="pmedian", n=300, m=80, existing=5, p=12)
    exact = solve(instance)
    monkeypatch.setattr(solve_module, "MAX_EXACT_PAIRS", 0)

    large = solve(instance)

    assert exact.status == "optimal"
    assert large.status in {"greedy", "optimal"}
    assert large.bound <= exact.objective + 1e-6 <= large.objective + 2e-6
    assert "Lagrangian" in large.notes[0]
    assert len(large.chosen) == 12 - 5


@pytest.mark.parametrize("model", ["mclp", "lscp", "pmedian"])
def test_a_time_limit_too_short_for_any_bound_still_answers_with_a_finite_one(model):
    instance = random_instance(
        5, model=model, n=2_000, m=600, p=30, radius_km=8.0 if model == "mclp" else 40.0
    )

    result = solve(instance, time_limit=0.02)

    assert result.status in {"greedy", "time_limit", "optimal"}
    assert math.isfinite(result.objective)
    assert math.isfinite(result.bound)
    if model == "mclp":
        assert result.bound >= result.objective
    else:
        assert result.bound <= result.objective
