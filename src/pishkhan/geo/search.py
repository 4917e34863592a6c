"""The search keys of geographic names: what is stored for a name and what a query is folded to.

Pure (no Django). Both sides go through :func:`pishkhan.common.persian.search_key`, so Arabic ي/ك,
ZWNJ / space / nothing, any kind of digits and the accents of romanised names («Arāk») all meet.
"""

from __future__ import annotations

from pishkhan.common.persian import search_key

# Separates the key of each name in the stored column. ``search_key`` removes every space from its
# output, so a folded query never contains one and a match can never straddle two names.
SEPARATOR = " "


def query_key(text: str) -> str:
    """The folded form of what a user typed; empty when nothing searchable is left."""
    return search_key(text)


def name_key(name_fa: str, name_en: str = "") -> str:
    """The stored search key of a unit named ``name_fa`` in Persian and ``name_en`` in English."""
    return SEPARATOR.join(key for key in (search_key(name_fa), search_key(name_en)) if key)
