"""What the services' writes share: the "not passed" marker of updates, and the insert of a new row
whose unique key another request may take at the same moment."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction

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
