"""The demo's provincial working groups: every province's group with its three seats, and one
scheduled session of Tehran's, its agenda generated from the plan the coverage step just proposed.

Tehran's chair and governorate representative are the demo logins ``directorate`` and
``working_group`` (created here when missing, with a throwaway password that ``demo_users_ensure``
replaces with the one ``up`` prints), so a fresh ``up`` can hold the session from the browser. The
other provinces' members are created without a usable password, as the network's clerks are.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from pishkhan.accounts import selectors as account_selectors
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import UserRow, user_create, users_create_many
from pishkhan.demo.services import DEMO_JURISDICTIONS
from pishkhan.geo.models import Province
from pishkhan.planning import groups
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


def _tehran_login(username: str, role: str) -> None:
    if account_selectors.user_get_by_username(username=username) is None:
        user_create(
            username=username,
            password=secrets.token_urlsafe(16),
            role=role,
            jurisdiction_code=DEMO_JURISDICTIONS[role],
            actor=None,
        )


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
    taken = set(
        User.objects.filter(username__in=[r.username for r in rows]).values_list("username", flat=True)
    )
    users_create_many(rows=[r for r in rows if r.username not in taken], actor=actor)
    for username in TEHRAN_LOGINS.values():
        _tehran_login(username, username)
    tehran = None
    for province in provinces:
        group = groups.working_group_ensure(province=province, actor=actor, now=now)
        seated = set(group.members.values_list("user__username", flat=True))
        for seat, _role, suffix, _name in SEATS:
            username = TEHRAN_LOGINS.get(seat) if province.code == TEHRAN else None
            username = username or _username(province.code, suffix)
            if username not in seated:
                groups.member_add(group=group, username=username, role=seat, actor=actor, now=now)
        if province.code == TEHRAN:
            tehran = group
    if tehran is None or tehran.sessions.exists():
        return 0
    day = timezone.localdate(now) + dt.timedelta(days=7)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    session = groups.session_schedule(
        group=tehran, scheduled_at=at, place="سالن جلسات استانداری تهران", actor=actor, now=now
    )
    return session.items.count()
