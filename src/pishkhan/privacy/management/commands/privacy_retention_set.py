"""``pishkhan privacy_retention_set KIND DAYS --reason R``: change one rule of the retention policy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.errors import ApplicationError
from pishkhan.privacy.models import RetentionRule
from pishkhan.privacy.services import retention_rule_set


class Command(BaseCommand):
    help = (
        "Change how long one kind of personal data is kept after its purpose ends (audited, with the "
        "reason). Without arguments, print the policy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", help="the rule's kind, e.g. transactions.mobile")
        parser.add_argument("days", nargs="?", type=int, help="days kept after the purpose ends")
        parser.add_argument("--reason", default="", help="why (the decision's reference); required")
        parser.add_argument("--off", action="store_true", help="stop applying this rule")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] is None:
            for rule in RetentionRule.objects.order_by("kind"):
                state = "" if rule.active else " (not applied)"
                self.stdout.write(f"{rule.kind}: {rule.days} days after: {rule.purpose_end}{state}")
            return
        if options["days"] is None:
            raise CommandError("give the number of days")
        try:
            rule = retention_rule_set(
                actor="command: privacy_retention_set",
                kind=options["kind"],
                days=options["days"],
                reason=options["reason"],
                active=not options["off"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"{rule.kind}: kept {rule.days} days{'' if rule.active else ' (not applied)'}")
