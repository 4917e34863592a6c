"""A Pishkhan installation run as an operator runs one, for the tests that need whole processes: its
own data directory and, on PostgreSQL, its own database on the suite's server; ``pishkhan`` commands
run in subprocesses with the installation's environment (backups, sealed-at-rest)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
SEALING_KEY = "hXKT0Z8m3b2Yk7n0dJ8mXo7y0t2vR9bq3kQy8m1a2Zc="
AUDIT_KEY = "cHJvZHVjdGlvbi1hdWRpdC1jaGFpbi1rZXktMzJieXQ="
REPOSITORY = Path(__file__).resolve().parents[1]


def _pg_admin():
    import psycopg

    return psycopg.connect(DATABASE_URL, autocommit=True)


class Installation:
    """A data directory and, on PostgreSQL, a database of its own (named after ``name`` and the xdist
    worker, dropped and made afresh); every installation of a suite gets the same keys, as the
    operator's key backup would give them, and a secret key naming the suite."""

    def __init__(self, root: Path, name: str, *, suite: str):
        self.data_dir = root / name
        self.data_dir.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
        self.env.pop("DATABASE_URL", None)
        self.env.update(
            PISHKHAN_DATA_DIR=str(self.data_dir),
            PISHKHAN_DEMO="1",
            PISHKHAN_SECRET_KEY=f"{suite}-tests-" + "x" * 50,
            PISHKHAN_SEALING_KEYS=SEALING_KEY,
            PISHKHAN_AUDIT_KEYS=AUDIT_KEY,
            PYTHONPATH=str(REPOSITORY),
        )
        self.database = None
        if ON_POSTGRES:
            url = urllib.parse.urlsplit(DATABASE_URL)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            self.database = f"{url.path.lstrip('/')}_{name}_{worker}"
            with _pg_admin() as db:
                db.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
                db.execute(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path="/" + self.database))

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``pishkhan <args>`` in this installation; with ``check``, asserted to succeed."""
        result = subprocess.run(
            [sys.executable, "-m", "pishkhan", *args],
            env=self.env,
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check:
            assert result.returncode == 0, result.stderr[-3000:]
        return result

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        if ON_POSTGRES:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as db:
                names = [
                    r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
                ]
                return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
        with sqlite3.connect(self.data_dir / "pishkhan.sqlite3") as db:
            names = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608

    def database_bytes(self) -> dict[str, bytes]:
        """The database as stored: the SQLite file with its WAL, or everything ``pg_dump`` reads."""
        if ON_POSTGRES:
            dump = subprocess.run(
                ["pg_dump", "--no-owner", "--format=plain", self.env["DATABASE_URL"]],
                capture_output=True,
                check=True,
                timeout=300,
            )
            return {"pg_dump": dump.stdout}
        files = [self.data_dir / name for name in ("pishkhan.sqlite3", "pishkhan.sqlite3-wal")]
        return {path.name: path.read_bytes() for path in files if path.exists()}

    def media_bytes(self) -> dict[str, bytes]:
        """Every uploaded file's bytes, by its path below the media directory."""
        return {
            str(path.relative_to(self.media)): path.read_bytes()
            for path in self.media.rglob("*")
            if path.is_file()
        }

    def drop(self) -> None:
        if self.database:
            with _pg_admin() as db:
                db.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
