"""Making, checking and restoring a backup directory.

A backup is a directory written once, owner-only (0700, files 0600)::

    manifest.json         what, when, which database, its migrations, every table's row count, the
                          audit head, and each file's size and SHA-256; written last
    database.sqlite3      SQLite: a copy by the online backup API (consistent while the server runs)
    database.dump         PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot
    media/...             the uploaded files (applicants' documents, inspection photos)

The counts and the audit head are read from the same snapshot as the copy (the copy itself on SQLite,
the exported snapshot on PostgreSQL), so a restore can prove that it put back exactly what was taken.
The secret key and the sealing keys are never in a backup: sealed values are useless without them,
and they are kept apart on purpose (``docs/operations.md``). The manifest names them by fingerprint
only (an HMAC of a fixed text under each key, which reveals nothing of the key), so that a restore into
an installation given other keys is refused before anything is touched, rather than leaving sealed
values that no longer open, keyed hashes that no longer match and an audit chain that no longer verifies.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from pishkhan.audit.selectors import audit_chain_verify

FORMAT = "pishkhan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA = "media"
KEYS_NOTE = (
    "PISHKHAN_SECRET_KEY and PISHKHAN_SEALING_KEYS are not in this backup: keep them apart, "
    "sealed values cannot be opened without them"
)
GENESIS = {"seq": 0, "hash": "0" * 64}
# Rows that come and go on their own (the shared cache's rate-limit counts): counted, not compared.
UNSTABLE_TABLES = frozenset({"pishkhan_cache"})
PG_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql@*/bin")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Census:
    """What a database holds, in the words of the manifest."""

    tables: dict[str, int]
    audit_head: dict[str, Any]
    migrations: list[list[str]]


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    audit_entries: int = 0
    files: int = 0
    pending_migrations: list[str] = field(default_factory=list)


# --- files -----------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _file_entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": _sha256(path)}


def _media_files(root: Path) -> Iterable[Path]:
    """Every regular file under the media directory (links are not followed: nothing outside it)."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _media_copy(source_root: Path, target_root: Path, *, dir_mode: int, file_mode: int) -> int:
    copied = 0
    for source in _media_files(source_root):
        target = target_root / source.relative_to(source_root)
        for parent in reversed(target.relative_to(target_root).parents):
            folder = target_root / parent
            if not folder.is_dir():
                folder.mkdir(mode=dir_mode)
                folder.chmod(dir_mode)
        shutil.copyfile(source, target)
        target.chmod(file_mode)
        copied += 1
    return copied


# --- the database's census -------------------------------------------------------------------------


def _census(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> Census:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    head = dict(GENESIS)
    if "audit_audithead" in counts:
        cursor.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
        if row:
            head = {"seq": int(row[0]), "hash": row[1]}
    migrations: list[list[str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    return Census(tables=counts, audit_head=head, migrations=migrations)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in cursor.fetchall()]


def _sqlite_census(db: sqlite3.Connection) -> Census:
    cursor = db.cursor()
    return _census(cursor, _sqlite_tables(cursor), _sqlite_quote)


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [name for (name,) in cursor.fetchall()]


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def census_compare(expected: dict[str, Any], found: Census) -> list[str]:
    """The differences between a manifest and a restored database, one line each (none: equal)."""
    problems = []
    for table, count in sorted(expected["tables"].items()):
        if table in UNSTABLE_TABLES:
            continue
        if table not in found.tables:
            problems.append(f"table {table} is missing")
        elif found.tables[table] != count:
            problems.append(f"table {table} has {found.tables[table]} rows, the manifest says {count}")
    if found.audit_head != expected["audit_head"]:
        problems.append(
            f"audit head is #{found.audit_head['seq']} {found.audit_head['hash']}, the manifest says "
            f"#{expected['audit_head']['seq']} {expected['audit_head']['hash']}"
        )
    return problems


# --- PostgreSQL's tools ----------------------------------------------------------------------------


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"cannot read a PostgreSQL version from {version_text!r}")
    return int(match.group(1))


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL tool found on PATH or in its install dir
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the number after the product's name.
    named = re.search(r"PostgreSQL\)?\s+(\d+)", out.stdout)
    return int(named.group(1)) if named else _major(out.stdout)


def pg_tool(name: str, *, at_least: int) -> str:
    """The path of PostgreSQL's ``name`` (pg_dump, pg_restore) of major version ``at_least`` or newer:
    the one on PATH, else the newest under the usual install directories."""
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for pattern in PG_DIRS:
        candidates.extend(sorted(glob.glob(os.path.join(pattern, name)), reverse=True))
    seen = []
    for candidate in dict.fromkeys(candidates):
        major = _tool_major(candidate)
        if major is None:
            continue
        seen.append(f"{candidate} ({major})")
        if major >= at_least:
            return candidate
    looked = ", ".join(seen) if seen else "none found on PATH or in " + ", ".join(PG_DIRS)
    raise BackupError(
        f"{name} of PostgreSQL {at_least} or newer is needed (the server's version); found: {looked}. "
        f"Install the PostgreSQL {at_least} client tools (e.g. postgresql-client-{at_least})."
    )


def _db_settings() -> dict[str, Any]:
    return settings.DATABASES["default"]


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database: no password on a command line."""
    db = _db_settings()
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = db.get(key)
        if value not in (None, ""):
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    return env


def _pg_connect() -> Any:
    import psycopg

    db = _db_settings()
    params = {"dbname": db["NAME"], "autocommit": True}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if db.get(key) not in (None, ""):
            params[name] = str(db[key])
    return psycopg.connect(**params)


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


# --- making a backup -------------------------------------------------------------------------------


def _empty_target(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            f"{directory} exists and is not an empty directory: give a new directory for each backup"
        )
    _private_dir(directory)


def _sqlite_backup(directory: Path) -> tuple[Census, dict[str, Any]]:
    source_path = Path(_db_settings()["NAME"])
    if not source_path.is_file():
        raise BackupError(f"the database {source_path} does not exist")
    target_path = directory / SQLITE_FILE
    target_path.touch(mode=0o600)
    source = sqlite3.connect(source_path, timeout=60)
    target = sqlite3.connect(target_path)
    try:
        # One step: the whole copy under one read transaction, so it is one moment of the database
        # while the server goes on writing.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a file that stands alone, no -wal beside it
        census = _sqlite_census(target)
        version = sqlite3.sqlite_version
    finally:
        target.close()
        source.close()
    target_path.chmod(0o600)
    return census, {"vendor": "sqlite", "file": SQLITE_FILE, "server_version": version}


def _pg_backup(directory: Path) -> tuple[Census, dict[str, Any]]:
    target_path = directory / POSTGRES_FILE
    with _pg_connect() as db:
        server_major = db.info.server_version // 10000
        pg_dump = pg_tool("pg_dump", at_least=server_major)
        cursor = db.cursor()
        # One snapshot for the dump and the counts: the manifest describes exactly what was dumped.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        target_path.touch(mode=0o600)
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={target_path}",
            ],
            "pg_dump",
        )
        census = _census(cursor, _pg_tables(cursor), _pg_quote)
        cursor.execute("COMMIT")
        server_version = db.info.parameter_status("server_version") or str(db.info.server_version)
    target_path.chmod(0o600)
    return census, {
        "vendor": "postgresql",
        "file": POSTGRES_FILE,
        "server_version": server_version,
        "dump_major": _tool_major(pg_dump),
    }


def _pishkhan_version() -> str:
    try:
        return metadata.version("pishkhan")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup_create(directory: Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Write a backup of this installation into ``directory`` (new or empty); return its manifest."""
    directory = Path(directory).resolve()
    _empty_target(directory)
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        census, database = _sqlite_backup(directory)
    elif vendor == "postgresql":
        census, database = _pg_backup(directory)
    else:
        raise BackupError(f"no backup for a {vendor} database")
    media_root = Path(settings.MEDIA_ROOT)
    media_dir = directory / MEDIA
    _private_dir(media_dir)
    _media_copy(media_root, media_dir, dir_mode=0o700, file_mode=0o600)
    files = [_file_entry(directory, directory / database["file"])]
    files += [_file_entry(directory, path) for path in _media_files(media_dir)]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "pishkhan_version": _pishkhan_version(),
        "database": database,
        "migrations": census.migrations,
        "tables": census.tables,
        "audit_head": census.audit_head,
        "files": files,
        "total_bytes": sum(entry["bytes"] for entry in files),
        "not_included": KEYS_NOTE,
        "keys": keys_fingerprints(),
    }
    path = directory / MANIFEST
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(manifest, stream, indent=2, sort_keys=True)
        stream.write("\n")
    return manifest


# --- keys ------------------------------------------------------------------------------------------

_FINGERPRINT_TEXT = b"pishkhan.backup.key-fingerprint"


def _fingerprint(key: str) -> str:
    return hmac.new(key.encode(), _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]


def keys_fingerprints() -> dict[str, Any]:
    """This installation's keys, each by its fingerprint: what a backup's data needs to be read."""
    return {
        "secret_key": _fingerprint(settings.SECRET_KEY),
        "sealing_keys": [_fingerprint(key) for key in settings.PISHKHAN_SEALING_KEYS],
        "audit_keys": [_fingerprint(key) for key in settings.PISHKHAN_AUDIT_KEYS],
    }


def keys_problems(manifest: dict[str, Any]) -> list[str]:
    """Why this installation's keys cannot read the backup's data; none when they can (or a backup
    made before manifests named their keys)."""
    taken = manifest.get("keys")
    if not isinstance(taken, dict):
        return []
    here = keys_fingerprints()
    problems = []
    if taken.get("secret_key") != here["secret_key"]:
        problems.append(
            "PISHKHAN_SECRET_KEY is not the key the backup was taken with: national IDs and mobiles "
            "would no longer match their keyed hashes"
        )
    for name, setting, what in (
        ("sealing_keys", "PISHKHAN_SEALING_KEYS", "sealed values would not open"),
        ("audit_keys", "PISHKHAN_AUDIT_KEYS", "the audit chain would not verify"),
    ):
        missing = [fp for fp in taken.get(name) or [] if fp not in here[name]]
        if missing:
            problems.append(
                f"{setting} lacks {len(missing)} of the backup's {len(taken[name])} keys "
                f"(fingerprints {', '.join(missing)}): {what}"
            )
    return problems


# --- checking and restoring ------------------------------------------------------------------------


def backup_verify(directory: Path) -> dict[str, Any]:
    """The manifest of a complete, untouched backup; anything else raises ``BackupError``."""
    directory = Path(directory).resolve()
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} holds no {MANIFEST}: not a backup, or one that did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from exc
    required = ("format", "format_version", "database", "tables", "audit_head", "files", "migrations")
    if not isinstance(manifest, dict) or any(key not in manifest for key in required):
        raise BackupError(f"{path} is not a Pishkhan backup manifest (a field is missing)")
    if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
        raise BackupError(
            f"{path}: unknown backup format {manifest['format']!r} {manifest['format_version']!r}"
        )
    listed = {}
    if not isinstance(manifest["files"], list) or not all(
        isinstance(entry, dict) and {"path", "bytes", "sha256"} <= set(entry) for entry in manifest["files"]
    ):
        raise BackupError(f"{path} is not a Pishkhan backup manifest (its list of files is malformed)")
    for entry in manifest["files"]:
        relative = Path(str(entry["path"]))
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"{path} names a file outside the backup: {entry['path']}")
        listed[relative.as_posix()] = entry
    if manifest["database"].get("file") not in listed:
        raise BackupError(f"{path} lists no database file")
    problems = []
    for name, entry in sorted(listed.items()):
        file = directory / name
        if not file.is_file():
            problems.append(f"{name} is missing")
        elif file.stat().st_size != entry["bytes"]:
            problems.append(f"{name} has {file.stat().st_size} bytes, the manifest says {entry['bytes']}")
        elif _sha256(file) != entry["sha256"]:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    for folder, _dirs, names in os.walk(directory):
        for name in names:
            relative = (Path(folder) / name).relative_to(directory).as_posix()
            if relative != MANIFEST and relative not in listed:
                problems.append(f"{relative} is not in the manifest")
    if problems:
        raise BackupError("the backup is damaged or was changed: " + "; ".join(problems))
    return manifest


def _database_is_empty() -> bool:
    connection = connections["default"]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _sqlite_restore(directory: Path, manifest: dict[str, Any]) -> None:
    source_path = directory / manifest["database"]["file"]
    # immutable: read without locks or a -wal beside it, and never write the backup's file.
    source = sqlite3.connect(f"file:{source_path}?immutable=1", uri=True)
    try:
        found = _sqlite_census(source)
        problems = census_compare(manifest, found)
        if problems:  # caught before the installation's database is touched
            raise BackupError("the backup's database does not match its manifest: " + "; ".join(problems))
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the backup's database fails SQLite's integrity check: {check}")
        connections.close_all()
        target_path = Path(_db_settings()["NAME"])
        created = not target_path.exists()
        target = sqlite3.connect(target_path, timeout=60)
        try:
            source.backup(target)
        finally:
            target.close()
        if created:
            target_path.chmod(0o600)
    finally:
        source.close()


def _pg_restore(directory: Path, manifest: dict[str, Any], *, force: bool) -> None:
    with _pg_connect() as db:
        server_major = db.info.server_version // 10000
    dump_major = manifest["database"].get("dump_major") or server_major
    pg_restore = pg_tool("pg_restore", at_least=max(server_major, int(dump_major)))
    connections.close_all()
    command = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if force:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={_db_settings()['NAME']}", str(directory / manifest["database"]["file"])]
    _run(command, "pg_restore")


def _current_census() -> Census:
    connection = connections["default"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _census(cursor, tables, connection.ops.quote_name)


def _pending_migrations() -> list[str]:
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def backup_restore(directory: Path, *, force: bool = False) -> RestoreReport:
    """Put a verified backup back into this installation's database and media directory, then prove
    that the counts and the audit head are the manifest's and that the audit chain verifies."""
    directory = Path(directory).resolve()
    manifest = backup_verify(directory)
    vendor = connections["default"].vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this is a backup of a {manifest['database']['vendor']} database; "
            f"this installation uses {vendor}"
        )
    problems = keys_problems(manifest)
    if problems:
        raise BackupError(
            "this installation's keys cannot read the backup (give it the keys the backup was taken "
            "with): " + "; ".join(problems)
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        if not _database_is_empty():
            raise BackupError(
                "the database is not empty: restoring would replace it. Give --force to replace it "
                "(stop the server and the worker first)"
            )
        if any(True for _ in _media_files(media_root)):
            raise BackupError(
                f"the media directory {media_root} is not empty: give --force to restore over it"
            )
    if vendor == "sqlite":
        _sqlite_restore(directory, manifest)
    else:
        _pg_restore(directory, manifest, force=force)
    connections.close_all()
    problems = census_compare(manifest, _current_census())
    if problems:
        raise BackupError("the restored database does not match the manifest: " + "; ".join(problems))
    verdict = audit_chain_verify()
    if not verdict.intact:
        raise BackupError(
            f"the restored audit log is broken at entry #{verdict.bad_seq} ({verdict.problem}): "
            f"{verdict.detail}"
        )
    media_root.mkdir(mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o750, parents=True, exist_ok=True)
    files = _media_copy(
        directory / MEDIA,
        media_root,
        dir_mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o750,
        file_mode=settings.FILE_UPLOAD_PERMISSIONS or 0o640,
    )
    return RestoreReport(
        manifest=manifest,
        audit_entries=verdict.entries,
        files=files,
        pending_migrations=_pending_migrations(),
    )
