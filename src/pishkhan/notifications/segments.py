"""How many SMS parts a text takes, and which placeholders a template body uses.

A text wholly in the GSM 7-bit alphabet fits 160 characters in one part and 153 per part when split;
any other character (every Persian letter) sends the whole text as UCS-2: 70 in one part, 67 per part.
"""

from __future__ import annotations

import math
import string

# The GSM 03.38 basic alphabet (the extension table's characters count as two, which we ignore: a
# template that uses them is Latin and far from the limit).
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_parts(text: str) -> int:
    """The number of SMS parts ``text`` takes (0 for an empty text)."""
    if not text:
        return 0
    single, each = (160, 153) if set(text) <= _GSM else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / each)


def placeholders_of(body: str) -> set[str]:
    """The ``{names}`` a body uses; ``ValueError`` when it is malformed (an unclosed brace, ``{0}``)."""
    names = set()
    for _literal, name, spec, conversion in string.Formatter().parse(body):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        names.add(name)
    return names
