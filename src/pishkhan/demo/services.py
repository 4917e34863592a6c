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

# The jurisdiction of each demo user. Tehran province (SCI code 23) is the demo province; the agency
# and office codes are those the demo network uses (see docs/demo.md).
DEMO_JURISDICTIONS: dict[str, str] = {
    Role.REGULATOR: "",
    Role.DIRECTORATE: "23",
    Role.WORKING_GROUP: "23",
    Role.INSPECTOR: "23",
    Role.AGENCY_STAFF: "sabt",
    Role.OFFICE_OPERATOR: "P23-0001",
}


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
                account_services.user_create(
                    username=username, password=password, role=role, jurisdiction_code=code, actor=None
                )
            else:
                account_services.user_password_set(user=user, password=password, actor=None)
            logins.append(
                DemoLogin(username=username, role=str(role), jurisdiction_code=code, password=password)
            )
    return logins
