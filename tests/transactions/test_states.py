"""The transaction state machine: every pair of states, legal or not, through the service."""

import itertools

import pytest

from pishkhan.common.errors import TransitionError, ValidationError
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
from pishkhan.transactions.services import transaction_advance
from pishkhan.transactions.states import TRANSACTION_TRANSITIONS, TransactionState
from tests.transactions.test_services import record

LEGAL = {
    ("received", "submitted"),
    ("received", "failed"),
    ("submitted", "completed"),
    ("submitted", "rejected"),
    ("submitted", "failed"),
    # the agency's late answer (a callback, or a replay of the delivery) after Pishkhan gave up
    ("failed", "completed"),
    ("failed", "rejected"),
}
# The shortest legal path into each state, from received.
PATH = {
    "received": [],
    "submitted": ["submitted"],
    "completed": ["submitted", "completed"],
    "rejected": ["submitted", "rejected"],
    "failed": ["failed"],
}


def test_table_is_exactly_the_legal_pairs():
    assert set(TRANSACTION_TRANSITIONS.pairs()) == LEGAL


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.product(TransactionState.values, TransactionState.values))
)
def test_every_pair_through_the_service(counter, source, target):
    # given a transaction brought to the source state through legal moves
    transaction = record(counter["office"]).transaction
    for step in PATH[source]:
        transaction = transaction_advance(transaction=transaction, to_state=step, actor=None)
    events_before = TransactionEvent.objects.filter(transaction=transaction).count()

    if (source, target) in LEGAL:
        # when it moves to a legal target, then it is there, timed, with one more event
        moved = transaction_advance(
            transaction=transaction, to_state=target, detail="agency said so", actor=None
        )
        assert moved.state == target
        last = TransactionEvent.objects.filter(transaction=transaction).last()
        assert (last.from_state, last.to_state, last.detail) == (source, target, "agency said so")
        assert TransactionEvent.objects.filter(transaction=transaction).count() == events_before + 1
        if target == "submitted":
            assert moved.submitted_at is not None
        if target in ("completed", "rejected", "failed"):
            assert moved.finished_at is not None
    else:
        # when the move is illegal, then it is refused and nothing changes
        with pytest.raises(TransitionError):
            transaction_advance(transaction=transaction, to_state=target, actor=None)
        assert CounterTransaction.objects.get(pk=transaction.pk).state == source
        assert TransactionEvent.objects.filter(transaction=transaction).count() == events_before


def test_unknown_state_is_a_validation_error(counter):
    transaction = record(counter["office"]).transaction
    with pytest.raises(ValidationError) as refused:
        transaction_advance(transaction=transaction, to_state="lost", actor=None)
    assert "to_state" in refused.value.fields
