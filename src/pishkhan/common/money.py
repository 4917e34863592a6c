"""Money is an integer number of rials everywhere; this module checks and formats it."""

from __future__ import annotations

from typing import Annotated

import pydantic
from pydantic import Strict

from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_persian_digits

# The largest amount any single fee or tariff may hold: 10^15 rials, far above any real fee, far
# below what a 64-bit integer column holds.
MAX_RIALS = 10**15


def rials_check(value: object, *, field: str = "amount") -> int:
    """Return ``value`` as rials, or raise if it is not a whole, non-negative, plausible amount."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be a whole number of rials.", fields={field: "not an integer"})
    if value < 0:
        raise ValidationError(f"{field} cannot be negative.", fields={field: "negative"})
    if value > MAX_RIALS:
        raise ValidationError(f"{field} is implausibly large.", fields={field: "too large"})
    return value


def format_rials(value: int, *, persian: bool = True) -> str:
    """``12500000`` → ``۱۲٬۵۰۰٬۰۰۰`` (Persian) or ``12,500,000`` (Latin)."""
    grouped = f"{int(value):,}"
    if persian:
        return to_persian_digits(grouped.replace(",", "٬")).replace("-", "−")
    return grouped


# The type of every amount an API schema takes: a JSON integer only (``true``, ``1.0`` and
# ``"1100000"`` are refused, not read as numbers), from 0 to MAX_RIALS.
Rials = Annotated[int, Strict(), pydantic.Field(ge=0, le=MAX_RIALS)]
