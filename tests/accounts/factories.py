"""Factories of accounts: users with a role and a jurisdiction, and API keys made by the service."""

import factory
from factory.django import DjangoModelFactory, Password

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role, role_jurisdiction_kind

PASSWORD = "a-Long-enough-passphrase-42"


class UserFactory(DjangoModelFactory):
    """A signed-up user; a regulator unless told otherwise. Its password is ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.REGULATOR
    jurisdiction_code = ""
    jurisdiction_kind = factory.LazyAttribute(
        lambda user: role_jurisdiction_kind(user.role, user.jurisdiction_code) if user.role else "national"
    )
    password = Password(PASSWORD)
