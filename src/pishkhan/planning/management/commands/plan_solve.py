"""``pishkhan plan_solve INSTANCE.json [--out RESULT.json] [--time-limit SECONDS]``: the siting
optimiser on a JSON instance, for integrators and for checking (contract: docs/planning.md).

The result goes to ``--out`` or standard output; a bad instance gets one line on standard error and
exit status 1 (``CommandError``), and nothing is written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.planning.optimisation import DEFAULT_TIME_LIMIT, InstanceError, instance_parse, solve


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise CommandError(f"--time-limit: expected a number of seconds, got {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise CommandError(f"--time-limit: expected a number of seconds ≥ 0, got {raw!r}")
    return value


class Command(BaseCommand):
    help = "Solve a siting instance (MCLP, LSCP or p-median) from JSON; print or write the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", help="the instance, a JSON file ('-' for standard input)")
        parser.add_argument("--out", help="write the result here instead of standard output")
        parser.add_argument(
            "--time-limit",
            default=str(DEFAULT_TIME_LIMIT),
            help=f"seconds for the exact solve (default {DEFAULT_TIME_LIMIT:g}; 0: the greedy answer only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        time_limit = _seconds(options["time_limit"])
        source = options["instance"]
        try:
            text = self.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{source}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{source}: not UTF-8 text") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno} column {exc.colno}"
            raise CommandError(f"{source}: not valid JSON: {exc.msg} at {where}") from None
        try:
            result = solve(instance_parse(data), time_limit=time_limit)
        except InstanceError as exc:
            raise CommandError(f"{source}: {exc}") from None
        body = json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n"
        if options["out"]:
            try:
                Path(options["out"]).write_text(body, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{options['out']}: cannot write: {exc.strerror or exc}") from None
        else:
            self.stdout.write(body, ending="")
