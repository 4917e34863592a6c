"""The demo's history, written in bulk, has its KPI rollups when the build ends: equal to the raw
aggregate, with nothing left for the worker's upkeep to redo."""

import pytest

from pishkhan.demo.network import network_build
from pishkhan.kpis.models import RollupCursor
from pishkhan.kpis.services import rollups_update
from pishkhan.transactions.selectors import transaction_event_last_id
from tests.kpis.test_rollups import expected_from_raw, rollups

pytestmark = pytest.mark.slow


def test_the_demo_network_is_rolled_up_when_built(geo_loaded):
    built = network_build(offices=200, seed=3, history_days=3, history_scale=0.3)

    assert built.counts["KPI rollups"] > 0
    assert rollups() == expected_from_raw()
    assert RollupCursor.objects.get().last_id == transaction_event_last_id()
    assert rollups_update() == 0
