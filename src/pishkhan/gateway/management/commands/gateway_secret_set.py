"""``pishkhan gateway_secret_set --agency CODE``: give an agency a new shared secret, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.catalogue.selectors import agency_get
from pishkhan.common.errors import ApplicationError
from pishkhan.gateway.services import agency_secret_rotate


class Command(BaseCommand):
    help = (
        "Rotate an agency's shared secret (the old one stops working at once) and print the new one: "
        "it is shown only this once, to hand to the agency."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", required=True, help="the agency's code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_get(code=options["agency"])
            secret = agency_secret_rotate(agency=agency, actor="command:gateway_secret_set")
        except ApplicationError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(secret)
