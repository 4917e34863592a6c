"""``pishkhan licences_revoke_inactive``: the regulator's inactivity campaign from the command line.

``--dry-run`` lists the candidates per province (``-v 2``: each licence with its evidence) and
changes nothing. Without it a campaign is started (notices served, SMS sent now); with
``--grace-days 0`` it is concluded at once and its report printed. ``--conclude NUMBER`` concludes a
campaign whose grace period is over.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pishkhan.common.calendar import format_jalali_date
from pishkhan.common.errors import ApplicationError
from pishkhan.supervision.criteria import (
    DEFAULT_GRACE_DAYS,
    DEFAULT_IDLE_DAYS,
    DEFAULT_NEVER_ACTIVATED_DAYS,
    InactivityCriteria,
)
from pishkhan.supervision.selectors import (
    campaign_get,
    campaign_report,
    candidates_by_province,
    inactive_licence_candidates,
)
from pishkhan.supervision.services import campaign_conclude, campaign_notices_send, campaign_start
from pishkhan.supervision.states import CaseOutcome

ACTOR = "command:licences_revoke_inactive"


def _when(value: Any) -> str:
    if value is None:
        return "-"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else str(value)


def _name(code: str, name_en: str, name_fa: str) -> str:
    return f"{code} {name_en or name_fa}"


class Command(BaseCommand):
    help = (
        "Find licences issued and never activated, or active without transactions, per province (--dry-run); "
        "or start an inactivity campaign that notices them and, once its grace period is over, revokes "
        "those still inactive (--grace-days 0 concludes at once). --conclude NUMBER concludes a campaign."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the candidates; change nothing")
        parser.add_argument(
            "--never-activated-days",
            type=int,
            default=DEFAULT_NEVER_ACTIVATED_DAYS,
            metavar="N",
            help=f"issued and never activated within N days (default {DEFAULT_NEVER_ACTIVATED_DAYS}; 0: off)",
        )
        parser.add_argument(
            "--idle-days",
            type=int,
            default=DEFAULT_IDLE_DAYS,
            metavar="M",
            help=f"active but no transaction for M days (default {DEFAULT_IDLE_DAYS}; 0: off)",
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=DEFAULT_GRACE_DAYS,
            metavar="G",
            help=f"days to show activity or appeal (default {DEFAULT_GRACE_DAYS}; 0: conclude at once)",
        )
        parser.add_argument("--province", metavar="PP", help="only this province (two-digit code)")
        parser.add_argument("--basis", default="", help="the legal basis cited (a default applies)")
        parser.add_argument("--conclude", metavar="CAMPAIGN", help="conclude this campaign (IC-1405-001)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["conclude"]:
                self._conclude(options["conclude"])
                return
            criteria = InactivityCriteria.of(
                never_activated_days=options["never_activated_days"],
                idle_days=options["idle_days"],
                province=options["province"],
            )
            if options["dry_run"]:
                self._dry_run(criteria, verbosity=options["verbosity"])
            else:
                self._start(criteria, grace_days=options["grace_days"], basis=options["basis"])
        except ApplicationError as error:
            raise CommandError(error.detail) from None

    def _dry_run(self, criteria: InactivityCriteria, *, verbosity: int) -> None:
        now = timezone.now()
        found = inactive_licence_candidates(criteria=criteria, scope={}, now=now)
        day = format_jalali_date(now, persian=False)
        never_days = criteria.never_activated_days or "off"
        idle_days = criteria.idle_days or "off"
        self.stdout.write(
            f"Inactive licences on {day} ({now:%Y-%m-%d}): issued and never activated within {never_days} "
            f"days; no transaction for {idle_days} days. Dry run: nothing changed."
        )
        self.stdout.write(f"{'province':<32}{'never activated':>16}{'idle':>8}{'total':>8}")
        for row in candidates_by_province(found):
            name = _name(row.province_code, row.province_name_en, row.province_name_fa)
            self.stdout.write(f"{name:<32}{row.never_activated:>16}{row.idle:>8}{row.total:>8}")
        never = sum(1 for candidate in found if candidate.criterion == "never_activated")
        self.stdout.write(f"{'all provinces':<32}{never:>16}{len(found) - never:>8}{len(found):>8}")
        if verbosity >= 2:
            for c in found:
                self.stdout.write(
                    f"{c.number}  {c.office_code}  {c.province_code}/{c.county_code}  {c.status}  "
                    f"issued {c.issued_on}  activated {_when(c.activated_at)}  "
                    f"last transaction {_when(c.last_transaction_at)}  "
                    f"last heartbeat {_when(c.last_heartbeat_at)}  {c.days_idle} days idle  {c.criterion}"
                )

    def _start(self, criteria: InactivityCriteria, *, grace_days: int, basis: str) -> None:
        campaign = campaign_start(criteria=criteria, grace_days=grace_days, basis=basis, actor=ACTOR)
        now = timezone.now()
        served = 0
        while done := campaign_notices_send(now=now, campaign=campaign):
            served += done
        cases = campaign.cases.count()
        by_sms = campaign.cases.exclude(notice_to="").count()
        self.stdout.write(
            f"Campaign {campaign.number} started: {cases} cases; notices served {served} "
            f"({by_sms} by SMS, the rest on the licence's page only); grace period until "
            f"{_when(campaign.respond_by)}."
        )
        if campaign.respond_by <= timezone.now():
            self._conclude(campaign.number)
        else:
            self.stdout.write(
                f"Conclude it once the grace period is over: pishkhan licences_revoke_inactive "
                f"--conclude {campaign.number} (the worker also does)."
            )

    def _conclude(self, number: str) -> None:
        campaign = campaign_get(number=number)
        done = campaign_conclude(campaign=campaign, actor=ACTOR)
        report = campaign_report(campaign=done.campaign, scope={})
        self.stdout.write(
            f"Campaign {done.campaign.number} ({done.campaign.status}): {done.decided} cases concluded now, "
            f"{done.waiting} waiting."
        )
        columns = [str(outcome) for outcome in CaseOutcome.values]
        self.stdout.write(
            f"{'province':<32}" + "".join(f"{column:>15}" for column in columns) + f"{'total':>8}"
        )
        for row in report.provinces:
            name = _name(row.province_code, row.province_name_en, row.province_name_fa)
            counts = "".join(f"{row.count(column):>15}" for column in columns)
            self.stdout.write(f"{name:<32}{counts}{row.total:>8}")
        totals = "".join(f"{report.count(column):>15}" for column in columns)
        self.stdout.write(f"{'all provinces':<32}{totals}{report.total:>8}")
        self.stdout.write(
            f"{report.revoked} licences revoked; {report.kept_activity} kept for activity, "
            f"{report.kept_appeal} kept on appeal."
        )
