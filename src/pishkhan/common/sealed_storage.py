"""Uploaded files encrypted at rest with the sealing keys.

:class:`SealedFileSystemStorage` seals a file's content whole when it is saved
(:func:`pishkhan.common.sealing.seal_bytes`: AES-256-GCM with the first of ``PISHKHAN_SEALING_KEYS``)
and unseals it when it is opened, so that the files on disk — and in a backup — read as noise without
the keys, while the views that stream a document or a photo to those allowed read it as it was
uploaded. Whole-file sealing holds the content in memory once: the files it stores are refused above
5 MB (``MAX_DOCUMENT_BYTES``, ``PISHKHAN_INSPECTION_PHOTO_MAX_BYTES``).

A file stored before sealing (not starting with the sealed header) is still read as it is, so that an
upgrade keeps serving; ``pishkhan sealing_files_seal`` seals such files in place, and after a key
rotation reseals those sealed with an older key.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.move import file_move_safe
from django.core.files.storage import FileSystemStorage
from django.db import models

from pishkhan.common.sealing import bytes_sealed, reseal_bytes, seal_bytes, unseal_bytes


class SealedFileSystemStorage(FileSystemStorage):
    """A file system storage whose files are sealed on disk and unsealed when opened."""

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        return super()._save(
            name, ContentFile(seal_bytes(data if isinstance(data, bytes) else data.encode()))
        )

    def _open(self, name: str, mode: str = "rb") -> File:
        if set(mode) - {"r", "b"}:
            raise ValueError("a sealed file is opened to be read only")
        with open(self.path(name), "rb") as stored:
            raw = stored.read()
        data = unseal_bytes(raw) if bytes_sealed(raw) else raw
        return _UnsealedFile(io.BytesIO(data), name=name, storage=self)

    def size(self, name: str) -> int:
        """The size of the content (not of the sealed file on disk)."""
        with self._open(name) as file:
            return len(file.read())

    def needs_reseal(self, name: str) -> bool:
        """Whether a stored file is in clear or sealed with an older key."""
        with open(self.path(name), "rb") as stored:
            return reseal_bytes(stored.read()) is not None

    def reseal(self, name: str) -> bool:
        """Seal a stored file in place with the current key, if it is in clear or sealed with an older key.

        Written to a temporary file beside it and moved over it, so that a crash leaves either.
        Returns whether the file was rewritten.
        """
        path = self.path(name)
        with open(path, "rb") as stored:
            resealed = reseal_bytes(stored.read())
        if resealed is None:
            return False
        self._replace(path, resealed)
        return True

    def unseal_in_place(self, name: str) -> bool:
        """Write a sealed file back in clear (undoing the migration that sealed the files)."""
        path = self.path(name)
        with open(path, "rb") as stored:
            raw = stored.read()
        if not bytes_sealed(raw):
            return False
        self._replace(path, unseal_bytes(raw))
        return True

    def _replace(self, path: str, data: bytes) -> None:
        temporary = f"{path}.sealing"
        mode = self.file_permissions_mode or 0o600
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        file_move_safe(temporary, path, allow_overwrite=True)


def files_reseal(model: type[models.Model], field_name: str, *, undo: bool = False) -> int:
    """Seal in place the stored files of a model's file field (for migrations: ``model`` may be a
    historical model); ``undo`` writes them back in clear. How many files were rewritten."""
    storage = model._meta.get_field(field_name).storage
    if not isinstance(storage, SealedFileSystemStorage):
        raise TypeError(f"{model._meta.label}.{field_name} is not stored sealed")
    changed = 0
    names = model._default_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True)
    for name in names.order_by(field_name).iterator():
        if storage.exists(name):
            changed += storage.unseal_in_place(name) if undo else storage.reseal(name)
    return changed


class _UnsealedFile(File):
    """A sealed file's content in memory; opened again after closing, it is read again from storage."""

    def __init__(self, file: io.BytesIO, *, name: str, storage: SealedFileSystemStorage):
        super().__init__(file, name=name)
        self._storage = storage

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> File:
        if self.closed:
            self.file = self._storage._open(self.name, mode or "rb").file
        else:
            self.seek(0)
        return self


def sealed_media_storage() -> SealedFileSystemStorage:
    """The sealed storage below ``MEDIA_ROOT`` (a callable, so that migrations name it, not a path)."""
    return SealedFileSystemStorage()


def sealed_files() -> Iterator[tuple[SealedFileSystemStorage, str]]:
    """Every stored file of every model field kept in a sealed storage: (its storage, its name)."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField) or not isinstance(
                field.storage, SealedFileSystemStorage
            ):
                continue
            names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            for name in names.order_by(field.name).iterator():
                yield field.storage, name
