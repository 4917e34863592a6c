"""Identifiers citizens and offices type: national ID, mobile number, postal code, tracking code.

Each ``*_clean`` function accepts what a person would type (Persian or Arabic-Indic digits, spaces,
dashes, a +98 prefix), returns the canonical form, or raises :class:`ValidationError` naming the
field, its messages in the active language (a page's, or the API answer's).
"""

from __future__ import annotations

import operator
import re
import secrets

from django.utils.translation import gettext as _
from stdnum import verhoeff

from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits

_SEPARATORS = re.compile(r"[\s\-‐–—_.]")


def _digits(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("This must be text."), fields={field: _("not text")})
    text = _SEPARATORS.sub("", to_latin_digits(value.strip()))
    if len(text) > 32:
        raise ValidationError(_("This is far too long."), fields={field: _("too long")})
    return text


_NATIONAL_ID_WEIGHTS = range(10, 1, -1)  # 10 - i for the digit at i = 0…8


def _plain(value: object, length: int) -> bool:
    """Already canonical: ``length`` Latin digits, nothing to normalise (what offices' systems send)."""
    return isinstance(value, str) and len(value) == length and value.isascii() and value.isdigit()


def national_id_is_valid(value: str) -> bool:
    """True for a well-formed Iranian national ID (کد ملی): ten digits whose last is the check digit.

    The check digit c satisfies: s = Σ dᵢ·(10−i) for the first nine digits (i = 0…8), r = s mod 11,
    and c = r if r < 2 else 11 − r. IDs of one repeated digit pass that sum but are never issued.
    """
    if len(value) != 10 or not value.isascii() or not value.isdigit() or len(set(value)) == 1:
        return False
    remainder = sum(map(operator.mul, map(int, value[:9]), _NATIONAL_ID_WEIGHTS)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return int(value[9]) == check


def national_id_clean(value: str, *, field: str = "national_id") -> str:
    """The national ID as ten Latin digits. Eight or nine digits are left-padded with zeros (as on cards)."""
    text = value if _plain(value, 10) else _digits(value, field)
    if text.isdigit() and 8 <= len(text) < 10:
        text = text.zfill(10)
    if not national_id_is_valid(text):
        raise ValidationError(
            _("This is not a valid national ID (ten digits with a correct check digit)."),
            fields={field: _("invalid national ID")},
        )
    return text


def national_id_mask(value: str) -> str:
    """Show only the first three and last two digits: ``001*****78``; enough for a citizen to recognise."""
    return f"{value[:3]}{'*' * (len(value) - 5)}{value[-2:]}" if len(value) >= 6 else "*" * len(value)


# The weights of the company ID's check digit, one per digit of the ten-digit body.
_COMPANY_ID_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def company_id_check_digit(body: str) -> int:
    """The check digit of a company national ID's ten-digit body.

    With digits d1…d10 and t = d10 + 2: s = Σ (dᵢ + t)·wᵢ over the weights 29, 27, 23, 19, 17 (twice);
    the check digit is s mod 11, where a remainder of 10 gives 0.
    """
    offset = int(body[9]) + 2
    weighted = zip(body, _COMPANY_ID_WEIGHTS, strict=True)
    remainder = sum((int(digit) + offset) * weight for digit, weight in weighted) % 11
    return 0 if remainder == 10 else remainder


def company_id_is_valid(value: str) -> bool:
    """True for a well-formed national ID of a legal person (شناسه ملی): eleven digits, the last checks.

    IDs of one repeated digit are never issued and are refused even where the sum happens to hold.
    """
    if len(value) != 11 or not value.isascii() or not value.isdigit() or len(set(value)) == 1:
        return False
    return int(value[10]) == company_id_check_digit(value[:10])


def company_id_clean(value: str, *, field: str = "company_id") -> str:
    """A company's national ID (شناسه ملی اشخاص حقوقی) as eleven Latin digits, its check digit verified."""
    text = _digits(value, field)
    if not company_id_is_valid(text):
        raise ValidationError(
            _("This is not a valid company national ID (eleven digits with a correct check digit)."),
            fields={field: _("invalid company ID")},
        )
    return text


_MOBILE = re.compile(r"^(?:\+98|0098|98|0)?(9\d{9})$")


def mobile_clean(value: str, *, field: str = "mobile") -> str:
    """An Iranian mobile number in the national form ``09XXXXXXXXX``; ``+98 912…`` and ``912…`` accepted."""
    if _plain(value, 11) and value.startswith("09"):
        return value
    match = _MOBILE.match(_digits(value, field).replace("(", "").replace(")", ""))
    if not match:
        raise ValidationError(
            _("This is not an Iranian mobile number (09 followed by nine digits)."),
            fields={field: _("invalid mobile number")},
        )
    return "0" + match.group(1)


def mobile_mask(value: str) -> str:
    """``0912***4567``."""
    return f"{value[:4]}***{value[-4:]}" if len(value) == 11 else "*" * len(value)


# Iran Post's ten-digit codes: the first five digits (the area) use neither 0 nor 2.
_POSTAL = re.compile(r"^[13-9]{5}\d{5}$")


def postal_code_clean(value: str, *, field: str = "postal_code") -> str:
    """A ten-digit Iranian postal code."""
    text = _digits(value, field)
    if not _POSTAL.match(text) or len(set(text)) == 1:
        raise ValidationError(
            _("This is not a valid postal code (ten digits; the first five without 0 or 2)."),
            fields={field: _("invalid postal code")},
        )
    return text


TRACKING_CODE_LENGTH = 12  # 11 random digits and a Verhoeff check digit


def tracking_code_new() -> str:
    """A fresh tracking code: 11 digits from the OS's CSPRNG plus a Verhoeff check digit.

    Codes are random, not sequential, so knowing one code tells nothing about any other; the check
    digit catches every single-digit typo and every swap of two adjacent digits before a look-up.
    The first digit is never 0, so the code keeps its length when read as a number.
    """
    # One draw over every 11-digit body (10^10 .. 10^11 - 1): the same uniform choice as a first digit
    # 1-9 and ten digits 0-9 drawn one by one, at a tenth of the cost.
    body = str(10**10 + secrets.randbelow(9 * 10**10))
    return body + verhoeff.calc_check_digit(body)


def tracking_code_is_valid(value: str) -> bool:
    """True if ``value`` has the shape of a tracking code and its check digit is right."""
    return (
        len(value) == TRACKING_CODE_LENGTH
        and value.isascii()
        and value.isdigit()
        and value[0] != "0"
        and verhoeff.is_valid(value)
    )


def tracking_code_clean(value: str, *, field: str = "tracking_code") -> str:
    """The tracking code as twelve Latin digits, with its check digit verified."""
    text = _digits(value, field)
    if not tracking_code_is_valid(text):
        raise ValidationError(
            _("This is not a valid tracking code (twelve digits; check for a typo)."),
            fields={field: _("invalid tracking code")},
        )
    return text
