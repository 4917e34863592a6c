"""Demo sanction cases: a few in the demo province (Tehran, 23) at different steps of their due
process, made through supervision's services with the clock set back (ADR 0010)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.licensing.models import Licence
from pishkhan.licensing.states import LicenceStatus
from pishkhan.supervision.services import (
    sanction_answer,
    sanction_decide,
    sanction_hearing_schedule,
    sanction_minutes_record,
    sanction_open,
)

ACTOR = "system:demo"
PROVINCE = "23"


def demo_sanctions_build(*, now: dt.datetime | None = None) -> int:
    """Three cases on active licences of the demo province: one in its remedy window, one answered and
    heard, one decided with its appeal window open. How many were opened (fewer if the province has
    fewer active licences)."""
    now = now or timezone.now()
    codes = list(
        Licence.objects.filter(status=LicenceStatus.ACTIVE, office__province__code=PROVINCE)
        .order_by("office__code")
        .values_list("office__code", flat=True)[:3]
    )
    steps = 0
    for index, code in enumerate(codes):
        t0 = now - dt.timedelta(days=10) if index else now - dt.timedelta(hours=2)
        case = sanction_open(
            office_code=code,
            ground=("refund_not_made", "overcharge", "complaint_upheld")[index],
            facts=(
                "وجه تراکنش ناموفق به شهروند بازگردانده نشد.",
                "کارمزد بیش از تعرفه دریافت شد.",
                "شکایت شهروند وارد تشخیص داده شد.",
            )[index],
            evidence="گزارش نظارت برخط",
            actor=ACTOR,
            now=t0,
        )
        if index >= 1:
            sanction_answer(
                case=case,
                statement="دفتر توضیح داد.",
                remedied=False,
                actor=ACTOR,
                now=t0 + dt.timedelta(hours=1),
            )
            at = case.remedy_by + dt.timedelta(days=1)
            sanction_hearing_schedule(
                case=case, at=at, place="اداره کل ارتباطات استان تهران", actor=ACTOR, now=case.remedy_by
            )
            sanction_minutes_record(
                case=case, minutes="دارنده حاضر شد و دفاع کرد.", actor=ACTOR, now=at + dt.timedelta(hours=1)
            )
        if index == 2:
            sanction_decide(
                case=case,
                measure="warning",
                reason="تخلف محرز است؛ تذکر کتبی.",
                actor=ACTOR,
                now=now - dt.timedelta(hours=1),
            )
        steps += 1
    return steps
