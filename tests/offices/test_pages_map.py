"""The office map's drawing (pure, no database): dots in the projection of the province maps."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pishkhan.geo.maps import IRAN, path_d
from pishkhan.offices.map import (
    MARKER_RADIUS,
    MAX_ASPECT,
    MIN_SIDE,
    RESULTS_WIDTH,
    dot_layers,
    dots_d,
    path_bounds,
    results_map,
    view_box_around,
)

TEHRAN = (35.69439, 51.42151)
DAMAVAND = (35.71842, 52.06958)
ZAHEDAN = (29.4963, 60.8629)


def _dots(d: str) -> list[tuple[int, int]]:
    """The absolute positions of the dots of a path written by ``dots_d``."""
    points, x, y = [], 0, 0
    for command, dx, dy in re.findall(r"([Mm])(-?\d+)(?: |(?=-))(-?\d+)h0", d):
        x, y = (int(dx), int(dy)) if command == "M" else (x + int(dx), y + int(dy))
        points.append((x, y))
    return points


def test_a_dot_stands_where_the_province_map_projects_its_point():
    d, count = dots_d([TEHRAN])

    x, y = IRAN.point(TEHRAN[1], TEHRAN[0])
    assert count == 1
    assert d == f"M{round(x)} {round(y)}h0"


def test_dots_are_steps_from_one_to_the_next_and_land_on_each_point():
    d, count = dots_d([TEHRAN, DAMAVAND, ZAHEDAN])

    expected = {
        (round(x), round(y)) for x, y in (IRAN.point(lon, lat) for lat, lon in (TEHRAN, DAMAVAND, ZAHEDAN))
    }
    assert count == 3
    assert d.count("h0") == 3
    assert set(_dots(d)) == expected


def test_offices_on_the_same_spot_are_drawn_once():
    d, count = dots_d([TEHRAN] * 500 + [(TEHRAN[0] + 0.001, TEHRAN[1])])

    assert count == 1
    assert d.count("h0") == 1


def test_layers_keep_the_given_order_and_count_offices_not_dots():
    layers = dot_layers(
        [("pishkhan", *TEHRAN), ("pishkhan", *TEHRAN), ("ict", *DAMAVAND)], ["ict", "e_city", "pishkhan"]
    )

    assert [(layer.kind, layer.count, layer.dots) for layer in layers] == [
        ("ict", 1, 1),
        ("e_city", 0, 0),
        ("pishkhan", 2, 1),
    ]
    assert layers[1].d == ""


@given(
    st.lists(
        st.tuples(st.floats(min_value=25.1, max_value=39.7), st.floats(min_value=44.1, max_value=63.3)),
        min_size=1,
        max_size=300,
    )
)
def test_every_point_gets_its_dot_and_nothing_else(points):
    d, count = dots_d(points)

    expected = {(round(x), round(y)) for x, y in (IRAN.point(lon, lat) for lat, lon in points)}
    assert _dots(d)
    assert set(_dots(d)) == expected
    assert count == len(expected) == len(_dots(d))


def test_thirteen_thousand_offices_make_a_path_of_at_most_a_hundred_kilobytes():
    # A grid of distinct points 0.1° apart all over the country: far more distinct dots than real offices.
    points = [(25.2 + i * 0.1, 44.2 + j * 0.1) for i in range(100) for j in range(130)]

    d, count = dots_d(points)

    assert count > 12_000
    assert len(d) < 100_000


def test_the_bounds_of_a_province_path_are_those_of_its_polygon():
    square = {"type": "Polygon", "coordinates": [[[50, 30], [52, 30], [52, 32], [50, 32], [50, 30]]]}

    bounds = path_bounds(path_d(square))

    west_x, north_y = IRAN.point(50, 32)
    east_x, south_y = IRAN.point(52, 30)
    assert bounds == (round(west_x), round(north_y), round(east_x), round(south_y))


def test_the_bounds_of_dots_and_of_nothing():
    d, _count = dots_d([TEHRAN, ZAHEDAN])

    x1, y1 = IRAN.point(TEHRAN[1], TEHRAN[0])
    x2, y2 = IRAN.point(ZAHEDAN[1], ZAHEDAN[0])
    assert path_bounds(d) == (round(x1), round(y1), round(x2), round(y2))
    assert path_bounds("") is None


def test_a_view_box_leaves_room_around_an_area_and_never_shrinks_below_the_minimum():
    assert view_box_around((100, 200, 600, 400)) == "70 170 560 260"
    assert (
        view_box_around((500, 500, 500, 500))
        == f"{500 - MIN_SIDE // 2} {500 - MIN_SIDE // 2} {MIN_SIDE} {MIN_SIDE}"
    )


# --- The map of a search's results ------------------------------------------------------------------

TEHRAN = (35.69439, 51.42151)


def test_the_results_map_holds_the_searched_point_and_numbers_the_pins_in_list_order():
    found = [(35.70, 51.43), (35.66, 51.38), (35.75, 51.50)]

    drawing = results_map(found, centre=TEHRAN)

    centre_x, centre_y = drawing.centre
    assert 0 < centre_x < drawing.frame.width
    assert 0 < centre_y < drawing.frame.height
    assert [pin.numbers for pin in drawing.pins] == [(1,), (2,), (3,)]
    # North is up and east is right: the third result (north-east of the point) is up and right.
    third = drawing.pins[2]
    assert third.x > centre_x
    assert third.y < centre_y


def test_offices_at_one_spot_share_a_pin_that_names_them_all():
    drawing = results_map([(35.70, 51.43), (35.70, 51.43), (35.60, 51.30)], centre=TEHRAN)

    assert [pin.numbers for pin in drawing.pins] == [(1, 2), (3,)]


@given(
    st.lists(
        st.tuples(st.floats(25.1, 39.7), st.floats(44.1, 63.3)),
        min_size=1,
        max_size=10,
    )
)
def test_every_pin_is_inside_the_map_with_room_for_its_marker(found):
    drawing = results_map(found, centre=found[0])

    for pin in drawing.pins:
        assert MARKER_RADIUS <= pin.x <= drawing.frame.width - MARKER_RADIUS
        assert MARKER_RADIUS <= pin.y <= drawing.frame.height - MARKER_RADIUS
    assert drawing.frame.height <= drawing.frame.width * MAX_ASPECT + 1
    assert drawing.frame.width <= drawing.frame.height * MAX_ASPECT + 1


def test_the_scale_bar_is_a_round_distance_between_a_tenth_and_a_quarter_of_the_map():
    near = results_map([(35.6950, 51.4220)], centre=TEHRAN)  # about 60 m away: the smallest map
    far = results_map([(33.37939, 52.36981)], centre=TEHRAN)  # Ardestan, about 270 km

    assert near.scale_km == 0.5  # the map spans at least 3 km
    assert far.scale_km in (20, 50, 100)
    for drawing in (near, far):
        assert RESULTS_WIDTH / 10 < drawing.scale_length <= RESULTS_WIDTH / 4


def test_no_results_and_no_point_is_no_map():
    assert results_map([]) is None
