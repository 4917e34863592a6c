"""Fixtures of the web tests (the real geography comes from tests/conftest.py)."""

import pytest
from django.test import Client


@pytest.fixture
def english(db):
    """A second browser, which chose English through the language switch."""
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return browser
