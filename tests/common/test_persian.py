import pytest

from pishkhan.common import persian


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("می‌کنند", "میکنند"),  # ZWNJ vs nothing
        ("می‌کنند", "می کنند"),  # ZWNJ vs space
        ("كرمانشاه", "کرمانشاه"),  # Arabic kaf
        ("ياسوج", "یاسوج"),  # Arabic yeh
        ("آبادان", "ابادان"),  # alef with madda typed as a plain alef
        ("تهران ۱۲", "تهران 12"),  # Persian vs Latin digits
        ("تهران ١٢", "تهران 12"),  # Arabic-Indic vs Latin digits
        ("Tehran", "tehran"),
        ("شهر\u200fری", "شهرری"),  # a stray right-to-left mark from copy-paste
    ],
)
def test_search_key_folds_spellings_of_the_same_name_together(a, b):
    assert persian.search_key(a) == persian.search_key(b)


def test_search_key_keeps_different_names_apart():
    assert persian.search_key("کرج") != persian.search_key("کرمان")


def test_normalize_keeps_a_meant_zwnj_but_not_one_beside_a_space():
    assert persian.normalize("می\u200cکنند") == "می\u200cکنند"
    assert persian.normalize("می \u200c کنند") == "می\u200cکنند"
    assert persian.normalize("  يک   كتاب ") == "یک کتاب"


def test_digit_conversion_round_trips():
    assert persian.to_persian_digits("1405/09/07") == "۱۴۰۵/۰۹/۰۷"
    assert persian.to_latin_digits("۱۴۰۵/٠٩/۰۷") == "1405/09/07"


def test_search_key_strips_sql_and_html_punctuation():
    assert persian.search_key("<b>'; DROP TABLE x;--") == "bdroptablex"


def test_search_key_drops_the_accents_of_romanised_names():
    assert persian.search_key("Arāk") == persian.search_key("arak") == "arak"
    assert persian.search_key("Şīrvān") == "sirvan"


def test_search_key_folds_hamza_forms_but_normalize_keeps_them_for_display():
    assert persian.search_key("مسئول") == persian.search_key("مسیول")
    assert persian.normalize("آبادان") == "آبادان"


def test_normalize_drops_control_characters_postgresql_cannot_store():
    assert persian.normalize("دفتر\x00 پیشخوان\x07") == "دفتر پیشخوان"


def test_text_is_stored_as_written_with_its_hamza_mark_and_still_found_without_it():
    written = persian.as_written("  پایهٔ  مادهٔ ۱۲ ")

    assert written == "پایهٔ مادهٔ ۱۲"
    assert persian.search_key("پایه") in persian.search_key(written)


def test_text_as_written_keeps_diacritics_zwnj_and_digits_as_typed():
    assert persian.as_written("مُحَمَّد") == "مُحَمَّد"
    assert persian.as_written("می\u200cکنند 1405") == "می\u200cکنند 1405"
    assert persian.as_written("می \u200c کنند") == "می کنند"  # a ZWNJ beside a space joins nothing


def test_text_as_written_takes_the_persian_code_points_of_arabic_letters():
    assert persian.as_written("يک كتاب") == "یک کتاب"


def test_text_as_written_keeps_its_lines_only_when_asked():
    text = "بند یک  \r\nبند دو\n\nبند سه "

    assert persian.as_written(text, lines=True) == "بند یک\nبند دو\n\nبند سه"
    assert persian.as_written(text) == "بند یک بند دو بند سه"


def test_text_as_written_drops_control_characters_postgresql_cannot_store():
    assert persian.as_written("دفتر\x00 پیشخوان\x07") == "دفتر پیشخوان"
