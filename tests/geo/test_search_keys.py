"""Folding names and queries to search keys (pure)."""

import pytest

from pishkhan.common.persian import search_key
from pishkhan.geo import dataset
from pishkhan.geo.search import SEPARATOR, name_key, query_key


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("كرمانشاه", "کرمانشاه"),  # Arabic kaf
        ("ياسوج", "یاسوج"),  # Arabic yeh
        ("میکنند", "می\u200cکنند"),  # no ZWNJ ↔ ZWNJ
        ("می کنند", "می\u200cکنند"),  # space ↔ ZWNJ
        ("آبکلایه ۱", "آبکلایه 1"),  # Persian digit
        ("آبکلایه ١", "آبکلایه 1"),  # Arabic-Indic digit
        ("  اراک  ", "اراک"),
    ],
)
def test_a_query_folds_to_the_key_of_the_name_it_means(typed, stored):
    assert query_key(typed) == name_key(stored)


def test_latin_accents_and_case_are_ignored():
    assert query_key("ARAK") == query_key("Arāk") == "arak"
    assert name_key("اراک", "Arāk") == "اراک" + SEPARATOR + "arak"


def test_markup_and_sql_fold_to_plain_words_or_nothing():
    assert query_key("<script>alert(1)</script>") == "scriptalert1script"
    assert query_key("'; DROP TABLE geo_place; --") == "droptablegeoplace"
    assert query_key("%_%") == ""


def test_a_query_never_contains_the_separator():
    assert SEPARATOR not in query_key("تهران  شمالی \u200c north tehran")


def test_persian_names_get_the_same_key_as_a_query_would():
    # name_key skips accent stripping for Persian names (for speed); it must not matter
    names = [row["name_fa"] for row in dataset.provinces() + dataset.counties()]
    names += ["آبادان", "ئیلام", "مؤمن آباد", "خانۀ اصلی", "أحمد", "إمام"]

    assert [query_key(name) for name in names] == [search_key(name) for name in names]
