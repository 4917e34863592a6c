"""Plausible Persian names for the synthetic network: common given and family names, companies."""

from __future__ import annotations

import random

GIVEN_NAMES_MALE = (
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "حسن", "مصطفی", "سعید", "مجید",
    "جواد", "حمید", "احمد", "مرتضی", "ابوالفضل", "محسن", "هادی", "وحید", "کریم", "بهروز",
    "فرهاد", "داوود", "یوسف", "اکبر", "ناصر", "بهزاد", "کامران", "پیمان", "سجاد", "میلاد",
)  # fmt: skip
GIVEN_NAMES_FEMALE = (
    "فاطمه", "زهرا", "مریم", "زینب", "معصومه", "سارا", "نرگس", "الهام", "مهسا", "لیلا",
    "سمیه", "رقیه", "نازنین", "پریسا", "شیما", "فرزانه", "طاهره", "آزاده", "نگار", "مینا",
    "سمانه", "راضیه", "هانیه", "کوثر", "ملیکا", "نسرین", "شیرین", "افسانه", "ژیلا", "مرضیه",
)  # fmt: skip
FAMILY_NAMES = (
    "محمدی", "حسینی", "احمدی", "رضایی", "موسوی", "کریمی", "جعفری", "رحیمی", "صادقی", "قاسمی",
    "هاشمی", "عباسی", "نوری", "کاظمی", "مرادی", "اکبری", "سلیمانی", "حیدری", "یوسفی", "قربانی",
    "بهرامی", "نجفی", "زارعی", "شریفی", "طاهری", "فرهادی", "باقری", "امینی", "خسروی", "عزیزی",
    "رستمی", "کرمی", "میرزایی", "سبحانی", "نظری", "فتحی", "پورمحمدی", "اسدی", "رحمانی", "جلالی",
)  # fmt: skip
COMPANY_WORDS = ("پیشگامان", "آینده‌سازان", "نوآوران", "راه", "پیوند", "ارتباط", "خدمات", "فناوران")
COMPANY_SUFFIXES = ("ارتباط", "شبکه", "گستر", "رسان", "پرداز")


def person_name(rng: random.Random) -> tuple[str, str]:
    """A (given name, family name) pair."""
    given = rng.choice(GIVEN_NAMES_MALE if rng.random() < 0.55 else GIVEN_NAMES_FEMALE)
    return given, rng.choice(FAMILY_NAMES)


def company_name(rng: random.Random, place: str) -> str:
    """A company name of the kind that holds office licences, e.g. «شرکت پیوند ارتباط کرج»."""
    return f"شرکت {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)} {place}"


def national_id(rng: random.Random) -> str:
    """A random well-formed national ID (check digit right, not all one digit)."""
    while True:
        body = "".join(str(rng.randrange(10)) for _ in range(9))
        remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        value = body + str(remainder if remainder < 2 else 11 - remainder)
        if len(set(value)) > 1:
            return value


def mobile(rng: random.Random) -> str:
    """A mobile number in the national form 09XXXXXXXXX."""
    return "09" + rng.choice(("12", "13", "19", "35", "36", "90", "01", "21")) + f"{rng.randrange(10**7):07d}"
