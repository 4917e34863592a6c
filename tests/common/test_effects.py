"""Effects of a write run after its commit, never after a rollback."""

import pytest
from django.db import transaction

from pishkhan.common.effects import after_commit

pytestmark = pytest.mark.django_db


def test_an_effect_waits_for_the_commit(django_capture_on_commit_callbacks):
    ran = []

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        after_commit(ran.append, "cleared")
        assert ran == []

    assert ran == ["cleared"]


def _write_then_refuse(ran):
    with transaction.atomic():
        after_commit(ran.append, "cleared")
        raise RuntimeError("refused")


def test_an_effect_of_a_write_rolled_back_never_runs(django_capture_on_commit_callbacks):
    ran = []

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _write_then_refuse(ran)

    assert (ran, callbacks) == ([], [])


@pytest.mark.django_db(transaction=True)
def test_an_effect_outside_a_transaction_runs_at_once_and_a_failing_one_stops_no_other():
    ran = []

    def fail():
        raise RuntimeError("cache unreachable")

    with transaction.atomic():
        after_commit(fail)
        after_commit(ran.append, "second")
    after_commit(ran.append, "now")

    assert ran == ["second", "now"]
