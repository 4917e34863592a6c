"""``pishkhan agency_sandbox --port P``: run the reference agency back-end until interrupted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.gateway.agency_sandbox import ANSWERS, SandboxServer, SandboxState


class Command(BaseCommand):
    help = (
        "Run the reference agency back-end: a real HTTP server that verifies Pishkhan's signature and "
        "answers; it can be told to fail, be slow or answer later by callback (flags, or POST /control)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", required=True, help="the shared secret (gateway_secret_set)")
        parser.add_argument("--fail", type=int, default=0, help="answer 503 to the next N requests")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
        parser.add_argument("--answer", choices=ANSWERS, default="completed")
        parser.add_argument("--callback-url", default="", help="where to post results answered 'accepted'")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["port"] <= 65535:
            raise CommandError("--port must be 0 to 65535.")
        if options["fail"] < 0 or options["delay"] < 0:
            raise CommandError("--fail and --delay cannot be negative.")
        state = SandboxState(
            secret=options["secret"],
            fail_next=options["fail"],
            delay=options["delay"],
            answer=options["answer"],
            callback_url=options["callback_url"],
        )
        try:
            server = SandboxServer((options["host"], options["port"]), state)
        except OSError as error:
            raise CommandError(f"Cannot listen on {options['host']}:{options['port']}: {error}") from None
        self.stdout.write(f"reference agency listening on {server.url} (Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
