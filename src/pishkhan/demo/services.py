"""The demo installation: one user per role, named after the role, with fresh passwords.

Everything goes through the domains' services, exactly as a real administrator's actions would.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from pishkhan.accounts import selectors as account_selectors
from pishkhan.accounts import services as account_services
from pishkhan.accounts.roles import Role
from pishkhan.offices.models import StaffPosition
from pishkhan.offices.selectors import office_get
from pishkhan.offices.services import staff_add

# The jurisdiction of each demo user. Tehran province (SCI code 23) is the demo province; the agency is
# the Civil Registration Organization of the catalogue seed, the office the first Pishkhan office of
# Tehran in the demo network (the demo network must be built before the users).
DEMO_JURISDICTIONS: dict[str, str] = {
    Role.REGULATOR: "",
    Role.DIRECTORATE: "23",
    Role.WORKING_GROUP: "23",
    Role.INSPECTOR: "23",
    Role.AGENCY_STAFF: "sabt",
    Role.OFFICE_OPERATOR: "P23-0001",
    Role.LICENSEE: "",  # applies for licences anywhere; sees only their own
}


# The demo licensee's verified national ID: one of the identity sandbox's people (docs/accounts.md), so
# that it can apply at once (an account applies only under its verified national ID).
DEMO_LICENSEE_NATIONAL_ID, DEMO_LICENSEE_MOBILE = "0010000011", "09120000011"


@dataclass(frozen=True)
class DemoLogin:
    """A demo user's name, role and the password just set."""

    username: str
    role: str
    jurisdiction_code: str
    password: str


def demo_users_ensure() -> list[DemoLogin]:
    """Create the demo user of each role if missing, and give every one a new random password.

    The password is new on every run so that it can be printed: it is stored only as a hash.
    """
    logins = []
    with transaction.atomic():
        for role, code in DEMO_JURISDICTIONS.items():
            username = str(role)
            password = secrets.token_urlsafe(9)
            user = account_selectors.user_get_by_username(username=username)
            if user is None:
                user = account_services.user_create(
                    username=username, password=password, role=role, jurisdiction_code=code, actor=None
                )
                if role == Role.OFFICE_OPERATOR:
                    # The demo operator runs the first Pishkhan office of Tehran, which the network has.
                    staff_add(
                        office=office_get(code=code), user=user, position=StaffPosition.OPERATOR, actor=None
                    )
                if role == Role.LICENSEE:
                    account_services.user_identity_bind(
                        user=user,
                        national_id=DEMO_LICENSEE_NATIONAL_ID,
                        mobile=DEMO_LICENSEE_MOBILE,
                        actor=None,
                    )
            else:
                account_services.user_password_set(user=user, password=password, actor=None)
            logins.append(
                DemoLogin(username=username, role=str(role), jurisdiction_code=code, password=password)
            )
    return logins
