"""Builders of inspection tests: the checklist (seeded again after a transactional test flushed the
migration's rows), real images made by Pillow, and uploads as a request carries them."""

from __future__ import annotations

import importlib
import io

from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pishkhan.supervision.models import ChecklistVersion


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def photo(content: bytes | None = None, name: str = "shop.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type="image/png")


def checklist_ensure() -> None:
    """Seed the checklist again if a transactional test flushed the migration's rows."""
    if not ChecklistVersion.objects.exists():
        seed = importlib.import_module("pishkhan.supervision.migrations.0004_inspection_checklist_seed").seed
        seed(django_apps, None)
