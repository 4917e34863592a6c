"""The gateway's hook upward: the counter's handler is registered at start-up, and an event with no
handler registered fails (and is not recorded) rather than being dropped."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from pishkhan.gateway import events
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import outbox_deliver_due, submission_enqueue
from pishkhan.gateway.states import OutboundState
from pishkhan.transactions.services import gateway_event


def test_the_counter_registers_its_handler_when_django_starts():
    assert events.handler_registered() is gateway_event


def test_a_second_different_handler_is_refused():
    def other(*, request, event, result):
        pass

    with pytest.raises(ImproperlyConfigured):
        events.handler_register(other)

    assert events.handler_registered() is gateway_event


@pytest.fixture
def unwired():
    """The gateway with no handler registered, for one test."""
    previous = events.handler_unregister()
    yield
    events.handler_register(previous, replace=True)


@pytest.mark.django_db
def test_an_event_without_a_handler_fails_and_is_not_recorded(sandbox_agency, unwired):
    request = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)

    with pytest.raises(ImproperlyConfigured):
        outbox_deliver_due(now=timezone.now())

    request = OutboundRequest.objects.get(pk=request.pk)
    assert request.state != OutboundState.DELIVERED
    assert request.result_applied_at is None
