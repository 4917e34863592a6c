"""The demo network's licences: every Pishkhan and rural ICT office holds one, in the states a real
register shows — mostly active, several hundred issued and never acted on (what an inactivity
campaign finds on a fresh ``pishkhan up``), some suspended, revoked, expired or surrendered.

Written through licensing's import service (``licences_issue_many``), which checks every row as an
import of existing licences and audits each.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from pishkhan.licensing.models import LICENSED_KINDS, Licence
from pishkhan.licensing.services import LicenceDraft, licences_issue_many
from pishkhan.licensing.states import LicenceStatus
from pishkhan.offices.models import Office

# Shares of the licensed offices in each state (the rest are active). About 3.5% issued long ago and
# never activated: ~400 of the ~11,300 licensed offices, the order of the 500 the regulator revoked.
STALE, RECENT = "issued_stale", "issued_recent"
SHARES: dict[str, float] = {
    STALE: 0.035,
    RECENT: 0.008,
    LicenceStatus.SUSPENDED: 0.010,
    LicenceStatus.REVOKED: 0.006,
    LicenceStatus.EXPIRED: 0.005,
    LicenceStatus.SURRENDERED: 0.004,
}
REASONS = {
    LicenceStatus.SUSPENDED: "تخلف در دریافت کارمزد بیش از تعرفه",
    LicenceStatus.REVOKED: "عدم راه‌اندازی دفتر پس از صدور پروانه",
    LicenceStatus.SURRENDERED: "انصراف دارنده پروانه",
}
BASIS = "آیین‌نامه اجرایی دفاتر پیشخوان خدمات دولت"
TERM_DAYS = 5 * 365


def _state(rng: random.Random) -> str:
    draw = rng.random()
    for state, share in SHARES.items():
        if draw < share:
            return state
        draw -= share
    return LicenceStatus.ACTIVE


def _draft(office: Office, state: str, rng: random.Random, today: dt.date, now: dt.datetime) -> LicenceDraft:
    def days_ago(low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=rng.randint(low, high))

    if state == STALE:  # issued three months to two years ago, never heard from
        return LicenceDraft(office=office.code, issued_on=today - days_ago(100, 700))
    if state == RECENT:  # issued in the last two months: still within its time to equip the office
        return LicenceDraft(office=office.code, issued_on=today - days_ago(3, 60))
    if state == LicenceStatus.EXPIRED:
        issued_on = today - days_ago(TERM_DAYS + 30, TERM_DAYS + 400)
        expires_on = issued_on + dt.timedelta(days=TERM_DAYS)
        ended = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time(3), tzinfo=now.tzinfo)
        return LicenceDraft(
            office=office.code,
            status=state,
            issued_on=issued_on,
            expires_on=expires_on,
            first_signal_at=ended - dt.timedelta(days=TERM_DAYS - 20),
            ended_at=ended,
        )
    issued_on = today - days_ago(200, TERM_DAYS - 100)
    first_signal = dt.datetime.combine(
        issued_on + dt.timedelta(days=rng.randint(3, 60)), dt.time(9, rng.randint(0, 59)), tzinfo=now.tzinfo
    )
    more: dict = {}
    if state == LicenceStatus.SUSPENDED:
        more = {"suspended_until": today + days_ago(5, 60), "reason": REASONS[state], "basis": BASIS}
    elif state in (LicenceStatus.REVOKED, LicenceStatus.SURRENDERED):
        more = {"ended_at": now - days_ago(10, 150), "reason": REASONS[state]}
        if state == LicenceStatus.REVOKED:
            more["basis"] = BASIS
    return LicenceDraft(
        office=office.code, status=state, issued_on=issued_on, first_signal_at=first_signal, **more
    )


def licences_build(
    *,
    offices: Iterable[Office],
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    actor: object,
    always_active: Sequence[str] = (),
) -> list[Licence]:
    """Give every licensed office of the network its licence; the offices in ``always_active`` (the
    demo users' office) hold an active one whatever the draw."""
    drafts = []
    for office in offices:
        if office.kind not in LICENSED_KINDS:
            continue
        state = LicenceStatus.ACTIVE if office.code in always_active else _state(rng)
        drafts.append(_draft(office, state, rng, today, now))
    return licences_issue_many(rows=drafts, actor=actor, now=now)
