"""The demo's complaints: a handful about offices of the demo province (Tehran, 23), one in each
state a directorate meets, made through supervision's services as citizens and the directorate would:
one received, one under review, one answered (its SMS left to the worker), one closed as not upheld,
one escalated to the regulator (received 16 days ago and never answered), and one overcharge upheld
with a refund order that the demo office (the operator's, P23-0001) has to confirm.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.offices.models import Office
from pishkhan.supervision.services import (
    complaint_answer,
    complaint_close,
    complaint_review,
    complaint_submit,
    complaints_escalate,
)

DEMO_PROVINCE = "23"
DEMO_OFFICE = "P23-0001"
# Who acts in the demo's complaints: the directorate of the demo province, as a label.
DIRECTORATE = "demo:directorate-23"


def _offices() -> list[str]:
    """The demo office first, then other Pishkhan offices of the province (codes)."""
    others = list(
        Office.objects.filter(province__code=DEMO_PROVINCE, kind=OfficeKind.PISHKHAN)
        .exclude(code=DEMO_OFFICE)
        .order_by("code")
        .values_list("code", flat=True)[:4]
    )
    return [DEMO_OFFICE, *others] if Office.objects.filter(code=DEMO_OFFICE).exists() else others


def complaints_build(*, now: dt.datetime | None = None) -> int:
    """Make the demo's complaints; how many (none when the province has no Pishkhan office)."""
    now = now or timezone.now()
    codes = _offices()
    if not codes:
        return 0

    def office(n: int) -> str:
        return codes[n % len(codes)]

    def filed(n: int, category: str, text: str, days_ago: float, mobile: str = ""):
        return complaint_submit(
            office_code=office(n),
            category=category,
            description=text,
            mobile=mobile,
            now=now - dt.timedelta(days=days_ago),
        )

    filed(
        1,
        "refused_service",
        "گفتند سامانه قطع است و خدمت گواهی عدم سوء پیشینه را انجام ندادند.",
        1,
        "09120000101",
    )
    filed(2, "absent", "ساعت ۱۰ صبح روز کاری مراجعه کردم و دفتر بسته بود.", 16)  # escalates below
    reviewed = filed(3, "conduct", "متصدی با لحن نامناسب پاسخ داد.", 3, "09120000102")
    complaint_review(complaint=reviewed, actor=DIRECTORATE)
    answered = filed(
        4, "overcharging", "برای صدور کارت سوخت ۵۰۰ هزار ریال بیشتر از تعرفه گرفتند.", 5, "09120000103"
    )
    complaint_review(complaint=answered, actor=DIRECTORATE)
    complaint_answer(
        complaint=answered,
        answer="شکایت شما بررسی شد؛ از دفتر توضیح خواسته شده و نتیجه به شما اطلاع داده می‌شود.",
        actor=DIRECTORATE,
    )
    dismissed = filed(2, "conduct", "نوبت مرا به دیگری دادند.", 9)
    complaint_review(complaint=dismissed, actor=DIRECTORATE)
    complaint_close(
        complaint=dismissed,
        outcome="not_upheld",
        reason="بر اساس فهرست نوبت‌دهی دفتر، نوبت به ترتیب داده شده بود.",
        actor=DIRECTORATE,
    )
    refunded = filed(
        0, "overcharging", "برای تمدید گذرنامه ۳۰۰ هزار ریال اضافه گرفتند و رسید ندادند.", 6, "09120000104"
    )
    complaint_review(complaint=refunded, actor=DIRECTORATE)
    complaint_answer(
        complaint=refunded,
        answer="دریافت اضافه تأیید شد؛ دفتر باید مبلغ اضافه را ظرف ۴۸ ساعت به شما بازگرداند.",
        actor=DIRECTORATE,
    )
    complaint_close(
        complaint=refunded,
        outcome="upheld",
        reason="دریافت بیش از تعرفه با رسید بانکی شهروند ثابت شد.",
        refund_amount=300_000,
        actor=DIRECTORATE,
    )
    complaints_escalate(now=now, actor="worker:complaints_advance")
    return 6
