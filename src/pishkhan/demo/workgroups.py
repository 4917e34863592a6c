"""The demo's provincial working groups: every province's group with its three seats, and one
scheduled session of Tehran's, its agenda generated from the plan the coverage step just proposed.

Tehran's chair and governorate representative are the demo logins ``directorate`` and
``working_group`` (created here when missing, without a usable password: ``demo_users_ensure`` then
sets the one ``up`` prints), so a fresh ``up`` can hold the session from the browser. The
other provinces' members are created without a usable password, as the network's clerks are.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import UserRow, users_create_many
from pishkhan.demo.services import DEMO_JURISDICTIONS
from pishkhan.geo.models import Province
from pishkhan.planning import groups
from pishkhan.planning.models import WorkingGroup
from pishkhan.planning.states import MemberRole

TEHRAN = DEMO_JURISDICTIONS[Role.WORKING_GROUP]  # "23"
# The seats of every group: (role in the group, the user's role, the username's suffix, first name).
SEATS = [
    (MemberRole.CHAIR, Role.DIRECTORATE, "dg", "مدیرکل ارتباطات و فناوری اطلاعات"),
    (MemberRole.GOVERNORATE, Role.WORKING_GROUP, "gov", "نماینده استانداری"),
    (MemberRole.EMPLOYMENT, Role.WORKING_GROUP, "emp", "نماینده سازمان امور اداری و استخدامی"),
]
# Tehran's seats held by the demo logins (the rest by users made here).
TEHRAN_LOGINS = {MemberRole.CHAIR: str(Role.DIRECTORATE), MemberRole.GOVERNORATE: str(Role.WORKING_GROUP)}


def _username(code: str, suffix: str) -> str:
    return f"wg{code}-{suffix}"


def working_groups_build(*, actor: object = None, now: dt.datetime | None = None) -> int:
    """Every province's working group and its members; Tehran's next session scheduled a week ahead,
    its agenda generated. Returns the number of agenda items of that session."""
    now = now or timezone.now()
    provinces = list(Province.objects.order_by("code").defer("boundary"))
    rows = [
        UserRow(
            username=_username(p.code, suffix),
            role=role,
            jurisdiction_code=p.code,
            first_name=name,
            last_name=p.name_fa,
        )
        for p in provinces
        for seat, role, suffix, name in SEATS
        if not (p.code == TEHRAN and seat in TEHRAN_LOGINS)
    ]
    rows += [
        UserRow(username=username, role=username, jurisdiction_code=DEMO_JURISDICTIONS[username])
        for username in TEHRAN_LOGINS.values()
    ]
    taken = set(
        User.objects.filter(username__in=[r.username for r in rows]).values_list("username", flat=True)
    )
    users_create_many(rows=[r for r in rows if r.username not in taken], actor=actor)
    groups.working_groups_seat_many(
        seats=[
            (p, (TEHRAN_LOGINS.get(seat) if p.code == TEHRAN else None) or _username(p.code, suffix), seat)
            for p in provinces
            for seat, _role, suffix, _name in SEATS
        ],
        actor=actor,
        now=now,
    )
    tehran = WorkingGroup.objects.filter(province__code=TEHRAN).first()
    if tehran is None or tehran.sessions.exists():
        return 0
    day = timezone.localdate(now) + dt.timedelta(days=7)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    session = groups.session_schedule(
        group=tehran, scheduled_at=at, place="سالن جلسات استانداری تهران", actor=actor, now=now
    )
    return session.items.count()
