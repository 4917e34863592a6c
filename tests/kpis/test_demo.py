"""The demo's history, written in bulk, is rolled up by the worker's first round (a full rebuild, off
`pishkhan up`'s path): equal to the raw aggregate, the cursor after the history's events."""

import pytest

from pishkhan.demo.network import network_build
from pishkhan.kpis.models import RollupCursor
from pishkhan.kpis.services import rollups_update
from pishkhan.transactions.selectors import transaction_event_last_id
from tests.kpis.test_rollups import expected_from_raw, rollups

pytestmark = pytest.mark.slow


def test_the_demo_network_is_rolled_up_by_the_workers_first_round(geo_loaded):
    network_build(offices=200, seed=3, history_days=3, history_scale=0.3)

    assert rollups_update() > 0  # the worker's first round
    assert rollups() == expected_from_raw()
    assert RollupCursor.objects.get().last_id == transaction_event_last_id()
    assert rollups_update() == 0
