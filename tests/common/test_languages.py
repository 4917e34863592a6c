"""Names kept in both languages: the page's language picks one."""

from django.utils import translation

from pishkhan.common.languages import in_language


def test_a_name_is_read_in_the_active_language():
    with translation.override("fa"):
        assert in_language("تهران", "Tehran") == "تهران"
    with translation.override("en"):
        assert in_language("تهران", "Tehran") == "Tehran"


def test_a_name_without_english_is_read_in_persian_in_every_language():
    with translation.override("en"):
        assert in_language("ابزه", "") == "ابزه"
