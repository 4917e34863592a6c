"""The KPI formulas, pure: the reduction, the projection to the year's end, the 12.5 % target and the
compliance score, without a database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pishkhan.kpis import formulas

months = st.dictionaries(st.integers(1, 12), st.integers(0, 10_000_000), min_size=1)
# The machine is shared: input generation may be slow, never wrong.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
full_year = st.fixed_dictionaries({month: st.integers(1, 10_000_000) for month in range(1, 13)})


def test_a_year_cut_by_the_target_is_on_track_and_one_cut_less_is_behind():
    previous = dict.fromkeys(range(1, 13), 1000)
    on_track = formulas.trips_target(dict.fromkeys(range(1, 4), 875), previous)
    behind = formulas.trips_target(dict.fromkeys(range(1, 4), 900), previous)

    assert (on_track.projected, on_track.target, on_track.on_track) == (10_500, 10_500, True)
    assert on_track.reduction == pytest.approx(0.125)
    assert (behind.projected, behind.on_track) == (10_800, False)


def test_the_projection_keeps_the_previous_years_seasons():
    previous = {month: 2000 if month <= 3 else 1000 for month in range(1, 13)}  # a busy spring

    target = formulas.trips_target({1: 1000, 2: 1000, 3: 1000}, previous)

    # Half the spring of last year: half of last year.
    assert target.projected == 7500
    assert target.reduction == pytest.approx(0.5)


def test_without_a_previous_year_the_monthly_mean_is_extended_and_nothing_is_judged():
    target = formulas.trips_target({1: 100, 2: 300}, {})

    assert (target.projected, target.target, target.on_track, target.reduction) == (2400, None, None, None)


def test_nothing_reported_this_year_projects_nothing():
    assert formulas.trips_target({}, dict.fromkeys(range(1, 13), 5)).on_track is None


@relaxed
@given(months, full_year)
def test_the_projection_is_at_least_the_months_so_far(so_far, previous):
    projected = formulas.projection_year_end(so_far, previous)
    assert projected >= sum(so_far.values()) - 1  # rounding


@relaxed
@given(full_year)
def test_a_full_year_projects_itself(year):
    assert formulas.projection_year_end(year, {}) == sum(year.values())


@relaxed
@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_the_reduction_is_at_most_one(current, previous):
    assert formulas.reduction(current, previous) <= 1


def test_the_compliance_score_weighs_the_duties_that_apply():
    assert formulas.compliance_score(outsourcing=1.0, conversion=1.0, reporting=1.0) == 100.0
    assert formulas.compliance_score(outsourcing=0.0, conversion=None, reporting=1.0) == pytest.approx(28.6)
    assert formulas.compliance_score(outsourcing=None, conversion=None, reporting=None) is None


@relaxed
@given(st.floats(0, 1), st.floats(0, 1) | st.none(), st.floats(0, 1) | st.none())
def test_the_compliance_score_lies_between_0_and_100(outsourcing, conversion, reporting):
    score = formulas.compliance_score(outsourcing=outsourcing, conversion=conversion, reporting=reporting)
    assert 0 <= score <= 100


def test_rates_and_densities_of_nothing_are_none_not_zero():
    assert formulas.rate(3, 0) is None
    assert formulas.rate(1, 4) == 0.25
    assert formulas.per_100k(5, 0) is None
    assert formulas.per_100k(5, 1_000_000) == 0.5
