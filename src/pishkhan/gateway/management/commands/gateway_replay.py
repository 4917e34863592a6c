"""``pishkhan gateway_replay ID | --all-dead``: give dead requests a fresh set of attempts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.common.errors import ApplicationError
from pishkhan.gateway.selectors import outbound_request_get_by_id, outbound_request_list
from pishkhan.gateway.services import outbox_replay
from pishkhan.gateway.states import OutboundState

ACTOR = "command:gateway_replay"


class Command(BaseCommand):
    help = "Replay a dead outbound request by id, or every dead one with --all-dead."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", nargs="?", type=int, help="the outbound request's id")
        parser.add_argument("--all-dead", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["id"] is None) == (not options["all_dead"]):
            raise CommandError("Give either an id or --all-dead.")
        try:
            if options["all_dead"]:
                requests = list(outbound_request_list(state=OutboundState.DEAD))
            else:
                requests = [outbound_request_get_by_id(request_id=options["id"])]
            for request in requests:
                outbox_replay(request=request, actor=ACTOR)
        except ApplicationError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(f"{len(requests)} request(s) replayed")
