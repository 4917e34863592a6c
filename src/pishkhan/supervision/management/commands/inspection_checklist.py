"""``pishkhan inspection_checklist``: show the inspection checklist in force, or publish a new version.

``--publish FILE.json`` reads a list of items, each ``{"code", "text_fa", "text_en", "weight"}``, and
publishes them as the next version; visits already planned keep the version they were planned with.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.errors import ApplicationError
from pishkhan.supervision.selectors import checklist_current
from pishkhan.supervision.services import ItemDraft, checklist_publish

ACTOR = "command:inspection_checklist"


class Command(BaseCommand):
    help = "Show the inspection checklist in force, or publish a new version from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--publish", metavar="FILE", help="a JSON list of {code, text_fa, text_en, weight}"
        )
        parser.add_argument("--note", default="", help="what changed, kept with the version")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["publish"]:
                path = Path(str(options["publish"]))
                try:
                    rows = json.loads(path.read_text(encoding="utf-8"))
                    items = [
                        ItemDraft(
                            code=str(row["code"]),
                            text_fa=str(row["text_fa"]),
                            text_en=str(row["text_en"]),
                            weight=row.get("weight", 1),
                        )
                        for row in rows
                    ]
                except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
                    raise CommandError(f"{path}: not a JSON list of checklist items ({error}).") from None
                version = checklist_publish(items=items, note=str(options["note"]), actor=ACTOR)
                self.stdout.write(f"Published checklist version {version.number} ({len(items)} items).")
            version = checklist_current()
        except ApplicationError as error:
            raise CommandError(f"{error.detail} {error.fields or ''}".strip()) from None
        self.stdout.write(f"Checklist version {version.number}, published {version.published_at:%Y-%m-%d}:")
        for item in version.items.all():
            self.stdout.write(
                f"  {item.position:>2}. {item.code:<20} weight {item.weight:>2}  {item.text_en}"
            )
