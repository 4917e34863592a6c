"""Fixtures of the accounts tests."""

import pytest

from pishkhan.accounts import jurisdictions

PROVINCE_CODES = {f"{number:02d}" for number in range(1, 32)}


def provinces_existing(codes):
    """Stands in for geo's table of provinces (empty in these tests): codes 01 to 31 exist."""
    return set(codes) & PROVINCE_CODES


def every_code_existing(codes):
    """Stands in for the catalogue's agencies and the offices registry: every well-shaped code exists."""
    return set(codes)


@pytest.fixture(autouse=True)
def jurisdictions_standing_in():
    """Accounts asks the registered resolvers whether a code exists; these tests build no provinces,
    agencies or offices, so stand-ins answer (provinces 01–31, any agency or office), then the real
    resolvers are registered again."""
    stand_ins = {"province": provinces_existing, "agency": every_code_existing, "office": every_code_existing}
    real = {
        kind: jurisdictions.resolver_register(kind, resolver, replace=True)
        for kind, resolver in stand_ins.items()
    }
    yield
    for kind, resolver in real.items():
        jurisdictions.resolver_register(kind, resolver, replace=True)
