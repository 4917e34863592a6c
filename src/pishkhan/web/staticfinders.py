"""plotly.js as a static file, read from the installed ``plotly`` package (its bundled
``package_data/plotly.min.js``), never from a CDN: ``{% static 'plotly/plotly.min.js' %}``.

WhiteNoise serves the finders' files (``WHITENOISE_USE_FINDERS``), and ``collectstatic`` copies it
like any app's file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "plotly"
NAME = "plotly.min.js"


def _directory() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``plotly/plotly.min.js`` (and nothing else of the package)."""

    def check(self, **kwargs: Any) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if path != f"{PREFIX}/{NAME}":
            return [] if find_all or kwargs.get("all") else ""
        found = str(_directory() / NAME)
        return [found] if find_all or kwargs.get("all") else found

    def list(self, ignore_patterns: Any) -> Any:
        storage = FileSystemStorage(location=str(_directory()))
        storage.prefix = PREFIX  # type: ignore[attr-defined]
        yield NAME, storage
