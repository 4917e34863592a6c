"""The score's arithmetic, a pure core: points by method, weights shared when a component is missing,
ranks and spreads. No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.supervision.scoring import (
    NO_DATA,
    NOT_REGISTERED,
    OFF,
    SCORED,
    ComponentRule,
    component_points,
    office_score,
    ranks,
    spread,
)

RULES = [
    ComponentRule("complaints_upheld", 25, "penalty", per_unit=20, cap=100),
    ComponentRule("inspections", 20, "percent"),
    ComponentRule("availability", 20, "share"),
    ComponentRule("overcharges", 20, "penalty", per_unit=10, cap=50),
    ComponentRule("ratings", 0, "stars"),
]


@pytest.mark.parametrize(
    ("rule", "figure", "points"),
    [
        (ComponentRule("x", 1, "penalty", per_unit=10, cap=50), 2, 80),
        (ComponentRule("x", 1, "penalty", per_unit=10, cap=50), 9, 50),  # capped
        (ComponentRule("x", 1, "share"), 0.25, 25),
        (ComponentRule("x", 1, "share"), 1.5, 100),
        (ComponentRule("x", 1, "percent"), 73.5, 73.5),
        (ComponentRule("x", 1, "stars"), 1, 0),
        (ComponentRule("x", 1, "stars"), 4, 75),
    ],
)
def test_a_figure_becomes_points_by_its_method(rule, figure, points):
    assert component_points(rule, figure) == pytest.approx(points)


def test_an_unknown_method_is_an_error():
    with pytest.raises(ValueError, match="unknown scoring method"):
        component_points(ComponentRule("x", 1, "vibes"), 1)


def test_missing_components_leave_their_weight_to_the_others():
    figures = {"complaints_upheld": {}, "overcharges": {7: 3}, "availability": {8: 0.9}, "ratings": {7: 5}}

    scored = office_score(RULES, figures, 7)

    # complaints (25, none: 100) and overcharges (20, 3 × 10: 70) count; availability says nothing of
    # office 7, inspections are not registered, ratings weigh 0.
    assert scored.score == pytest.approx((25 * 100 + 20 * 70) / 45, abs=0.05)
    statuses = {code: entry["status"] for code, entry in scored.breakdown.items()}
    assert statuses == {
        "complaints_upheld": SCORED,
        "inspections": NOT_REGISTERED,
        "availability": NO_DATA,
        "overcharges": SCORED,
        "ratings": OFF,
    }
    assert scored.breakdown["overcharges"]["lost"] == pytest.approx(20 / 45 * 30, abs=0.05)


def test_no_component_with_a_figure_gives_no_score():
    assert office_score(RULES, {"inspections": {}}, 7).score is None


@given(
    st.dictionaries(
        st.sampled_from(["complaints_upheld", "inspections", "availability", "overcharges"]),
        st.floats(min_value=0, max_value=200, allow_nan=False),
    )
)
def test_a_score_is_between_0_and_100_and_the_points_lost_add_up(values):
    figures = {code: {1: value} for code, value in values.items()}
    figures.setdefault("complaints_upheld", {})

    scored = office_score(RULES, figures, 1)

    assert 0 <= scored.score <= 100
    lost = sum(entry["lost"] for entry in scored.breakdown.values())
    assert lost == pytest.approx(100 - scored.score, abs=0.3)


def test_equal_scores_share_a_rank():
    assert ranks([(1, 90.0), (2, 95.0), (3, 90.0), (4, 80.0)]) == {2: 1, 1: 2, 3: 2, 4: 4}


def test_a_spread_has_its_mean_median_and_worst_decile():
    found = spread([float(n) for n in range(1, 21)])  # 1 … 20

    assert (found.count, found.mean, found.median, found.worst_decile) == (20, 10.5, 10.5, 2.0)
    assert spread([]) is None
    assert spread([70.0]).worst_decile == 70.0
