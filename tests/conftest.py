"""Fixtures shared by every test package.

``geo_loaded`` gives a test the real geography. Loading 100,000 rows takes seconds, so it is loaded
once per session into the test database (committed, outside any test's transaction) and shared; a
test that asks for it and finds the tables emptied (a transactional test flushes them) loads again
inside its own transaction.
"""

import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from pishkhan.gateway.agency_sandbox import SandboxState, sandbox_start
from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.geo.services import geo_load

# The browser fixture (``chromium``) and the marks of the tests that use it.
pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(config, items):
    """On a pytest-xdist worker, skip the tests that assert a wall-clock budget (marked ``timing``):
    beside another worker they measure the machine's load, not the code. They run alone in a serial
    pass (``pytest -m timing``), as .ci/run and README's test command do.

    The fault suite (marked ``faults``: it restarts PostgreSQL) runs only when asked for by name,
    ``pytest -m faults``, never within another run."""
    if "faults" not in (config.getoption("markexpr") or ""):
        alone = pytest.mark.skip(reason="the fault suite restarts PostgreSQL: run it alone, pytest -m faults")
        for item in items:
            if item.get_closest_marker("faults"):
                item.add_marker(alone)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    serial = pytest.mark.skip(reason="a wall-clock budget: run alone in the serial pass, pytest -m timing")
    for item in items:
        if item.get_closest_marker("timing"):
            item.add_marker(serial)


# The data migrations whose rows the product needs in every database (rules, checklist, fine table,
# score weights). A transactional test flushes every table at its end; these are written again then.
MIGRATION_SEEDS = [
    "pishkhan.notifications.migrations.0002_templates_seed",
    "pishkhan.notifications.migrations.0003_one_time_codes",
    "pishkhan.supervision.migrations.0004_inspection_checklist_seed",
    "pishkhan.supervision.migrations.0006_alert_rules",
    "pishkhan.supervision.migrations.0009_fine_table",
    "pishkhan.supervision.migrations.0011_score_weights",
    "pishkhan.privacy.migrations.0002_retention_seed",
    "pishkhan.frontoffice.migrations.0003_ticket_templates_seed",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures are torn down inside), seed again what the
    data migrations wrote, so that the next test finds the database as migrations left it."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # (Those set up, in ``funcargs``: a transactional test skipped before its set-up flushed nothing.)
    flushed = {"transactional_db", "live_server"} & set(getattr(item, "funcargs", None) or ())
    # After the last test the session's fixtures are gone too, the test database with them.
    if nextitem is not None and (flushed or (marker is not None and marker.kwargs.get("transaction"))):
        with item.config.stash[blocking_manager_key].unblock():
            for module in MIGRATION_SEEDS:
                try:
                    with transaction.atomic():
                        importlib.import_module(module).seed(django_apps, None)
                except IntegrityError:
                    pass  # not flushed after all: the rows are there
    return result


@pytest.fixture(scope="session")
def geo_session_loaded(django_db_setup, django_db_blocker):
    """The geography, loaded once into the session's test database."""
    with django_db_blocker.unblock():
        geo_load()


@pytest.fixture
def geo_loaded(geo_session_loaded, db):
    """A test with the real geography in the database."""
    if not geo_is_loaded():
        geo_load()


@pytest.fixture
def anon_client(client):
    """Django's test client, signed out (named for what the test means)."""
    return client


@pytest.fixture(autouse=True)
def _code_speaks_english():
    """Outside a request, run in English as the `pishkhan` command line does.

    Pages choose their language per request (Persian unless the visitor switched), so tests through
    the client still see Persian by default.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _checkpoint_file_of_its_own(settings, tmp_path):
    """Each test its own audit checkpoint file: the worker's job (run by tests' ``run_once``) appends to
    the one of the shared test data directory, whose checkpoints would name other tests' chains (rolled
    back since) and make ``audit_verify`` report a rewritten chain."""
    settings.PISHKHAN_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


# The secret the reference agency back-end shares with Pishkhan in tests.
AGENCY_SECRET = "s" * 40


@pytest.fixture
def reference():
    """The reference agency back-end (a real HTTP server), listening on a free loopback port."""
    server = sandbox_start(state=SandboxState(secret=AGENCY_SECRET))
    yield server
    server.shutdown()
    server.server_close()
