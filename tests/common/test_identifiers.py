import itertools
import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.common import identifiers
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_persian_digits


def _with_check_digit(nine: str) -> str:
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return nine + str(remainder if remainder < 2 else 11 - remainder)


@pytest.mark.parametrize("value", ["0499370899", "0790419904", "0084575948", "0013542419"])
def test_valid_national_ids_are_accepted(value):
    assert identifiers.national_id_clean(value) == value


def test_national_id_typed_with_persian_digits_and_dashes_is_canonicalised():
    assert identifiers.national_id_clean("۰۴۹-۹۳۷۰۸-۹۹") == "0499370899"


def test_national_id_short_form_is_zero_padded_as_printed_on_old_cards():
    assert identifiers.national_id_clean("84575948") == "0084575948"


@pytest.mark.parametrize(
    "value",
    ["0499370898", "1111111111", "0000000000", "12345", "04993708990", "abcdefghij", "", "۱۱۱۱۱۱۱۱۱۱"],
)
def test_invalid_national_ids_are_refused_naming_the_field(value):
    with pytest.raises(ValidationError) as error:
        identifiers.national_id_clean(value)
    assert "national_id" in error.value.fields


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1))
def test_any_nine_digits_with_their_check_digit_form_a_valid_id(nine):
    valid = _with_check_digit(nine)
    if len(set(valid)) > 1:
        assert identifiers.national_id_is_valid(valid)
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    assert not identifiers.national_id_is_valid(wrong)


def _judged(clean, value):
    try:
        return clean(value)
    except ValidationError as error:
        return sorted(error.fields)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_ten_latin_digits_are_judged_as_the_same_id_typed_in_persian(value):
    # Ten Latin digits (what offices' systems send) skip the normalising: never the judgement.
    assert _judged(identifiers.national_id_clean, value) == _judged(
        identifiers.national_id_clean, to_persian_digits(value)
    )


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_eleven_latin_digits_are_judged_as_the_same_mobile_typed_in_persian(value):
    assert _judged(identifiers.mobile_clean, value) == _judged(
        identifiers.mobile_clean, to_persian_digits(value)
    )


def test_national_id_mask_shows_only_the_ends():
    assert identifiers.national_id_mask("0499370899") == "049*****99"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("09121234567", "09121234567"),
        ("+98 912 123 4567", "09121234567"),
        ("00989121234567", "09121234567"),
        ("9121234567", "09121234567"),
        ("۰۹۱۲۱۲۳۴۵۶۷", "09121234567"),
    ],
)
def test_mobile_numbers_in_every_usual_form_are_canonicalised(typed, canonical):
    assert identifiers.mobile_clean(typed) == canonical


@pytest.mark.parametrize("value", ["02112345678", "0912123456", "091212345678", "+1 555 123 4567", "x"])
def test_non_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        identifiers.mobile_clean(value)


def test_mobile_mask():
    assert identifiers.mobile_mask("09121234567") == "0912***4567"


@pytest.mark.parametrize("value", ["1193653471", "۱۹۳۹۵-۴۳۶۱۱", "7134845611"])
def test_valid_postal_codes_are_accepted(value):
    assert identifiers.postal_code_clean(value).isdigit()


@pytest.mark.parametrize("value", ["0193653471", "1293653471", "119365347", "1111111111", "abcdefghij"])
def test_invalid_postal_codes_are_refused(value):
    with pytest.raises(ValidationError):
        identifiers.postal_code_clean(value)


def test_tracking_codes_carry_a_valid_check_digit_and_are_not_sequential():
    codes = [identifiers.tracking_code_new() for _ in range(2000)]
    assert all(identifiers.tracking_code_is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)
    numbers = sorted(int(code[:-1]) for code in codes)
    gaps = {b - a for a, b in itertools.pairwise(numbers)}
    # Random 11-digit bodies leave gaps of every size: neighbours cannot be guessed from each other.
    assert len(gaps) > 1000


def test_every_single_digit_typo_and_adjacent_swap_of_a_tracking_code_is_caught():
    code = identifiers.tracking_code_new()
    for position in range(len(code)):
        for digit in "0123456789":
            typo = code[:position] + digit + code[position + 1 :]
            if typo != code:
                assert not identifiers.tracking_code_is_valid(typo)
    for position in range(len(code) - 1):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        if swapped != code:
            assert not identifiers.tracking_code_is_valid(swapped)


def test_tracking_code_clean_accepts_persian_digits_and_refuses_a_typo():
    code = identifiers.tracking_code_new()
    from pishkhan.common.persian import to_persian_digits

    assert identifiers.tracking_code_clean(to_persian_digits(code)) == code
    with pytest.raises(ValidationError):
        identifiers.tracking_code_clean(code[:-1] + str((int(code[-1]) + 1) % 10))


def test_a_10_kb_identifier_is_refused_cleanly():
    with pytest.raises(ValidationError):
        identifiers.national_id_clean("1" * 10_000)


@pytest.mark.parametrize(
    ("clean", "value"),
    [
        (identifiers.national_id_clean, "0012345678"),
        (identifiers.company_id_clean, "10380284791"),
        (identifiers.mobile_clean, "0212345678"),
        (identifiers.postal_code_clean, "0000000000"),
        (identifiers.tracking_code_clean, "123"),
        (identifiers.mobile_clean, "9" * 40),
    ],
)
def test_a_refusal_is_told_in_the_active_language_with_no_english_word(clean, value):
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        clean(value, field="box")

    [message] = refused.value.fields["box"]
    for text in (refused.value.detail, message):
        assert re.search("[\u0600-\u06ff]", text)
        assert not re.search("[A-Za-z]", text), text


# Company national IDs (شناسه ملی اشخاص حقوقی) as published by companies themselves: the example of
# the persian-tools library's documentation, and two found on companies' contact and invoice pages.
REAL_COMPANY_IDS = ["10380284790", "10260014510", "10460108920"]


@pytest.mark.parametrize("value", REAL_COMPANY_IDS)
def test_real_company_ids_are_accepted(value):
    assert identifiers.company_id_clean(value) == value


def test_company_id_typed_with_persian_digits_and_dashes_is_canonicalised():
    assert identifiers.company_id_clean("۱۰۳۸-۰۲۸۴-۷۹۰") == "10380284790"


@pytest.mark.parametrize(
    "value",
    [
        "10380284792",  # wrong check digit
        "10380285692",  # a changed body digit
        "1038028479",  # ten digits
        "103802847900",  # twelve digits
        "11111111111",  # one repeated digit
        "33333333333",  # one repeated digit, whose sum happens to hold
        "1038028479a",
        "",
    ],
)
def test_invalid_company_ids_are_refused_naming_the_field(value):
    with pytest.raises(ValidationError) as error:
        identifiers.company_id_clean(value, field="applicant.company_id")
    assert "applicant.company_id" in error.value.fields


@given(st.text(alphabet="0123456789", min_size=10, max_size=10).filter(lambda s: len(set(s)) > 1))
def test_any_ten_digits_with_their_check_digit_form_a_valid_company_id(body):
    # the check digit by the published rule, written out again here: t = d10 + 2, weights 29 27 23 19 17
    offset = int(body[9]) + 2
    weights = [29, 27, 23, 19, 17] * 2
    remainder = sum((int(d) + offset) * w for d, w in zip(body, weights, strict=True)) % 11
    valid = body + str(0 if remainder == 10 else remainder)
    assert identifiers.company_id_is_valid(valid)
    for wrong_digit in set("0123456789") - {valid[10]}:
        assert not identifiers.company_id_is_valid(body + wrong_digit)
