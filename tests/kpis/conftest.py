"""Fixtures of the KPIs: the counter's offices, service and keys (tests/transactions/conftest.py), and
a little rolled-up work in Tehran and Isfahan."""

import pytest

from pishkhan.kpis.services import rollups_update
from pishkhan.transactions.services import transaction_advance
from tests.offices.factories import make_agency, make_service, make_tariff_since
from tests.transactions.conftest import (
    TARIFF,
    counter,  # noqa: F401  (the counter's fixture)
)
from tests.transactions.factories import make_transaction


def done(transaction, end="completed"):
    moved = transaction_advance(transaction=transaction, to_state="submitted", actor=None)
    return transaction_advance(transaction=moved, to_state=end, actor=None)


@pytest.fixture
def work(counter):  # noqa: F811  (the fixture imported above)
    """Tehran: 3 completed (one overcharged), 1 rejected; Isfahan: 2 completed; another agency's
    service: 1 completed in Tehran. Rolled up."""
    other_agency = make_agency("sabt", "National Organization for Civil Registration")
    birth = make_service(other_agency, "birth-copy")
    make_tariff_since(birth, days=60, government_fee=10_000, office_fee=5_000)
    office, isfahan = counter["office"], counter["isfahan"]
    for fee in (TARIFF, TARIFF, TARIFF + 40_000):
        done(make_transaction(office, fee_charged=fee))
    done(make_transaction(office), "rejected")
    for _ in range(2):
        done(make_transaction(isfahan))
    done(make_transaction(counter["other"], service_code="sabt.birth-copy", fee_charged=15_000))
    make_transaction(office)  # still on its way
    while rollups_update():
        pass
    return counter | {"sabt": other_agency}
