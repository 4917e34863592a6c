"""The demo's inspections: a few visits in the demo province (Tehran, 23) assigned to the demo
``inspector``, planned by the demo ``directorate``: some planned for the coming days, one submitted
with its results, a photo and its score. Made once (when Tehran has no inspection), through the
supervision services, as the directorate and the inspector would.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from pishkhan.accounts import selectors as account_selectors
from pishkhan.accounts.permissions import principal_for_user
from pishkhan.accounts.roles import Role
from pishkhan.offices.models import Office
from pishkhan.offices.states import OfficeStatus
from pishkhan.supervision.models import Inspection
from pishkhan.supervision.services import Answer, inspection_conduct, inspection_plan

DEMO_PROVINCE = "23"
PLANNED_VISITS = 3


def _photo() -> SimpleUploadedFile:
    """A small PNG standing for the photo of a rate board."""
    image = Image.new("RGB", (320, 200), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline=(40, 60, 120), width=4)
    for row in range(5):
        draw.line((30, 40 + row * 30, 290, 40 + row * 30), fill=(120, 120, 120), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("rate-board.png", buffer.getvalue(), content_type="image/png")


def demo_inspections_ensure() -> int:
    """Plan the demo's visits if Tehran has none yet; returns how many were made."""
    if Inspection.objects.filter(province__code=DEMO_PROVINCE).exists():
        return 0
    inspector = account_selectors.user_get_by_username(username=str(Role.INSPECTOR))
    planner = account_selectors.user_get_by_username(username=str(Role.DIRECTORATE))
    if inspector is None or planner is None:
        return 0
    offices = list(
        Office.objects.filter(province__code=DEMO_PROVINCE, status=OfficeStatus.ACTIVE)
        .order_by("code")
        .values_list("code", flat=True)[: PLANNED_VISITS + 1]
    )
    if not offices:
        return 0
    directorate = principal_for_user(planner)
    today = timezone.localdate()
    made = []
    for index, code in enumerate(offices):
        made.append(
            inspection_plan(
                office_code=code,
                planned_for=today + dt.timedelta(days=index * 3),
                inspector=inspector.username,
                actor=directorate,
            )
        )
    # The first visit, today's, is carried out: the rate board is out of date, the rest in order.
    first = made[0]
    codes = list(first.checklist.items.values_list("code", flat=True))
    answers = {code: Answer("pass") for code in codes}
    answers["rate_board"] = Answer("fail", "نرخ‌نامه نصب‌شده مربوط به سال گذشته است.")
    answers["equipment"] = Answer("na", "کارت‌خوان در تعمیر است؛ دفتر کارت‌خوان دوم دارد.")
    inspection_conduct(
        inspection=first,
        actor=principal_for_user(inspector),
        answers=answers,
        photos=[("rate_board", _photo())],
        note="بازدید بدون مانع انجام شد.",
        submit=True,
    )
    return len(made)
