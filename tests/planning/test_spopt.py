"""The optimiser's objectives equal PySAL spopt's on the same instances (the same haversine cost
matrix, spopt's models solved with CBC through PuLP)."""

import warnings

import numpy as np
import pytest

from pishkhan.planning.optimisation import solve
from tests.planning.instances import arrays, random_instance

spopt_locate = pytest.importorskip("spopt.locate")
pulp = pytest.importorskip("pulp")


def _cbc():
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("existing", [0, 2])
def test_mclp_objective_equals_spopts(seed, existing):
    instance = random_instance(seed, model="mclp", existing=existing, p=3, radius_km=12.0)
    cost, weight, is_existing = arrays(instance)

    ours = solve(instance)
    # spopt's p counts every open site; ours counts the new ones.
    theirs = spopt_locate.MCLP.from_cost_matrix(
        cost,
        weight,
        service_radius=12.0,
        p_facilities=3 + existing,
        predefined_facilities_arr=is_existing if existing else None,
    ).solve(_cbc())

    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs.problem.objective.value(), rel=1e-9)
    assert len(ours.chosen) <= 3


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("existing", [0, 2])
def test_lscp_objective_equals_spopts(seed, existing):
    instance = random_instance(seed, model="lscp", existing=existing, radius_km=60.0)
    cost, _, is_existing = arrays(instance)

    ours = solve(instance)
    theirs = spopt_locate.LSCP.from_cost_matrix(
        cost, service_radius=60.0, predefined_facilities_arr=is_existing if existing else None
    ).solve(_cbc())

    # spopt counts the existing sites it keeps open; ours counts the new ones.
    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs.problem.objective.value() - existing)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("existing", [0, 2])
def test_pmedian_objective_equals_spopts(seed, existing):
    instance = random_instance(seed, model="pmedian", existing=existing, p=4)
    cost, weight, is_existing = arrays(instance)

    # k = 4 of 15 sites: some points fall back, k is doubled, the answer is still the full optimum.
    ours = solve(instance, k=4)
    theirs = spopt_locate.PMedian.from_cost_matrix(
        cost, weight, p_facilities=4, predefined_facilities_arr=is_existing if existing else None
    ).solve(_cbc())

    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs.problem.objective.value(), rel=1e-9)
    assert ours.bound <= ours.objective + 1e-6


@pytest.mark.parametrize("seed", range(3))
def test_capacitated_pmedian_objective_equals_spopts(seed):
    instance = random_instance(seed, model="pmedian", n=25, m=10, p=4, capacity=True)
    cost, weight, _ = arrays(instance)
    capacities = np.array([s.capacity for s in instance.sites])

    ours = solve(instance)
    theirs = spopt_locate.PMedian.from_cost_matrix(
        cost, weight, p_facilities=4, facility_capacities=capacities
    ).solve(_cbc())

    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs.problem.objective.value(), rel=1e-6)
