"""The projection of boundaries to SVG (pure: no database)."""

import json
import re
from importlib import resources

import pytest

from pishkhan.geo.maps import IRAN, Frame, label_point, path_d

NUMBER = re.compile(r"-?\d+")


def _absolute_points(d: str) -> list[tuple[int, int]]:
    """The points of a path written as "M x y l dx dy … z" subpaths."""
    points = []
    for move, steps in re.findall(r"M([-\d ]+)l([-\d ]+)z", d):
        x, y = map(int, NUMBER.findall(move))
        points.append((x, y))
        deltas = list(map(int, NUMBER.findall(steps)))
        for dx, dy in zip(deltas[::2], deltas[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_the_corners_of_iran_map_inside_the_view_box():
    # given Iran's extreme points (west 44.03° E, east 63.33° E, south 25.05° N, north 39.78° N)
    corners = [IRAN.point(lon, lat) for lon in (44.03, 63.33) for lat in (25.05, 39.78)]

    # then all are inside the viewBox
    assert IRAN.view_box == f"0 0 {IRAN.width} {IRAN.height}"
    assert all(0 <= x <= IRAN.width and 0 <= y <= IRAN.height for x, y in corners)


def test_north_is_up_and_east_is_right():
    tabriz, bandar_abbas, mashhad = (
        IRAN.point(46.29, 38.08),
        IRAN.point(56.27, 27.18),
        IRAN.point(59.61, 36.30),
    )

    assert tabriz[1] < bandar_abbas[1]  # Tabriz is north of Bandar Abbas: higher on the map
    assert tabriz[0] < mashhad[0]  # and west of Mashhad: further left


def test_longitude_is_shortened_by_the_cosine_of_the_mean_latitude():
    # given a frame of 10° × 10° around 60° N, where a degree of longitude is half a degree of latitude
    frame = Frame(west=0, south=55, east=10, north=65, width=500)

    # then it is twice as tall as wide
    assert frame.height == pytest.approx(1000, abs=1)


def test_a_polygon_becomes_one_closed_subpath_of_whole_units():
    frame = Frame(west=0, south=0, east=10, north=10, width=100)
    square = {"type": "Polygon", "coordinates": [[[1, 1], [9, 1], [9, 9], [1, 9], [1, 1]]]}

    d = path_d(square, frame)

    assert d.startswith("M")
    assert d.endswith("z")
    assert d.count("M") == 1
    assert _absolute_points(d) == [(10, 90), (90, 90), (90, 10), (10, 10)]


def test_a_multipolygon_draws_every_part_and_hole_and_drops_specks():
    frame = Frame(west=0, south=0, east=10, north=10, width=100)
    outer = [[1, 1], [5, 1], [5, 5], [1, 5], [1, 1]]
    hole = [[2, 2], [3, 2], [3, 3], [2, 2]]
    island = [[7, 7], [9, 7], [9, 9], [7, 7]]
    speck = [[8.001, 1.001], [8.002, 1.001], [8.002, 1.002], [8.001, 1.001]]  # smaller than a unit
    geometry = {"type": "MultiPolygon", "coordinates": [[outer, hole], [island], [speck]]}

    assert path_d(geometry, frame).count("M") == 3


def test_a_point_is_not_an_area():
    with pytest.raises(ValueError, match="Point"):
        path_d({"type": "Point", "coordinates": [50, 30]})


def test_the_shipped_provinces_draw_inside_the_view_box_and_stay_compact():
    # given the 31 shipped province boundaries
    with (resources.files("pishkhan.geo") / "data" / "provinces.geojson").open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]

    # when each is drawn
    paths = [path_d(feature["geometry"]) for feature in features]

    # then every point lies in the viewBox and the whole map is small enough to inline in a page
    points = [point for d in paths for point in _absolute_points(d)]
    assert all(0 <= x <= IRAN.width and 0 <= y <= IRAN.height for x, y in points)
    assert sum(len(d) for d in paths) < 200_000
    assert len(paths) == 31
    assert all(paths)


def test_a_label_point_is_rounded_to_whole_units():
    x, y = label_point(51.39, 35.69)

    assert (x, y) == tuple(round(value) for value in IRAN.point(51.39, 35.69))
