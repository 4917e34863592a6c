"""Builders of counter tests: transactions recorded through the service, as an office's system would.

Use with the ``counter`` fixture (tests/transactions/conftest.py), whose service has a tariff of
``TARIFF`` rials in force.
"""

from __future__ import annotations

import itertools

from pishkhan.transactions.services import request_fingerprint, transaction_record
from tests.offices.factories import national_id
from tests.transactions.conftest import TARIFF

SERVICE = "tamin.pension-statement"
CITIZEN = national_id(4242)
MOBILE = "09121234567"

# The citizen of the bodies an office's system posts in the API tests.
POSTED_CITIZEN = national_id(777)

_references = itertools.count(1)


def posted_body(**overrides):
    """A transaction as an office's system posts it to ``POST /api/v1/transactions``."""
    return {
        "service": SERVICE,
        "national_id": POSTED_CITIZEN,
        "mobile": "09351112233",
        "fee_charged": TARIFF,
        "office_reference": "A-1",
        "clerk": "Clerk 7",
    } | overrides


def make_transaction(office, *, service_code: str = SERVICE, **overrides):
    """A transaction recorded for ``office`` through ``transaction_record``; returns the row.

    Every call gets a fresh office reference and idempotency key unless given.
    """
    number = next(_references)
    values = {
        "service_code": service_code,
        "national_id": CITIZEN,
        "mobile": MOBILE,
        "fee_charged": TARIFF,
        "clerk": "مریم رضایی",
        "office_reference": f"REF-{number}",
    } | overrides
    return transaction_record(
        office=office,
        idempotency_key=f"key-{number}",
        request_fingerprint=request_fingerprint({k: str(v) for k, v in values.items()}),
        actor=None,
        **values,
    ).transaction
