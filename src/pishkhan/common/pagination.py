"""The API's one pagination: ``page`` and ``page_size``, each bounded, a size above the maximum refused.

``page`` stops at :data:`PAGE_MAX` (a million pages: far beyond any list, far below an offset the
database cannot hold; ``page=184467440737095518`` answered 500 before), and ``page_size`` above
:data:`PAGE_SIZE_MAX` is a 422 rather than silently cut, so a client never believes it has every row.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_MAX = 1_000_000
PAGE_SIZE_MAX = 200


class Pagination(PageNumberPagination):
    """Pages of a list in a stable order: the same query gives the same pages."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE_MAX)

    def __init__(self, page_size: int = 50, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=PAGE_SIZE_MAX, **kwargs)
