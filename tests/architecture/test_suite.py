"""The test suite's own rules."""

import os


def test_django_guards_against_async_unsafe_calls_outside_the_browser_tests():
    # Only the ``chromium`` fixture (tests/browser.py) lifts the guard, for its own test; a module that
    # set it at import would lift it for the whole run.
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
