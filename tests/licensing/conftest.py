"""Fixtures of the licensing tests: the geography, a catalogue service for the offices to deliver."""

import pytest

from tests.offices.factories import make_agency, make_service


@pytest.fixture
def geo(geo_loaded):
    """The real geography (Tehran province 23, county 2301, city 1576; Isfahan 10)."""
    return geo_loaded


@pytest.fixture
def catalogue(geo_loaded):
    """A service Pishkhan offices deliver, and one only the Social Security offices do."""
    agency = make_agency()
    return {
        "pishkhan": make_service(agency, "pension-statement"),
        "parallel": make_service(agency, "insurance-record", kinds=("social_security",)),
    }
