"""Fixtures of the KPIs: the counter's offices, service and keys (tests/transactions/conftest.py)."""

from tests.transactions.conftest import counter  # noqa: F401  (the counter's fixture)
