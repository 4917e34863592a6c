"""The cursor's bookkeeping of ids it stepped over before their rows committed."""

import datetime as dt

from pishkhan.common.cursors import PENDING_FOR, PENDING_MAX, pending_after

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def test_the_gaps_among_a_rounds_ids_are_awaited_from_now():
    awaited = pending_after(last_id=10, pending=[], read_ids=[11, 14, 15], found_late=set(), now=NOW)

    assert awaited == [[12, NOW.timestamp()], [13, NOW.timestamp()]]


def test_an_awaited_id_found_late_is_no_longer_awaited_and_others_still_are():
    before = NOW - dt.timedelta(seconds=30)
    pending = [[12, before.timestamp()], [13, before.timestamp()]]

    awaited = pending_after(last_id=15, pending=pending, read_ids=[], found_late={12}, now=NOW)

    assert awaited == [[13, before.timestamp()]]


def test_an_id_awaited_past_its_time_is_taken_for_rolled_back():
    old = (NOW - PENDING_FOR - dt.timedelta(seconds=1)).timestamp()

    awaited = pending_after(last_id=15, pending=[[12, old]], read_ids=[16], found_late=set(), now=NOW)

    assert awaited == []


def test_a_jump_of_the_sequence_is_not_a_million_ids_awaited():
    awaited = pending_after(last_id=0, pending=[], read_ids=[1_000_000], found_late=set(), now=NOW)

    assert len(awaited) == PENDING_MAX
    assert awaited[-1][0] == 999_999
