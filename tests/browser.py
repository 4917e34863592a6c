"""The one browser of the tests: headless Chromium (Debian's) through Playwright, as a fixture.

A test asks for ``chromium`` and opens the browser with ``with chromium() as browser:`` once its own
database work is done: database calls made while Playwright's loop runs get a connection of their own
that nothing closes, and PostgreSQL then refuses to drop the test database. Every test that asks for
the fixture is marked ``browser`` (``-m "not browser"`` leaves them out) and kept on one xdist worker
(group ``browser``), so that two Chromiums never compete for the machine's two cores.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Registered in tests/conftest.py (``pytest_plugins``).
"""

import contextlib
import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The password of the users the browser tests sign in as.
PASSWORD = "a-Long-enough-passphrase-42"
# Screenshots go to the temporary directory (/tmp/pishkhan-*.png), to look at after a run.
SCREENSHOTS = Path(tempfile.gettempdir())
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _chromium_present():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but Chromium is not installed at {CHROMIUM}")
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@contextlib.contextmanager
def _launched():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium(monkeypatch):
    """A launcher of headless Chromium: ``with chromium() as browser:``.

    Playwright's sync API runs an event loop in the test's thread, and Django refuses database access
    from a thread with a running loop unless told that this is deliberate: the fixture tells it
    (``DJANGO_ALLOW_ASYNC_UNSAFE``) for this test only, so every other test keeps Django's guard.
    """
    _chromium_present()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return _launched


def pytest_collection_modifyitems(items):
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
