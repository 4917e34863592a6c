"""``pishkhan restore DIR``: check a backup, put it back, and prove it is what was taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.backups.archive import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore the backup in DIR into this installation's database and media directory. The "
        "checksums are verified first (a damaged or changed backup is refused); an installation that "
        "is not empty is refused unless --force. After restoring, every table's row count and the "
        "audit head are compared with the manifest and the audit chain is verified."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="a directory written by `pishkhan backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that is not empty (stop the server and the worker first)",
        )
        parser.add_argument(
            "--check", action="store_true", help="only verify the backup's checksums; restore nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            if options["check"]:
                manifest = backup_verify(directory)
                self.stdout.write(
                    f"backup intact: {len(manifest['files'])} files, taken {manifest['created_at']}, "
                    f"audit head #{manifest['audit_head']['seq']}"
                )
                return
            report = backup_restore(directory, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        head = manifest["audit_head"]
        self.stdout.write(
            f"restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables match "
            f"the manifest, {report.files} uploaded files"
        )
        self.stdout.write(
            f"audit log intact: {report.audit_entries} entries; head #{head['seq']} {head['hash']}"
        )
        if report.pending_migrations:
            self.stdout.write(
                f"this version has {len(report.pending_migrations)} migrations the backup predates: "
                "run `pishkhan migrate`"
            )
