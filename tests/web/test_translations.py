"""The Persian catalogue is complete and the compiled file shipped beside it is current."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

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


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must check the catalogue, but GNU gettext (xgettext) is not installed")
        pytest.skip("GNU gettext is not installed (apt-get install gettext); CI installs it")
    # given a copy of the code's translatable sources and of the catalogue
    source = Path(pishkhan.__file__).parent
    copy = tmp_path / "pishkhan"
    shutil.copytree(
        source,
        copy,
        ignore=lambda folder, names: [
            name
            for name in names
            if (Path(folder) / name).is_file() and not name.endswith((".py", ".html", ".txt", ".po"))
        ],
    )
    # when makemessages extracts the messages afresh into the copy
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fa", "--no-obsolete"],
        cwd=copy,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "pishkhan.config.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # then every message it found is translated in the shipped catalogue
    shipped = {entry.msgid for entry in polib.pofile(str(LOCALE / "django.po")).translated_entries()}
    extracted = {
        entry.msgid for entry in polib.pofile(str(copy / "locale" / "fa" / "LC_MESSAGES" / "django.po"))
    }
    missing = sorted(extracted - shipped)
    assert missing == [], "run makemessages -l fa and translate: " + "; ".join(missing[:20])
