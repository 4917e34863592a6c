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


# Street addresses. Names that recur across Iranian towns: martyrs, poets, dates of the revolution,
# flowers and trees, the features a street is named after.
STREET_KINDS = ("خیابان", "خیابان", "خیابان", "بلوار", "بلوار", "میدان")
STREET_NAMES = (
    "امام خمینی", "انقلاب", "آزادی", "ولیعصر", "شریعتی", "طالقانی", "مطهری", "شهید بهشتی", "فردوسی",
    "حافظ", "سعدی", "جمهوری اسلامی", "کشاورز", "مدرس", "شهید چمران", "باهنر", "رجایی", "شهدا",
    "پاسداران", "بسیج", "جانبازان", "هفده شهریور", "پانزده خرداد", "بیست و دو بهمن", "امام رضا",
    "امیرکبیر", "شهید مفتح", "نواب صفوی", "خیام", "مولوی", "عطار", "شهریار", "ملاصدرا", "فاطمی",
    "دانشگاه", "فرهنگ", "بهار", "گلستان", "نارون", "صیاد شیرازی", "شهید منتظری", "کارگر", "سپاه",
    "آیت‌الله کاشانی", "معلم", "قدس", "ارشاد", "توحید", "کمربندی", "ساحلی",
)  # fmt: skip
ALLEY_NAMES = (
    "لاله", "نسترن", "یاس", "اقاقیا", "سرو", "بنفشه", "شقایق", "مهر", "نیلوفر", "ارغوان", "صنوبر",
    "شهید رضایی", "شهید احمدی", "شهید کریمی", "شهید حسینی", "فجر", "امید", "بهاران", "پروین",
    "دوستی", "سعادت", "نور", "رز", "مریم", "گلها",
)  # fmt: skip
LANDMARKS = ("روبروی بانک ملی", "جنب مسجد جامع", "نبش چهارراه", "روبروی اداره پست", "جنب بانک صادرات",
             "روبروی شهرداری", "جنب درمانگاه", "ساختمان اداری", "مجتمع تجاری", "طبقه همکف")  # fmt: skip
VILLAGE_STREETS = ("خیابان اصلی", "جنب دهیاری", "روبروی مسجد", "جنب مدرسه", "میدان روستا",
                   "کنار جاده اصلی", "جنب خانه بهداشت", "روبروی پاسگاه")  # fmt: skip


def street_address(rng: random.Random, place: str) -> str:
    """A town address, e.g. «کرج، بلوار شهید بهشتی، کوچه نسترن، پلاک 124»."""
    parts = [place, f"{rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)}"]
    shape = rng.random()
    if shape < 0.35:
        parts.append(f"کوچه {rng.choice(ALLEY_NAMES)}")
    elif shape < 0.65:
        parts.append(f"کوچه {rng.randint(1, 48)}")
    elif shape < 0.8:
        parts.append(f"{rng.choice(STREET_KINDS[:3])} {rng.choice(STREET_NAMES)}")
    else:
        parts.append(rng.choice(LANDMARKS))
    parts.append(f"پلاک {rng.randint(1, 480)}")
    return "، ".join(parts)


def village_address(rng: random.Random, place: str) -> str:
    """A village address, e.g. «روستای قلعه نو، جنب دهیاری، پلاک 12»."""
    return f"روستای {place}، {rng.choice(VILLAGE_STREETS)}، پلاک {rng.randint(1, 120)}"


def phone(rng: random.Random, area_code: str) -> str:
    """A landline in the national form: the area code (``021``) and an 8-digit local number, 11 digits."""
    return area_code + str(rng.randint(2, 9)) + f"{rng.randrange(10**7):07d}"


_POSTAL_HEAD = "13456789"  # the first five digits of a postal code are never 0 or 2


def postal_code(rng: random.Random, prefixes: tuple[str, ...]) -> str:
    """A ten-digit postal code starting with one of the province's two-digit ``prefixes``."""
    while True:
        head = rng.choice(prefixes) + "".join(rng.choice(_POSTAL_HEAD) for _ in range(3))
        value = head + f"{rng.randrange(10**5):05d}"
        if len(set(value)) > 1:
            return value
