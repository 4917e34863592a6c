"""``pishkhan backup`` and ``pishkhan restore``, run as an operator runs them: real processes on a
populated demo installation, restored into another one (another data directory on SQLite, another
database on the same server on PostgreSQL), on the database the suite runs on."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.installations import AUDIT_KEY, ON_POSTGRES, SEALING_KEY, Installation

# One worker builds the world: its installations use fixed database names on the shared server.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backups")]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A populated demo installation, its backup, and an empty installation to restore into."""
    root = tmp_path_factory.mktemp("backups")
    source = Installation(root, "bk_source", suite="backup")
    target = Installation(root, "bk_target", suite="backup")
    try:
        source.run("migrate", "--no-input")
        source.run("geo_load")
        source.run("demo", "--offices", "25", "--days", "2", "--scale", "0.3", "--seed", "9")
        # A licence document stand-in beside whatever the demo uploaded (an inspection photo).
        document = source.media / "licensing" / "documents" / "application-1.pdf"
        document.parent.mkdir(parents=True, exist_ok=True)
        document.write_bytes(b"%PDF-1.4 a scanned document\n" * 100)
        backup = root / "backup-1"
        result = source.run("backup", str(backup))
        assert "audit head: #" in result.stdout
        yield {"root": root, "source": source, "target": target, "backup": backup}
    finally:
        source.drop()
        target.drop()


def _manifest(backup: Path) -> dict:
    return json.loads((backup / "manifest.json").read_text())


def test_the_backup_is_owner_only_and_its_manifest_describes_it(world):
    backup, source = world["backup"], world["source"]
    manifest = _manifest(backup)
    assert manifest["database"]["vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    counts = source.counts()
    # Nothing wrote since the backup: its counts are the database's, table by table.
    assert {t: n for t, n in manifest["tables"].items() if t != "pishkhan_cache"} == {
        t: n for t, n in counts.items() if t != "pishkhan_cache"
    }
    assert manifest["tables"]["transactions_countertransaction"] > 0
    assert manifest["audit_head"]["seq"] == manifest["tables"]["audit_auditentry"] > 0
    assert ["audit", "0001_initial"] in manifest["migrations"]
    names = {entry["path"] for entry in manifest["files"]}
    assert "media/licensing/documents/application-1.pdf" in names
    assert "PISHKHAN_SEALING_KEYS" in manifest["not_included"]
    assert not any("key" in Path(name).name for name in names)  # no key file of the data directory
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    for path in backup.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_a_backup_goes_into_a_new_or_empty_directory_only(world):
    result = world["source"].run("backup", str(world["backup"]), check=False)
    assert result.returncode != 0
    assert "not an empty directory" in result.stderr


def test_restore_round_trips_counts_audit_head_and_files(world):
    backup, source, target = world["backup"], world["source"], world["target"]
    manifest = _manifest(backup)
    result = target.run("restore", str(backup))
    assert "tables match the manifest" in result.stdout
    assert f"head #{manifest['audit_head']['seq']} {manifest['audit_head']['hash']}" in result.stdout
    restored = target.counts()
    for table, count in manifest["tables"].items():
        if table != "pishkhan_cache":
            assert restored[table] == count, table
    verified = target.run("audit_verify")
    assert manifest["audit_head"]["hash"] in verified.stdout
    for entry in manifest["files"]:
        if entry["path"].startswith("media/"):
            original = source.media / entry["path"].removeprefix("media/")
            copy = target.media / entry["path"].removeprefix("media/")
            assert copy.read_bytes() == original.read_bytes()
    # The restored installation works: a new audited write extends the restored chain.
    target.run("keys_create", "--user", "regulator", check=False)
    assert target.run("audit_verify").returncode == 0


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(world):
    backup, target = world["backup"], world["target"]
    # The target holds data, whichever of this module's tests ran first on this worker.
    target.run("restore", str(backup), "--force")
    refused = target.run("restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    forced = target.run("restore", str(backup), "--force")
    assert "tables match the manifest" in forced.stdout


def _copy(world, name: str) -> Path:
    copy = world["root"] / name
    shutil.copytree(world["backup"], copy)
    return copy


def test_restore_refuses_a_changed_file_before_touching_anything(world):
    damaged = _copy(world, "damaged")
    manifest = _manifest(damaged)
    database = damaged / manifest["database"]["file"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    fresh = Installation(world["root"], "bk_fresh1", suite="backup")
    try:
        result = fresh.run("restore", str(damaged), check=False)
        assert result.returncode != 0
        assert f"{manifest['database']['file']} does not match its SHA-256" in result.stderr
        assert fresh.run("restore", "--check", str(damaged), check=False).returncode != 0
        assert fresh.run("restore", "--check", str(world["backup"])).returncode == 0
    finally:
        fresh.drop()


def test_restore_refuses_an_incomplete_backup_or_an_unlisted_file(world):
    incomplete = _copy(world, "incomplete")
    photo = next(p for p in (incomplete / "media").rglob("*") if p.is_file())
    photo.unlink()
    extra = _copy(world, "extra")
    (extra / "media" / "planted.sh").write_text("#!/bin/sh\n")
    unfinished = _copy(world, "unfinished")
    (unfinished / "manifest.json").unlink()
    fresh = Installation(world["root"], "bk_fresh2", suite="backup")
    try:
        result = fresh.run("restore", str(incomplete), check=False)
        assert result.returncode != 0
        assert "is missing" in result.stderr
        result = fresh.run("restore", str(extra), check=False)
        assert result.returncode != 0
        assert "media/planted.sh is not in the manifest" in result.stderr
        result = fresh.run("restore", str(unfinished), check=False)
        assert result.returncode != 0
        assert "holds no manifest.json" in result.stderr
    finally:
        fresh.drop()


def test_restore_refuses_a_manifest_whose_counts_were_changed(world):
    edited = _copy(world, "edited")
    manifest = _manifest(edited)
    manifest["tables"]["transactions_countertransaction"] -= 1
    (edited / "manifest.json").write_text(json.dumps(manifest))
    fresh = Installation(world["root"], "bk_fresh3", suite="backup")
    try:
        result = fresh.run("restore", str(edited), check=False)
        assert result.returncode != 0
        assert "transactions_countertransaction has" in result.stderr
        assert "the manifest says" in result.stderr
    finally:
        fresh.drop()


def test_the_manifest_names_the_keys_by_fingerprint_only(world):
    manifest = _manifest(world["backup"])
    text = (world["backup"] / "manifest.json").read_text()

    assert set(manifest["keys"]) == {"secret_key", "sealing_keys", "audit_keys"}
    assert len(manifest["keys"]["sealing_keys"]) == 1
    for key in (SEALING_KEY, AUDIT_KEY, world["source"].env["PISHKHAN_SECRET_KEY"]):
        assert key not in text


def test_restore_refuses_an_installation_with_other_keys_before_touching_it(world):
    fresh = Installation(world["root"], "bk_fresh4", suite="backup")
    fresh.env["PISHKHAN_SECRET_KEY"] = "another-installation-" + "y" * 50
    fresh.env["PISHKHAN_SEALING_KEYS"] = "aW5zdGFsbGF0aW9uLXdpdGgtYW5vdGhlci1rZXkhISE="
    try:
        result = fresh.run("restore", str(world["backup"]), check=False)
        assert result.returncode != 0
        assert "PISHKHAN_SECRET_KEY is not the key the backup was taken with" in result.stderr
        assert "PISHKHAN_SEALING_KEYS lacks 1 of the backup's 1 keys" in result.stderr
        assert "PISHKHAN_AUDIT_KEYS" not in result.stderr  # the audit key is the same
        assert not any(table for table in fresh.counts() if not table.startswith("sqlite_"))
    finally:
        fresh.drop()
