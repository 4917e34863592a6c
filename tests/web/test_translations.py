"""The Persian catalogue is complete and the compiled file shipped beside it is current."""

import gettext
from pathlib import Path

import polib

import pishkhan

LOCALE = Path(pishkhan.__file__).parent / "locale" / "fa" / "LC_MESSAGES"


def test_every_message_has_a_persian_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))

    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert missing == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)

    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and not entry.msgctxt and translations.gettext(entry.msgid) != entry.msgstr
    ]
    assert stale == []
