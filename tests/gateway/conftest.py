"""Fixtures of the gateway tests: agencies on each adapter (the reference agency server on loopback,
``reference``, is shared from tests/conftest.py), and a handler that counts the results."""

import pytest

from pishkhan.gateway import events
from pishkhan.gateway.services import agency_secret_set
from tests.catalogue.factories import AgencyFactory
from tests.conftest import AGENCY_SECRET as SECRET
from tests.gateway import handlers


@pytest.fixture
def results():
    """The results the gateway applied, as (request id, status), through a handler standing in for the
    submitting domain's (registered in its place for the test, then the real one again)."""
    previous = events.handler_register(handlers.record, replace=True)
    handlers.CALLS.clear()
    handlers.EVENTS.clear()
    yield handlers.CALLS
    events.handler_register(previous, replace=True)
    handlers.CALLS.clear()
    handlers.EVENTS.clear()


@pytest.fixture
def sandbox_agency(db):
    """An agency simulated in process."""
    return AgencyFactory(code="sabt")


@pytest.fixture
def http_agency(db, reference):
    """An agency reached over HTTP at the reference server, sharing ``SECRET`` with Pishkhan."""
    agency = AgencyFactory(code="tamin", adapter="http", base_url=reference.url, timeout_seconds=2)
    agency_secret_set(agency=agency, secret=SECRET, actor=None)
    return agency
