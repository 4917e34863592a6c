"""Fixtures of the accounts tests."""

import pytest

PROVINCE_CODES = {f"{number:02d}" for number in range(1, 32)}


def provinces_existing(codes):
    """Stands in for geo's table of provinces (empty in these tests): codes 01 to 31 exist."""
    return set(codes) & PROVINCE_CODES


@pytest.fixture(autouse=True)
def provinces_01_to_31(settings):
    """Accounts asks the configured resolver whether a province exists; here 01–31 do."""
    settings.PISHKHAN_JURISDICTION_RESOLVERS = {"province": provinces_existing}
