"""The catalogue's version: a token in the shared cache that every write of agencies, services or
tariffs changes, so that each server process knows when what it keeps of the catalogue is stale
(``catalogue.lookups``).

The default cache is a table of the database (docs/operations.md, "The cache"), so the token is
written in the writer's own transaction: other processes see it change exactly when the change
commits. Every ORM write path changes it: a model's save and delete (the receivers below) and its
querysets' bulk writes (``models.CatalogueQuerySet``: ``update``, ``bulk_create``, ``bulk_update``),
which send no signals. A write in raw SQL does not; the lookups' age limit catches it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "pishkhan.catalogue.version"
_generation = 0  # this process's count of the changes it made: its own writes are seen at once


def catalogue_changed() -> None:
    """Note that the catalogue changed: this process forgets what it kept at once, the others within
    ``lookups.VERSION_CHECK_SECONDS`` of the commit."""
    global _generation
    _generation += 1
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def catalogue_version() -> str | None:
    """The catalogue's shared version token (None until the first change, or once the cache dropped it:
    either way it differs from a token a process kept, which then reads the catalogue again)."""
    return cache.get(VERSION_KEY)


def catalogue_generation() -> int:
    """How many catalogue changes this process has made."""
    return _generation


@receiver([post_save, post_delete], sender="catalogue.Agency")
@receiver([post_save, post_delete], sender="catalogue.Service")
@receiver([post_save, post_delete], sender="catalogue.Tariff")
def _saved(**kwargs: Any) -> None:
    catalogue_changed()
