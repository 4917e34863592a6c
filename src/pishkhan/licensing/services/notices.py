"""The holder's and the applicant's messages: each step of an application and of a licence, and the
reminders to renew 60 and 30 days before a licence expires.

Each is put in the notifications outbox inside the transaction of the change it reports, under a key
naming the step (``application:<number>:approved``, ``licence:<number>:suspended:<time>``,
``licence:<number>:renewal60``), so it exists only if the change committed and goes out once. A
licence's messages go to the holder's mobile in the office registry; an application's to the mobile
the applicant gave (sealed with the application until its decision). Licence notices are essential
(legal notices, sent even to a mobile that opted out); the others are not (the templates say so).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pishkhan.common.calendar import format_jalali_date
from pishkhan.common.sealing import UnsealError, unseal_json
from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.states import ApplicationStatus, LicenceStatus
from pishkhan.notifications.services import message_enqueue
from pishkhan.offices.selectors import operator_mobile

# The days before expiry a holder is reminded to renew, each once per licence.
RENEWAL_REMINDER_DAYS = (60, 30)
APPLICATION_STEPS = {
    ApplicationStatus.SUBMITTED: "received",
    ApplicationStatus.UNDER_REVIEW: "under_review",
    ApplicationStatus.APPROVED: "approved",
    ApplicationStatus.REFUSED: "refused",
}


def holder_mobile(licence: Licence) -> str:
    """The mobile of the licence's holder as the office registry keeps it ("" when none)."""
    return operator_mobile(office_id=licence.office_id)


def application_tell(*, application: LicenceApplication, status: str, mobile: str = "") -> bool:
    """Tell the applicant their application reached ``status`` (if it is a step they are told of)."""
    step = APPLICATION_STEPS.get(status)
    if step is None:
        return False
    if not mobile and application.identity_sealed:
        try:
            mobile = unseal_json(application.identity_sealed).get("mobile", "")
        except UnsealError:
            mobile = ""
    if not mobile:
        return False
    return message_enqueue(
        key=f"application:{application.number}:{step}",
        mobile=mobile,
        template=f"application_{step}",
        params={"number": application.number},
    )


def licence_tell(*, licence: Licence, before: str, mobile: str = "", now: dt.datetime | None = None) -> bool:
    """Tell the holder their licence moved from ``before`` to its status (issued when ``before`` is "")."""
    status = licence.status
    if status == LicenceStatus.ACTIVE and before == LicenceStatus.SUSPENDED:
        step = "reinstated"
    elif status == LicenceStatus.ISSUED and not before:
        step = "issued"
    else:
        step = str(status)
    mobile = mobile or holder_mobile(licence)
    if not mobile:
        return False
    at = int((now or timezone.now()).timestamp())
    key = f"licence:{licence.number}:issued" if step == "issued" else f"licence:{licence.number}:{step}:{at}"
    return message_enqueue(
        key=key, mobile=mobile, template=f"licence_{step}", params={"number": licence.number}
    )


def renewal_reminders_send(*, now: dt.datetime) -> int:
    """Remind the holders of licences in force expiring within 60 (then 30) days; how many reminders.

    Each reminder's key (``licence:<number>:renewal60``) makes it once per licence, however often the
    job runs; a licence first found within 30 days gets only the 30-day one. The licences in the
    windows are a few hundred at most (a term is five years), so each round reads them all.
    """
    today = timezone.localdate(now)
    sent, lower = 0, 0
    for days in sorted(RENEWAL_REMINDER_DAYS):
        due = Licence.objects.filter(
            status__in=[LicenceStatus.ISSUED, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED],
            expires_on__gt=today + dt.timedelta(days=lower),
            expires_on__lte=today + dt.timedelta(days=days),
        ).select_related("office__operator")
        lower = days
        for licence in due.order_by("expires_on", "pk"):
            mobile = getattr(getattr(licence.office, "operator", None), "mobile", "")
            if not mobile:
                continue
            with transaction.atomic():
                sent += message_enqueue(
                    key=f"licence:{licence.number}:renewal{days}",
                    mobile=mobile,
                    template="licence_renewal",
                    params={
                        "number": licence.number,
                        "days": (licence.expires_on - today).days,
                        "expires": format_jalali_date(licence.expires_on, persian=False),
                    },
                )
    return sent
