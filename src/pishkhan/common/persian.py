"""Persian text: digits, letter variants and the search key that finds a name however it was typed.

Users and source data write the same word in several ways: Arabic ي/ك for Persian ی/ک, a zero-width
non-joiner (ZWNJ), a space or nothing between the parts of a word (می‌کنند / می کنند / میکنند),
Persian, Arabic-Indic or Latin digits, with or without the hamza mark (پایهٔ / پایه). :func:`search_key`
folds all of them to one form, used both when a name's key is stored and when a query is read.

What people write is stored as they wrote it (:func:`as_written`): folding is for search keys only,
never for the text a page shows back (an official's «مادهٔ ۱۲» stays «مادهٔ ۱۲»). :func:`normalize`
tidies reference data loaded from files (the geography) and is the first step of a search key.
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

ZWNJ = "\u200c"

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

# Arabic code points that Persian writes differently; the normalised text uses the Persian letter.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # ARABIC LETTER YEH
        "ى": "ی",  # ARABIC LETTER ALEF MAKSURA
        "ك": "ک",  # ARABIC LETTER KAF
        "ە": "ه",  # ARABIC LETTER AE
        "\u0640": None,  # TATWEEL (kashida), a purely visual stretch
    }
)

# The search key goes further: letters that people type interchangeably become one.
_SEARCH_LETTERS = str.maketrans(
    {
        "آ": "ا",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "ة": "ه",
        "ۀ": "ه",
        "ء": None,
    }
)

# Zero-width and joining controls, and the bidi marks that copy-paste from documents brings along.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
# C0/C1 control characters other than whitespace (NUL among them, which PostgreSQL cannot store).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NOT_WORD = re.compile(r"[^\w]+")
_ZWNJS = re.compile(f"{ZWNJ}+")
_LONE_ZWNJ = re.compile(f"{ZWNJ}(?=\\s)|(?<=\\s){ZWNJ}")  # beside a space it joins nothing


# Characters no text a person writes needs, refused by the API (:func:`text_refusal`) and dropped by
# :func:`as_written`: the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
# which make a name read as another («‮gnp.exe»), and the zero-width space, word joiner and byte-order
# mark (U+200B, U+2060, U+FEFF), which make two names look alike. Kept: ZWNJ (U+200C), which Persian
# needs (می‌کنند), ZWJ (U+200D, joining in some scripts and emoji) and the marks LRM/RLM (U+200E/F),
# which order mixed Persian and Latin text without overriding it.
_SPOOFING = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages reads this name) without Django, which this
    pure module does not import; the caller translates it."""
    return message


def text_refusal(text: str) -> str | None:
    """Why ``text`` cannot be taken, or None: a lone surrogate (not Unicode text at all: no database or
    page can hold it), a control character other than whitespace (NUL among them), or a character of
    :data:`_SPOOFING`. The API asks it of every string it is sent (``pishkhan.api.middleware``). The
    reason is in English, marked for the catalogue: the caller shows it through ``gettext``."""
    if _SURROGATE.search(text):
        return gettext_noop("contains a lone surrogate, which is not text")
    if _CONTROL.search(text):
        return gettext_noop("contains a control character")
    if _SPOOFING.search(text):
        return gettext_noop("contains a bidirectional override or a zero-width character")
    return None


def has_control_characters(text: str) -> bool:
    """Whether text holds control characters other than whitespace (NUL among them).

    ``normalize`` drops them; an entry point that prefers to refuse such input asks this first.
    """
    return bool(_CONTROL.search(text))


def to_latin_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with Latin ones (for parsing identifiers)."""
    return text.translate(_TO_LATIN)


def to_persian_digits(text: str) -> str:
    """Replace Latin and Arabic-Indic digits with Persian ones (for display in Persian)."""
    return text.translate(_TO_PERSIAN)


def as_written(text: str, *, lines: bool = False) -> str:
    """Text to store as its author wrote it: canonical Unicode (NFC), trimmed, control characters and
    the bidi overrides and zero-width characters of :data:`_SPOOFING` dropped.

    Marks and words stay as typed: the hamza mark (ٔ) and other diacritics, a ZWNJ inside a word,
    digits of any script. Arabic ي/ك/ى/ە become the Persian code points of the same letters (as Iran's
    standard for Persian text asks) and kashida goes; a ZWNJ beside a space, which shows nothing, goes.
    On one line (a name, a title) each run of whitespace is one space; with ``lines`` (a reason, a
    description) line breaks are kept as ``\n`` and each line loses its trailing spaces.
    Entry points that refuse control characters ask :func:`has_control_characters` first.
    """
    text = _CONTROL.sub("", unicodedata.normalize("NFC", _SPOOFING.sub("", text))).translate(_LETTERS)
    text = _LONE_ZWNJ.sub("", _ZWNJS.sub(ZWNJ, text)).strip(ZWNJ)
    if lines:
        rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(row.rstrip() for row in rows).strip()
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Normalise reference data and search input: Persian letters, one space, ZWNJ kept where meant.

    Not for what people write (it drops marks that carry meaning): store that :func:`as_written`.

    Control characters and diacritics (harakat) are dropped, runs of whitespace become one space,
    and a ZWNJ next to a space or at either end is removed.
    """
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text)).translate(_LETTERS)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(f" ?{ZWNJ}+ ?", ZWNJ, text)
    return text.strip(ZWNJ + " ")


def search_key(text: str) -> str:
    """Fold text to the form used for matching: no spaces, ZWNJ or punctuation, one letter per sound.

    ``search_key("می‌کنند") == search_key("می کنند") == search_key("ميكنند")``;
    ``search_key("Arāk") == search_key("arak")``.
    """
    # NFKD then dropping combining marks strips what nobody types: Latin accents from romanised names
    # («Arāk» → «arak») and the hamza or madda riding on Persian letters (آ → ا, ئ → ی).
    text = unicodedata.normalize("NFKD", normalize(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).translate(_LETTERS).translate(_SEARCH_LETTERS)
    text = to_latin_digits(_INVISIBLE.sub("", text)).casefold()
    return _NOT_WORD.sub("", text).replace("_", "")
