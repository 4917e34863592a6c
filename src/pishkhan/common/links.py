"""Links to this site's pages from outside it: text messages, printed pages.

A text message is read in an SMS app, which cannot follow a path alone; links in it are absolute,
from ``settings.PISHKHAN_SITE_URL`` (the environment's ``PISHKHAN_SITE_URL``, required in production:
``pishkhan.E004``). A demo serves on this machine, where `pishkhan up` sets it from its host and port.
"""

from __future__ import annotations

from django.conf import settings


def site_link(path: str) -> str:
    """The link to a path of this site (``/rate/?code=…``): absolute when the site's address is set."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return settings.PISHKHAN_SITE_URL + path
