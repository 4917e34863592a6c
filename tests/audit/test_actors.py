"""Actors: a row and the audit log name whoever acted the same way."""

import pytest

from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import principal_for_user
from pishkhan.audit.actors import Acting, actor_label, actor_of, actor_user
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_a_principal_a_job_and_the_system_are_named_as_the_log_names_them():
    user = UserFactory(username="cra")
    principal = principal_for_user(user)

    assert [actor_label(actor) for actor in (user, principal, "worker:licences_expire_due", None)] == [
        "user:cra",
        "user:cra",
        "worker:licences_expire_due",
        "system",
    ]
    assert (actor_user(user), actor_user(principal), actor_user("worker:x"), actor_user(None)) == (
        user,
        user,
        None,
        None,
    )
    assert isinstance(principal, Acting)


def test_a_row_gets_the_label_cut_to_its_column_and_the_log_the_whole_of_it():
    user = UserFactory(username="u" * 150)

    assert actor_label(user) == ("user:" + "u" * 150)[:150]
    assert actor_of(user) == (user, "user:" + "u" * 150)


def test_what_is_not_an_actor_is_refused():
    with pytest.raises(TypeError):
        actor_label("")
    with pytest.raises(TypeError):
        actor_label(42)
    with pytest.raises(ValueError, match="unsaved"):
        actor_label(User(username="ghost"))
