"""Builders of inspection tests: real images made by Pillow, and uploads as a request carries them.
(The checklist is the data migration's, seeded again after a transactional test: tests/conftest.py.)"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def photo(content: bytes | None = None, name: str = "shop.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type="image/png")
