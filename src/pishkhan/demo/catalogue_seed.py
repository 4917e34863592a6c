"""The demo catalogue: real agencies of Iran with realistic services, their tariffs for this Jalali year
and the last, and two years of the agencies' monthly in-person visit reports.

The agencies and the kinds of service are real (DESIGN.md §3); the fees, targets and visit figures
are plausible inventions for the demo, not official figures. Everything is written through the
catalogue's services, so it passes the same checks and leaves the same audit trail as a real
agency's staff would.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jdatetime
from django.db import transaction
from django.utils import timezone

from pishkhan.audit.actors import Actor
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import AgencyKind, OutsourcingStatus, Service, Tariff, VisitReport
from pishkhan.common import calendar
from pishkhan.kpis.selectors.places import REPORT_DUE_DAY

PISHKHAN, ICT, E_CITY = OfficeKind.PISHKHAN.value, OfficeKind.ICT.value, OfficeKind.E_CITY.value
SOCIAL, HEALTH = OfficeKind.SOCIAL_SECURITY.value, OfficeKind.HEALTH_INSURANCE.value
OUT, PENDING, PROHIBITED = (
    OutsourcingStatus.OUTSOURCED.value,
    OutsourcingStatus.PENDING.value,
    OutsourcingStatus.PROHIBITED.value,
)


@dataclass(frozen=True)
class SeedAgency:
    """An agency of the demo catalogue, with its per-capita monthly in-person visits."""

    code: str
    name_fa: str
    name_en: str
    kind: str
    website: str
    phone: str
    visits_per_capita: float  # in-person visits per resident per month, before the network's effect


@dataclass(frozen=True)
class SeedService:
    """A service of the demo catalogue with its tariff for the current Jalali year."""

    agency: str
    slug: str
    title_fa: str
    title_en: str
    trips_saved: int
    target_minutes: int
    office_kinds: tuple[str, ...]
    government_fee: int  # rials, current year
    office_fee: int  # rials, current year
    documents: tuple[str, ...] = ()
    outsourcing: str = OUT
    legal_basis: str = ""
    legal_date: dt.date | None = None
    description_fa: str = ""
    description_en: str = ""


AGENCIES: tuple[SeedAgency, ...] = (
    SeedAgency("sabt", "سازمان ثبت احوال کشور",
               "National Organization for Civil Registration",
               AgencyKind.ORGANISATION, "https://www.sabteahval.ir", "021-1524", 0.0040),
    SeedAgency("tamin", "سازمان تأمین اجتماعی",
               "Social Security Organization",
               AgencyKind.ORGANISATION, "https://www.tamin.ir", "1420", 0.0080),
    SeedAgency("kar", "وزارت تعاون، کار و رفاه اجتماعی",
               "Ministry of Cooperatives, Labour and Social Welfare",
               AgencyKind.MINISTRY, "https://www.mcls.gov.ir", "021-137", 0.0020),
    SeedAgency("salamat", "سازمان بیمه سلامت ایران",
               "Iran Health Insurance Organization",
               AgencyKind.ORGANISATION, "https://ihio.gov.ir", "1666", 0.0030),
    SeedAgency("post", "شرکت ملی پست جمهوری اسلامی ایران",
               "Iran Post Company",
               AgencyKind.COMPANY, "https://post.ir", "021-196", 0.0100),
    SeedAgency("maliat", "سازمان امور مالیاتی کشور",
               "Iranian National Tax Administration",
               AgencyKind.ORGANISATION, "https://www.intamedia.ir", "1526", 0.0020),
    SeedAgency("qazaei", "قوه قضاییه (خدمات الکترونیک قضایی)",
               "Judiciary of the Islamic Republic of Iran",
               AgencyKind.JUDICIARY, "https://adliran.ir", "129", 0.0060),
    SeedAgency("rahvar", "پلیس راهور فراجا",
               "Traffic Police (FARAJA)",
               AgencyKind.OTHER, "https://rahvar120.ir", "120", 0.0050),
    SeedAgency("ict", "وزارت ارتباطات و فناوری اطلاعات",
               "Ministry of Information and Communications Technology",
               AgencyKind.MINISTRY, "https://www.ict.gov.ir", "021-88114000", 0.0005),
    SeedAgency("shahrdari", "شهرداری‌ها (سازمان شهرداری‌ها و دهیاری‌های کشور)",
               "Municipalities (Organization of Municipalities and Village Administrations)",
               AgencyKind.MUNICIPALITY, "https://imo.org.ir", "137", 0.0060),
)  # fmt: skip

# The legal bases the demo cites. The Civil Service Management Law (approved 1386/07/08) tells
# agencies to hand their services to the private sector; the prohibitions name the instrument that
# keeps a service at the agency's own counters.
CIVIL_SERVICE_LAW = "ماده ۱۳ قانون مدیریت خدمات کشوری (برون‌سپاری خدمات به بخش غیردولتی)"
CIVIL_SERVICE_LAW_DATE = jdatetime.date(1386, 7, 8).togregorian()
AWAITING_AGREEMENT = "در انتظار تفاهم‌نامه برون‌سپاری میان دستگاه و سازمان تنظیم مقررات و ارتباطات رادیویی"
JUDICIAL_OFFICES = (
    "ماده ۶۵۵ قانون آیین دادرسی کیفری و آیین‌نامه نحوه استفاده از سامانه‌های رایانه‌ای یا مخابراتی: "
    "این خدمت تنها در دفاتر خدمات الکترونیک قضایی ارائه می‌شود"
)
PLATE_CENTRES = (
    "قانون رسیدگی به تخلفات رانندگی و آیین‌نامه راهنمایی و رانندگی: شماره‌گذاری و تعویض پلاک "
    "با بازدید فنی خودرو در مراکز تعویض پلاک پلیس راهور"
)

ID_DOCS = ("اصل کارت ملی",)
BIRTH_DOCS = ("اصل شناسنامه", "اصل کارت ملی")

SERVICES: tuple[SeedService, ...] = (
    # --- National Organization for Civil Registration ---
    SeedService("sabt", "smart-card-registration", "ثبت‌نام کارت ملی هوشمند",
                "Smart national ID card registration",
                2, 20, (PISHKHAN,), 1_000_000, 200_000, ("اصل شناسنامه عکس‌دار", "کارت ملی قبلی یا رسید آن"),
                description_fa="ثبت درخواست، عکس و اثر انگشت برای صدور کارت ملی هوشمند.",
                description_en="Application, photograph and fingerprints for a smart national ID card."),
    SeedService("sabt", "smart-card-replacement", "صدور المثنی کارت ملی هوشمند",
                "Replacement smart national ID card",
                2, 20, (PISHKHAN,), 1_500_000, 200_000, ("اصل شناسنامه عکس‌دار", "گواهی مفقودی")),
    SeedService("sabt", "birth-certificate-copy", "صدور المثنی شناسنامه",
                "Duplicate birth certificate",
                2, 30, (PISHKHAN, ICT), 800_000, 150_000, (*ID_DOCS, "دو قطعه عکس", "گواهی مفقودی"),
                description_fa="صدور شناسنامه المثنی برای شناسنامه مفقود یا فرسوده.",
                description_en="A new copy of a lost or worn-out birth certificate."),
    SeedService("sabt", "birth-certificate-renewal", "تعویض شناسنامه",
                "Birth certificate renewal",
                2, 30, (PISHKHAN, ICT), 500_000, 150_000, (*BIRTH_DOCS, "دو قطعه عکس")),
    SeedService("sabt", "first-name-change", "درخواست تغییر نام",
                "First-name change request",
                1, 45, (PISHKHAN,), 300_000, 120_000, BIRTH_DOCS, PENDING, AWAITING_AGREEMENT),
    SeedService("sabt", "identity-inquiry", "استعلام هویت و وضعیت حیات",
                "Identity and living-status inquiry",
                1, 10, (PISHKHAN, ICT, E_CITY), 0, 60_000, ID_DOCS),
    # --- Social Security Organization ---
    SeedService("tamin", "insurance-record", "دریافت سابقه بیمه",
                "Insurance record statement",
                1, 15, (PISHKHAN, SOCIAL, ICT), 0, 80_000, ID_DOCS,
                OUT, CIVIL_SERVICE_LAW, CIVIL_SERVICE_LAW_DATE,
                description_fa="گزارش سوابق پرداخت حق بیمه به تفکیک کارگاه و سال.",
                description_en="A statement of insurance contributions by workplace and year."),
    SeedService("tamin", "self-employed-insurance", "درخواست بیمه مشاغل آزاد و خویش‌فرما",
                "Self-employed insurance application",
                2, 40, (PISHKHAN, SOCIAL), 0, 250_000, (*ID_DOCS, "مدرک شغلی یا پروانه کسب")),
    SeedService("tamin", "medical-booklet", "تمدید اعتبار دفترچه درمانی",
                "Medical coverage renewal",
                1, 15, (PISHKHAN, SOCIAL, ICT), 0, 70_000, ID_DOCS),
    SeedService("tamin", "pension-slip", "دریافت فیش حقوق مستمری",
                "Pension pay slip",
                1, 10, (PISHKHAN, SOCIAL, ICT), 0, 50_000, ID_DOCS),
    SeedService("tamin", "workplace-code", "درخواست کد کارگاهی",
                "Employer workplace code request",
                2, 60, (SOCIAL,), 0, 350_000, ("اجاره‌نامه یا سند محل کار", "پروانه کسب"),
                PENDING, AWAITING_AGREEMENT),
    SeedService("tamin", "marriage-allowance", "درخواست کمک‌هزینه ازدواج",
                "Marriage allowance request",
                2, 30, (PISHKHAN, SOCIAL), 0, 150_000, ("اصل سند ازدواج", "اصل کارت ملی زوجین")),
    # --- Ministry of Cooperatives, Labour and Social Welfare ---
    SeedService("kar", "unemployment-insurance", "درخواست بیمه بیکاری",
                "Unemployment insurance request",
                2, 30, (PISHKHAN, ICT), 0, 200_000, (*ID_DOCS, "نامه قطع همکاری کارفرما"),
                description_fa="ثبت درخواست مقرری بیمه بیکاری پس از پایان کار غیرارادی.",
                description_en="A claim for unemployment benefit after involuntary loss of work."),
    SeedService("kar", "job-seeker-registration", "ثبت‌نام کارجویان",
                "Job-seeker registration",
                1, 20, (PISHKHAN, ICT), 0, 100_000, (*ID_DOCS, "آخرین مدرک تحصیلی")),
    SeedService("kar", "foreign-work-permit", "درخواست پروانه کار اتباع خارجی",
                "Work permit for foreign nationals",
                2, 60, (PISHKHAN,), 2_000_000, 400_000, ("گذرنامه معتبر", "معرفی‌نامه کارفرما"),
                PENDING, AWAITING_AGREEMENT),
    SeedService("kar", "cooperative-registration", "درخواست ثبت شرکت تعاونی",
                "Cooperative registration request",
                2, 60, (PISHKHAN,), 600_000, 300_000, ("صورت‌جلسه مجمع عمومی مؤسس", "اساسنامه")),
    SeedService("kar", "subsidy-objection", "ثبت اعتراض به حذف یارانه",
                "Objection to removal of cash subsidy",
                1, 20, (PISHKHAN, ICT, E_CITY), 0, 60_000, ID_DOCS),
    # --- Iran Health Insurance Organization ---
    SeedService("salamat", "universal-insurance", "ثبت‌نام بیمه سلامت همگانی",
                "Universal health insurance registration",
                2, 20, (PISHKHAN, HEALTH, ICT), 0, 120_000, ID_DOCS,
                OUT, CIVIL_SERVICE_LAW, CIVIL_SERVICE_LAW_DATE),
    SeedService("salamat", "rural-insurance", "ثبت‌نام بیمه روستاییان و عشایر",
                "Rural and nomad health insurance",
                2, 20, (HEALTH, ICT), 0, 90_000, ID_DOCS),
    SeedService("salamat", "coverage-renewal", "تمدید اعتبار بیمه سلامت",
                "Health insurance renewal",
                1, 15, (PISHKHAN, HEALTH, ICT), 0, 70_000, ID_DOCS),
    SeedService("salamat", "dependants", "افزودن افراد تحت تکفل",
                "Adding dependants to health insurance",
                1, 20, (PISHKHAN, HEALTH), 0, 100_000,
                ("اصل شناسنامه افراد تحت تکفل", "اصل کارت ملی بیمه‌شده")),
    # --- Iran Post ---
    SeedService("post", "parcel-post", "ارسال مرسوله پستی",
                "Parcel posting",
                1, 10, (PISHKHAN, ICT), 450_000, 80_000, ID_DOCS),
    SeedService("post", "registered-letter", "ارسال نامه سفارشی",
                "Registered letter",
                1, 10, (PISHKHAN, ICT), 150_000, 50_000, ()),
    SeedService("post", "postal-code-inquiry", "استعلام کد پستی",
                "Postal code inquiry",
                1, 5, (PISHKHAN, ICT, E_CITY), 0, 50_000, ()),
    SeedService("post", "postal-code-certificate", "صدور گواهی کد پستی",
                "Postal code certificate",
                1, 10, (PISHKHAN, ICT, E_CITY), 200_000, 60_000, ("سند یا اجاره‌نامه ملک",)),
    # --- Tax Affairs ---
    SeedService("maliat", "tax-return-help", "کمک به تکمیل و ارسال اظهارنامه مالیاتی",
                "Help with filing a tax return",
                1, 40, (PISHKHAN,), 0, 400_000, (*ID_DOCS, "دفاتر یا خلاصه درآمد و هزینه سال"),
                description_fa="تکمیل و ارسال اظهارنامه مالیات بر درآمد مشاغل در درگاه ملی خدمات مالیاتی.",
                description_en="Completing and sending a business income tax return on the national "
                               "tax portal."),
    SeedService("maliat", "economic-code", "درخواست کد اقتصادی",
                "Economic code (tax ID) request",
                2, 30, (PISHKHAN,), 0, 250_000, (*ID_DOCS, "پروانه کسب یا اساسنامه")),
    SeedService("maliat", "tax-clearance", "صدور گواهی مفاصاحساب مالیاتی",
                "Tax clearance certificate",
                2, 60, (PISHKHAN,), 500_000, 300_000, ID_DOCS, PENDING, AWAITING_AGREEMENT),
    SeedService("maliat", "vehicle-transfer-tax", "پرداخت مالیات نقل‌وانتقال خودرو",
                "Vehicle transfer tax payment",
                1, 15, (PISHKHAN, E_CITY), 0, 100_000, ("سند خودرو", "کارت خودرو")),
    # --- Judiciary ---
    SeedService("qazaei", "sana-registration", "ثبت‌نام و احراز هویت در سامانه ثنا",
                "SANA judicial e-notice registration",
                1, 15, (PISHKHAN,), 200_000, 100_000, ID_DOCS, PROHIBITED, JUDICIAL_OFFICES),
    SeedService("qazaei", "criminal-record", "درخواست گواهی عدم سوءپیشینه",
                "Criminal record certificate request",
                2, 30, (PISHKHAN,), 1_000_000, 200_000, (*ID_DOCS, "یک قطعه عکس"),
                PENDING, AWAITING_AGREEMENT),
    SeedService("qazaei", "e-petition", "ثبت دادخواست الکترونیکی",
                "Electronic petition filing",
                2, 45, (PISHKHAN,), 1_200_000, 350_000, (*ID_DOCS, "مدارک دعوا"),
                PROHIBITED, JUDICIAL_OFFICES),
    # --- Traffic Police ---
    SeedService("rahvar", "traffic-fines", "استعلام و پرداخت خلافی خودرو",
                "Vehicle fines inquiry and payment",
                1, 10, (PISHKHAN, ICT, E_CITY), 0, 60_000, ("کارت خودرو",),
                description_fa="استعلام جریمه‌های رانندگی ثبت‌شده برای پلاک و پرداخت آن‌ها.",
                description_en="Looking up the traffic fines on a plate and paying them."),
    SeedService("rahvar", "licence-renewal", "تمدید گواهینامه رانندگی",
                "Driving licence renewal",
                2, 30, (PISHKHAN,), 1_800_000, 250_000, ("گواهینامه قبلی", "گواهی معاینه پزشکی"),
                PENDING, AWAITING_AGREEMENT),
    SeedService("rahvar", "plate-transfer", "تعویض پلاک و نقل‌وانتقال خودرو",
                "Plate change and vehicle transfer",
                2, 60, (PISHKHAN,), 2_000_000, 400_000, ("سند خودرو", "کارت خودرو"),
                PROHIBITED, PLATE_CENTRES),
    SeedService("rahvar", "negative-points", "استعلام نمره منفی گواهینامه",
                "Driving licence penalty points inquiry",
                1, 5, (PISHKHAN, ICT, E_CITY), 0, 50_000, ("گواهینامه رانندگی",)),
    # --- Ministry of ICT ---
    SeedService("ict", "rural-broadband", "درخواست اینترنت پرسرعت روستایی",
                "Rural broadband request",
                1, 20, (ICT, PISHKHAN), 0, 150_000, ID_DOCS),
    SeedService("ict", "operator-complaint", "ثبت شکایت از اپراتورهای ارتباطی",
                "Complaint against a telecom operator",
                1, 15, (PISHKHAN, ICT), 0, 60_000, ID_DOCS),
    SeedService("ict", "handset-registry", "ثبت و رفع مسدودی گوشی تلفن همراه (همتا)",
                "Mobile handset registry (Hamta)",
                1, 15, (PISHKHAN, ICT), 0, 100_000, (*ID_DOCS, "جعبه یا فاکتور گوشی")),
    # --- Municipalities ---
    SeedService("shahrdari", "renovation-dues", "پرداخت عوارض نوسازی",
                "Renovation dues payment",
                1, 10, (E_CITY, PISHKHAN), 0, 60_000, ("شماره نوسازی ملک",)),
    SeedService("shahrdari", "vehicle-dues", "پرداخت عوارض سالیانه خودرو",
                "Annual vehicle dues payment",
                1, 10, (E_CITY, PISHKHAN, ICT), 0, 60_000, ("کارت خودرو",)),
    SeedService("shahrdari", "building-permit", "درخواست پروانه ساختمانی",
                "Building permit application",
                3, 120, (E_CITY,), 0, 400_000, ("سند مالکیت", "نقشه‌های معماری"),
                PENDING, AWAITING_AGREEMENT),
    SeedService("shahrdari", "completion-certificate", "درخواست گواهی پایان کار ساختمان",
                "Building completion certificate",
                2, 90, (E_CITY,), 0, 350_000, ("پروانه ساختمانی", "سند مالکیت"),
                PENDING, AWAITING_AGREEMENT),
)  # fmt: skip


@dataclass
class CatalogueSeedSummary:
    """What :func:`catalogue_seed` wrote, and what the catalogue then holds."""

    agencies_created: int = 0
    services_created: int = 0
    tariffs_created: int = 0
    agencies: int = 0
    services: int = 0
    tariffs: int = 0
    years: tuple[int, int] = (0, 0)

    def __str__(self) -> str:
        return (
            f"{self.agencies} agencies, {self.services} services, {self.tariffs} tariffs "
            f"(years {self.years[0]}–{self.years[1]}); created {self.agencies_created} agencies, "
            f"{self.services_created} services, {self.tariffs_created} tariffs"
        )


def _nowruz(year: int) -> dt.date:
    """Farvardin 1 of a Jalali year: the day each year's tariffs take effect."""
    return jdatetime.date(year, 1, 1).togregorian()


def _previous_fee(amount: int, code: str) -> int:
    """Last year's fee: 25–35% lower, by a fixed fraction per service, rounded to 1,000 rials."""
    cut = 0.25 + (zlib.crc32(code.encode()) % 11) / 100
    return round(amount * (1 - cut) / 1000) * 1000


def catalogue_seed(*, actor: Actor = None, today: dt.date) -> CatalogueSeedSummary:
    """Publish the demo agencies, services and their tariffs for the Jalali year of ``today`` and the one
    before, skipping whatever already exists (so it may run again). One transaction."""
    summary = CatalogueSeedSummary()
    year = calendar.jalali_year(today)
    summary.years = (year - 1, year)
    with transaction.atomic():
        agencies = {agency.code: agency for agency in selectors.agency_list(include_inactive=True)}
        for seed in AGENCIES:
            if seed.code not in agencies:
                agencies[seed.code] = services.agency_create(
                    code=seed.code,
                    name_fa=seed.name_fa,
                    name_en=seed.name_en,
                    kind=seed.kind,
                    website=seed.website,
                    phone=seed.phone,
                    actor=actor,
                )
                summary.agencies_created += 1
        existing = {service.code: service for service in Service.objects.filter(agency__code__in=agencies)}
        catalogue = []
        for seed in SERVICES:
            code = f"{seed.agency}.{seed.slug}"
            service = existing.get(code)
            if service is None:
                service = services.service_create(
                    agency=agencies[seed.agency],
                    code=code,
                    title_fa=seed.title_fa,
                    title_en=seed.title_en,
                    trips_saved=seed.trips_saved,
                    target_minutes=seed.target_minutes,
                    office_kinds=seed.office_kinds,
                    outsourcing=seed.outsourcing,
                    legal_basis=seed.legal_basis,
                    legal_date=seed.legal_date,
                    description_fa=seed.description_fa,
                    description_en=seed.description_en,
                    required_documents=seed.documents,
                    actor=actor,
                )
                summary.services_created += 1
            catalogue.append((seed, service))
        priced = set(
            Tariff.objects.filter(service__in=[service for _seed, service in catalogue]).values_list(
                "service_id", "jalali_year"
            )
        )
        for seed, service in catalogue:
            fees = {
                year - 1: (_previous_fee(seed.government_fee, service.code + ":g"),
                           _previous_fee(seed.office_fee, service.code + ":o")),
                year: (seed.government_fee, seed.office_fee),
            }  # fmt: skip
            for tariff_year, (government_fee, office_fee) in fees.items():
                if (service.pk, tariff_year) in priced:
                    continue
                services.tariff_set(
                    service=service,
                    jalali_year=tariff_year,
                    government_fee=government_fee,
                    office_fee=office_fee,
                    effective_from=_nowruz(tariff_year),
                    actor=actor,
                )
                summary.tariffs_created += 1
        summary.agencies = len(agencies)
        summary.services = Service.objects.count()
        summary.tariffs = Tariff.objects.count()
    return summary


# --- Visit reports --------------------------------------------------------------------------------

# How busy agencies' own counters are in each Jalali month: the Nowruz holidays empty Farvardin, the
# end of the year (Esfand: tax deadlines, renewals before the new year) fills them.
SEASON = {
    1: 0.70,
    2: 1.00,
    3: 1.02,
    4: 0.98,
    5: 0.95,
    6: 1.00,
    7: 1.05,
    8: 1.05,
    9: 1.02,
    10: 1.00,
    11: 1.05,
    12: 1.15,
}
# Each year, e-services at the offices take some of the agencies' counter traffic: how much differs by
# agency (Civil Registration and Post have moved most of their services to the offices; the judiciary
# and the traffic police keep theirs at their own counters) and, around it, by province (±5 points,
# fixed per province). Against the government's 12.5 % a year, some agencies and provinces are on track
# and others behind, so the dashboards' target and projection have something to tell.
YEARLY_REDUCTION = {
    "sabt": 0.17,
    "tamin": 0.14,
    "kar": 0.07,
    "salamat": 0.13,
    "post": 0.19,
    "maliat": 0.09,
    "qazaei": 0.04,
    "rahvar": 0.06,
    "ict": 0.21,
    "shahrdari": 0.11,
}
PROVINCE_SPREAD = 0.05
# The monthly figures' noise around the trend (the draw from ``rng`` narrowed to this).
NOISE = 0.04
MONTHS_REPORTED = 24
# How often each agency reports a month by the due day (``kpis`` ``REPORT_DUE_DAY`` of the following
# month); the other months arrive 1–20 days late. Drawn per agency from its code, not the demo's seed,
# so that the compliance score's reporting part differs between agencies.
PUNCTUALITY = (1.0, 0.9, 0.75, 0.5)


@dataclass
class VisitSeedSummary:
    """What :func:`visit_reports_seed` wrote."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    periods: list[tuple[int, int]] = field(default_factory=list)

    def __str__(self) -> str:
        first, last = (self.periods[0], self.periods[-1]) if self.periods else ((0, 0), (0, 0))
        return (
            f"{self.rows} visit figures for {len(self.periods)} months "
            f"({first[0]}/{first[1]:02d}–{last[0]}/{last[1]:02d}); "
            f"created {self.created}, updated {self.updated}"
        )


def _months_before(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` whole Jalali months before the month of ``today``, oldest first."""
    jd = calendar.jalali_date(today)
    year, month, months = jd.year, jd.month, []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return months[::-1]


def _yearly_reduction(agency: str, province: str) -> float:
    """The agency's yearly fall in visits in a province: its own, shifted by the province's spread (a
    fixed draw per province and agency, independent of the demo's seed)."""
    spread = zlib.crc32(f"visits:{agency}:{province}".encode()) / 0xFFFFFFFF * 2 - 1
    return YEARLY_REDUCTION.get(agency, 0.10) + PROVINCE_SPREAD * spread


def visit_reports_seed(
    *, rng: random.Random, today: dt.date, provinces: Sequence[Any], actor: Actor = None
) -> VisitSeedSummary:
    """Report two years of monthly in-person visits for every active agency in every province.

    A province's visits follow its 2016 population (``provinces`` are geo Provinces, or anything with
    ``code`` and ``population_2016``), the agency's per-capita rate, the season and the agency's yearly
    decline in that province (``YEARLY_REDUCTION``, ``PROVINCE_SPREAD``), with ±4 % noise drawn from
    ``rng`` (so the same seed gives the same figures, and a rerun changes
    nothing). One submission per agency, through ``visit_reports_submit``.
    """
    summary = VisitSeedSummary(periods=_months_before(today, MONTHS_REPORTED))
    rates = {seed.code: seed.visits_per_capita for seed in AGENCIES}
    ordered = sorted(provinces, key=lambda province: province.code)
    with transaction.atomic():
        for agency in selectors.agency_list():
            rate = rates.get(agency.code, 0.001)
            monthly = {
                province.code: (1 - _yearly_reduction(agency.code, province.code)) ** (1 / 12)
                for province in ordered
            }
            rows = []
            for index, (year, month) in enumerate(summary.periods):
                for province in ordered:
                    trend = monthly[province.code] ** index
                    expected = province.population_2016 * rate * SEASON[month] * trend
                    noise = 1 + (rng.uniform(0.9, 1.1) - 1) * NOISE / 0.1
                    visits = max(0, round(expected * noise))
                    rows.append(
                        services.VisitRow(
                            jalali_year=year, jalali_month=month, province=province.code, visits=visits
                        )
                    )
            result = services.visit_reports_submit(agency=agency, rows=rows, actor=actor)
            _reports_dated(agency, summary.periods, now=timezone.now())
            summary.rows += len(rows)
            summary.created += result.created
            summary.updated += result.updated
    return summary


def _reports_dated(agency: Any, periods: Sequence[tuple[int, int]], *, now: dt.datetime) -> None:
    """Date the agency's seeded reports as if each month had been sent after it closed (the submission
    stamped them all now): on time or late by the agency's ``PUNCTUALITY``, never after ``now``."""
    draw = random.Random(f"visits-reported:{agency.code}")
    punctuality = draw.choice(PUNCTUALITY)
    for year, month in periods:
        following = jdatetime.date(year + (month == 12), month % 12 + 1, 1)
        if draw.random() < punctuality:
            day = draw.randint(1, REPORT_DUE_DAY)
        else:
            day = REPORT_DUE_DAY + draw.randint(1, 20)
        sent = (following + dt.timedelta(days=day - 1)).togregorian()
        moment = dt.datetime.combine(sent, dt.time(9), tzinfo=calendar.TEHRAN)
        moment += dt.timedelta(minutes=draw.randrange(8 * 60))
        VisitReport.objects.filter(agency=agency, jalali_year=year, jalali_month=month).update(
            reported_at=min(moment, now)
        )
