"""The language an API answer is given in: English for programs, unless the client asks otherwise."""

from __future__ import annotations

import contextlib

from django.utils import translation

API_DEFAULT_LANGUAGE = "en"


def api_language(accept_language: str) -> str:
    """The first language of an ``Accept-Language`` header that the site offers, else English.

    Quality values are not weighed: clients list what they prefer first.
    """
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip()
        if tag and tag != "*":
            with contextlib.suppress(LookupError):
                return translation.get_supported_language_variant(tag)
    return API_DEFAULT_LANGUAGE


def in_language(fa: str, en: str) -> str:
    """Of a name kept in Persian and English, the one the active language reads (Persian when no
    English is kept)."""
    return fa if (translation.get_language() or "fa").startswith("fa") or not en else en
