"""Heartbeats in bulk (transactions' service, which the demo writes through) and the demo's living
network: which offices beat, which stay quiet or dark, and the job that keeps the board alive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.common.errors import PermissionDeniedError, ValidationError
from pishkhan.demo import heartbeats as demo
from pishkhan.demo.tasks import demo_heartbeats
from pishkhan.licensing.models import Licence
from pishkhan.offices.services import office_set_status
from pishkhan.supervision.liveness import LivenessState, liveness_rows
from pishkhan.transactions.selectors import office_last_seen, office_terminals
from pishkhan.transactions.services import Beat, heartbeat_record, heartbeats_record_many
from tests.accounts.factories import UserFactory
from tests.licensing.factories import imported
from tests.offices.factories import make_office
from tests.supervision.test_board_pages import ALWAYS_OPEN


@pytest.fixture
def office(geo_loaded):
    return make_office(1, opening_hours=ALWAYS_OPEN)


def _ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def test_bulk_heartbeats_move_last_seen_forward_only(office):
    other = make_office(2, opening_hours=ALWAYS_OPEN)
    heartbeat_record(office=office, terminal_id="T1", software_version="1.0", at=_ago(5))

    written = heartbeats_record_many(
        beats=[
            Beat(
                office=office, terminal_id="T2", software_version="2.0", at=_ago(20)
            ),  # late: kept, not "last"
            Beat(office=other, terminal_id="T1", software_version="2.0", at=_ago(3)),
            Beat(office=other, terminal_id="T2", software_version="2.1", at=_ago(1)),
        ]
    )

    assert written == 3
    assert office_last_seen(office=office) == pytest.approx(_ago(5), abs=dt.timedelta(seconds=5))
    assert office_last_seen(office=other) == pytest.approx(_ago(1), abs=dt.timedelta(seconds=5))
    terminals = office_terminals(office_id=other.pk, since=_ago(60))
    assert [(t.terminal_id, t.software_version) for t in terminals] == [("T2", "2.1"), ("T1", "2.0")]


def test_bulk_heartbeats_refuse_bad_input_and_store_nothing(office):
    heartbeat_record(office=office, terminal_id="T1", software_version="1.0", at=_ago(5))
    future = timezone.now() + dt.timedelta(hours=1)

    with pytest.raises(ValidationError) as refused:
        heartbeats_record_many(
            beats=[
                Beat(office=office, terminal_id="T1", software_version="1.1", at=_ago(1)),
                Beat(office=office, terminal_id="T1", software_version="1.1", at=future),
            ]
        )
    with pytest.raises(ValidationError):
        heartbeats_record_many(beats=[Beat(office=office, terminal_id=" ", software_version="1", at=_ago(1))])

    assert "at" in refused.value.fields
    assert office_terminals(office_id=office.pk, since=_ago(60))[0].beats == 1
    assert office_last_seen(office=office) == pytest.approx(_ago(5), abs=dt.timedelta(seconds=5))


def test_bulk_heartbeats_refuse_a_closed_office(office):
    office_set_status(office=office, status="closed", reason="بسته شد", actor=UserFactory())
    office.refresh_from_db()

    with pytest.raises(PermissionDeniedError):
        heartbeats_record_many(
            beats=[Beat(office=office, terminal_id="T1", software_version="1", at=_ago(1))]
        )


def test_a_first_bulk_heartbeat_is_a_first_sign_of_life(office):
    licence = imported(office, status="issued")

    heartbeats_record_many(beats=[Beat(office=office, terminal_id="T1", software_version="1", at=_ago(2))])

    assert Licence.objects.get(pk=licence.pk).first_signal_at is not None


def test_the_demo_chooses_healthy_flaky_and_dark_offices_from_the_seed():
    codes = [f"P23-{n:04d}" for n in range(1, 5001)]

    kinds = [demo.office_health(seed=7, code=code).kind for code in codes]

    assert kinds == [demo.office_health(seed=7, code=code).kind for code in codes]  # the same every run
    assert 100 < kinds.count("dark") < 200  # about 3 %
    assert 200 < kinds.count("flaky") < 400  # about 6 %
    versions = {demo.office_health(seed=7, code=code).software for code in codes}
    assert versions == {name for name, _share in demo.SOFTWARE}


def _seed_where(kinds: dict[str, str]) -> int:
    """A seed under which each office code behaves as asked."""
    return next(
        seed
        for seed in range(100_000)
        if all(demo.office_health(seed=seed, code=code).kind == kind for code, kind in kinds.items())
    )


def test_history_and_beats_keep_healthy_offices_online_and_dark_ones_offline(geo_loaded):
    healthy = make_office(1, opening_hours=ALWAYS_OPEN)
    dark = make_office(2, opening_hours=ALWAYS_OPEN)
    seed = _seed_where({healthy.code: "healthy", dark.code: "dark"})
    now = timezone.now()

    written = demo.heartbeats_history_build(seed=seed, days=2, now=now)
    demo.heartbeats_beat(seed=seed, now=now)
    states = {row.code: row.state for row in liveness_rows(now=now + dt.timedelta(minutes=5))}

    assert written > 24  # one per opening hour of the healthy office, and the dark one's before it stopped
    assert states[healthy.code] == LivenessState.ONLINE
    assert states[dark.code] == LivenessState.OFFLINE
    assert office_terminals(office_id=healthy.pk, since=now - dt.timedelta(days=2))


def test_a_flaky_office_is_quiet_for_part_of_each_cycle(geo_loaded):
    flaky = make_office(1, opening_hours=ALWAYS_OPEN)
    seed = _seed_where({flaky.code: "flaky"})
    start = timezone.now() - dt.timedelta(hours=2)
    seen = set()

    for minute in range(0, 90, 1):
        at = start + dt.timedelta(minutes=minute)
        demo.heartbeats_beat(seed=seed, now=at)
        if minute >= demo.FLAKY_CYCLE:  # once it has gone through a whole cycle
            seen.add(next(row.state for row in liveness_rows(now=at) if row.code == flaky.code))

    assert seen == {LivenessState.ONLINE, LivenessState.QUIET}  # never offline


def test_the_demo_job_beats_with_the_demo_seed_and_then_waits(geo_loaded):
    from pishkhan.demo.network import DEFAULT_SEED

    office = make_office(1, opening_hours=ALWAYS_OPEN)

    outcome = demo_heartbeats(now=timezone.now())

    assert not outcome  # the worker waits the job's interval before the next round
    heard = office_last_seen(office=office) is not None
    assert heard == (demo.office_health(seed=DEFAULT_SEED, code=office.code).kind != "dark")


def test_the_demo_job_is_registered_only_in_demo_mode(settings):
    assert "demo.heartbeats" not in [job["name"] for job in settings.PISHKHAN_JOBS]
