"""Choropleth bands: pure, no database."""

import csv
import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import pishkhan.geo
from pishkhan.web.choropleth import Band, band_of, bands_by_quantile

# The 31 provinces' 2016 population (Statistical Centre of Iran), as shipped with geo.
with (Path(pishkhan.geo.__file__).parent / "data" / "provinces.csv").open(encoding="utf-8") as source:
    PROVINCES_2016 = [int(row["population_2016"]) for row in csv.DictReader(source)]


def test_population_bands_have_rounded_breaks_and_hold_every_province():
    bands = bands_by_quantile(PROVINCES_2016)

    assert len(PROVINCES_2016) == 31
    assert [band.index for band in bands] == [0, 1, 2, 3, 4]
    assert bands[0].lower == min(PROVINCES_2016)
    assert bands[-1].upper == max(PROVINCES_2016) + 1
    assert all(band.lower % 100_000 == 0 for band in bands[1:])
    assert all(band_of(value, bands) in bands for value in PROVINCES_2016)


def test_quantile_bands_spread_skewed_values_over_every_shade():
    bands = bands_by_quantile(PROVINCES_2016)

    counts = [sum(band_of(value, bands) == band for value in PROVINCES_2016) for band in bands]

    assert min(counts) >= 4  # equal-width bands would put 27 of the 31 in the lightest shade


def test_value_outside_the_bands_takes_the_nearest_end():
    bands = [Band(index=0, lower=10, upper=20), Band(index=1, lower=20, upper=30)]

    assert band_of(5, bands).index == 0
    assert band_of(30, bands).index == 1


def test_band_that_rounding_leaves_empty_is_merged_into_the_next():
    assert bands_by_quantile([226, 350]) == [
        Band(index=0, lower=226, upper=230),
        Band(index=1, lower=230, upper=351),
    ]


def test_identical_values_make_one_band():
    assert bands_by_quantile([7, 7, 7]) == [Band(index=0, lower=7, upper=8)]


def test_no_values_no_bands():
    assert bands_by_quantile([]) == []


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=60))
def test_bands_are_contiguous_nonempty_and_cover_every_value(values):
    bands = bands_by_quantile(values)

    assert 1 <= len(bands) <= 5
    assert all(a.upper == b.lower for a, b in itertools.pairwise(bands))
    assert all(any(band.lower <= v < band.upper for v in values) for band in bands)
    assert all(bands[0].lower <= v < bands[-1].upper for v in values)
