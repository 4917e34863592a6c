"""``pishkhan backup DIR``: the database, the uploaded files and a manifest, into a new directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.backups.archive import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up this installation into DIR (new or empty): the database (SQLite's online backup, or "
        "pg_dump's custom format on PostgreSQL), the uploaded files, and manifest.json with every file's "
        "SHA-256, every table's row count and the audit head. Safe while the server runs. The secret "
        "and sealing keys are not included: back them up separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="a new or empty directory for this backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(Path(options["directory"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        head = manifest["audit_head"]
        self.stdout.write(
            f"backup written to {Path(options['directory']).resolve()}: {manifest['database']['vendor']} "
            f"database, {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files']) - 1} "
            f"uploaded files, {manifest['total_bytes']} bytes"
        )
        self.stdout.write(f"audit head: #{head['seq']} {head['hash']}")
        self.stdout.write("not included: the secret key and the sealing keys (keep them apart)")
