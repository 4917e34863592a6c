"""What the services' writes share: the "not passed" marker of updates, the insert of a new row
whose unique key another request may take at the same moment, and SQLite writers' turns."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from pishkhan.common.errors import ConflictError

# "Not passed": an update service changes only the fields it is given (None may be a real value).
UNSET: Any = object()


def insert_or_conflict(obj: models.Model, *, message: str, field: str | None = None) -> None:
    """INSERT ``obj`` in a savepoint; a unique key taken meanwhile becomes a ``ConflictError``.

    Services check that the key is free first, for a clear message; this closes the race between that
    check and the insert (two requests registering the same code at once), leaving the caller's
    transaction usable.
    """
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
    except IntegrityError:
        raise ConflictError(message, fields={field: message} if field else None) from None


def writer_turn(db: BaseDatabaseWrapper | None = None) -> AbstractContextManager[Any]:
    """Wait for this process's turn to write, on SQLite; elsewhere nothing.

    SQLite lets one writer in at a time, and a writer that finds the database busy sleeps in growing
    steps (up to 100 ms) before it tries again: under many concurrent writers most of the time goes
    to sleeping, and the slowest requests wait half a second. Taking an exclusive lock on a file
    beside the database first makes writers queue in the kernel instead, each woken the moment the one
    before it is done. Hold it around the write transaction only. ``db``: the default connection, when
    the caller holds it already.
    """
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite" or db.is_in_memory_db():
        return nullcontext()
    return _file_lock(f"{db.settings_dict['NAME']}.writer")


_lock_files = threading.local()  # each thread its own handle: flock is held per open file


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    handles: dict[str, IO[str]] = _lock_files.__dict__.setdefault("handles", {})
    handle = handles.get(path)
    if handle is None:
        handle = handles[path] = open(path, "a")  # noqa: SIM115 (kept open for the thread's life)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
