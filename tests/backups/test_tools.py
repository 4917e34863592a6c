"""Finding PostgreSQL's client tools, and checking a backup's manifest, without a database."""

from __future__ import annotations

import json

import pytest

from pishkhan.backups.archive import BackupError, backup_verify, pg_tool


def test_a_missing_or_too_old_pg_dump_is_named_with_the_package_to_install():
    with pytest.raises(BackupError) as refused:
        pg_tool("pg_dump", at_least=99)
    message = str(refused.value)
    assert "pg_dump of PostgreSQL 99 or newer is needed" in message
    assert "postgresql-client-99" in message


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "format": "pishkhan-backup",
                "format_version": 1,
                "database": {"vendor": "sqlite", "file": "../../etc/passwd"},
                "tables": {},
                "audit_head": {"seq": 0, "hash": "0" * 64},
                "files": [{"path": "../../etc/passwd", "bytes": 1, "sha256": "0" * 64}],
                "migrations": [],
            }
        )
    )
    with pytest.raises(BackupError, match="outside the backup"):
        backup_verify(tmp_path)


def test_a_manifest_that_is_not_json_or_not_ours_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BackupError, match="not valid JSON"):
        backup_verify(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(BackupError, match="not a Pishkhan backup manifest"):
        backup_verify(tmp_path)
