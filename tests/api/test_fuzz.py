"""Schemathesis over the whole API (issue 21 §1): every operation of the OpenAPI document, with an
office's key and with the regulator's, valid and invalid inputs made up from the schema.

The answer to every request must be no server error (5xx), a status the document lists for the
operation, and a body that conforms to the schema documented for that status. The budget is fixed
(``EXAMPLES`` per operation and key and mode) and derandomised, so every run sends the same requests
and ends in a few minutes; the counts are printed (``pytest -s``) and must all be 0.

Served through the WSGI application the servers run (Django behind the counter's fast lane), in the
test's database transaction.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from pishkhan.accounts.services import apikey_create
from pishkhan.transactions.lane import counter_lane
from tests.accounts.factories import UserFactory
from tests.transactions.conftest import counter  # noqa: F401 (a fixture)

EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _kind(failure: Failure) -> str:
    if isinstance(failure, ServerError):
        return "server errors"
    if isinstance(failure, UndefinedStatusCode):
        return "undocumented status codes"
    return "schema violations"


def _failures(error: BaseException) -> list[Failure]:
    if isinstance(error, FailureGroup):
        return [f for e in error.exceptions for f in _failures(e)]
    return [error] if isinstance(error, Failure) else []


@contextlib.contextmanager
def _quiet():
    """Django's log of every refused request (thousands) left out of the test's output (entered after
    Django's setup, which configures logging)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _kept_connection():
    """The test's connection kept across requests, as Django's test client keeps it: a request's end
    would otherwise close it (inside the test's transaction, autocommit is off), and with it the test
    data on PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Tally:
    """The requests sent, the failures counted by kind, and the first few described."""

    def __init__(self) -> None:
        self.requests = 0
        self.counts: Counter[str] = Counter()
        self.found: list[str] = []

    def note(self, case, response, failure: Failure, mode: GenerationMode) -> None:
        self.counts[_kind(failure)] += 1
        if len(self.found) < 40:
            self.found.append(
                f"{case.operation.label} [{mode.value}] {response.status_code}: {failure.title}: "
                f"{str(failure.message)[:200]} — {case.as_curl_command()[:400]}"
            )


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str], tally: Tally) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        tally.requests += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as error:
            for failure in _failures(error):
                tally.note(case, response, failure, mode)

    # No invalid input exists for an operation without parameters or body.
    with contextlib.suppress(Unsatisfiable):
        run()


@pytest.mark.django_db
def test_no_server_error_undocumented_status_or_schema_violation(counter):  # noqa: F811
    _, regulator_key = apikey_create(holder_kind="user", holder_code=UserFactory().username, actor=None)
    served = counter_lane(get_wsgi_application())

    def app(environ, start_response):
        # As a server gives it (the test client does not): the address rate limits count by.
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return served(environ, start_response)

    tally = Tally()
    started = time.monotonic()
    with _quiet(), _kept_connection():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()
            for key in (counter["office_key"], regulator_key):
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "fuzz-1"}
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _fuzz(operation, mode, headers, tally)

    elapsed = time.monotonic() - started
    counts = tally.counts
    print(
        f"\nschemathesis: {tally.requests} requests in {elapsed:.0f}s; "
        f"server errors {counts['server errors']}, "
        f"undocumented status codes {counts['undocumented status codes']}, "
        f"schema violations {counts['schema violations']}"
    )
    print("\n".join(tally.found))
    assert not counts, tally.found
