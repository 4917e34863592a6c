"""The percent filter: shares in the active language's digits and signs."""

from django.utils import translation

from pishkhan.web.templatetags.figures import percent


def test_percent_in_persian_uses_persian_digits_decimal_separator_and_sign():
    with translation.override("fa"):
        assert percent(0.7402) == "۷۴٫۰٪"


def test_percent_in_english():
    with translation.override("en"):
        assert percent(0.93855) == "93.9%"
        assert percent(1, 0) == "100%"


def test_percent_of_nothing_is_empty():
    assert percent(None) == ""
