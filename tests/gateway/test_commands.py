import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.gateway.models import AgencyCredential
from pishkhan.gateway.services import outbox_deliver_due, submission_enqueue
from pishkhan.gateway.states import OutboundState


def test_secret_set_prints_a_new_secret_once_and_stores_it(sandbox_agency, capsys):
    call_command("gateway_secret_set", agency="sabt")

    printed = capsys.readouterr().out.strip()
    assert len(printed) == 64
    assert AgencyCredential.objects.get(agency=sandbox_agency).secret == printed


def test_secret_set_for_an_unknown_agency_is_a_command_error(db):
    with pytest.raises(CommandError):
        call_command("gateway_secret_set", agency="nobody")


def test_deliver_once_reports_what_it_did(sandbox_agency, capsys):
    submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)

    call_command("gateway_deliver")

    assert "claimed 1: delivered 1" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--limit", "0"], ["--sleep", "-1"]])
def test_deliver_refuses_bad_options(db, args):
    with pytest.raises(CommandError):
        call_command("gateway_deliver", *args)


def test_replay_all_dead_then_deliver(http_agency, reference, capsys):
    reference.state.control({"fail_next": 1, "fail_status": 400})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)
    outbox_deliver_due(now=timezone.now())

    call_command("gateway_replay", "--all-dead")
    call_command("gateway_deliver")

    request.refresh_from_db()
    assert "1 request(s) replayed" in capsys.readouterr().out
    assert request.state == OutboundState.DELIVERED


@pytest.mark.parametrize("args", [[], ["1", "--all-dead"], ["999"]])
def test_replay_refuses_bad_arguments(db, args):
    with pytest.raises(CommandError):
        call_command("gateway_replay", *args)


def test_agency_sandbox_refuses_a_bad_port(db):
    with pytest.raises(CommandError):
        call_command("agency_sandbox", port=70000, secret="x")
