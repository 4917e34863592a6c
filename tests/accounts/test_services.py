"""Account services: users and API keys are created, changed and revoked with an audit entry each."""

import pytest
from django.contrib.auth.hashers import is_password_usable

from pishkhan.accounts.keys import secret_hash
from pishkhan.accounts.models import ApiKey, User
from pishkhan.accounts.permissions import principal_for_user
from pishkhan.accounts.services import (
    apikey_create,
    apikey_revoke,
    user_create,
    user_password_set,
    user_update,
)
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.common.errors import ConflictError, ValidationError
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_user_create_places_the_user_in_the_role_jurisdiction():
    admin = UserFactory(username="admin")

    user = user_create(
        username="tehran", password=PASSWORD, role="directorate", jurisdiction_code="۲۳", actor=admin
    )

    user.refresh_from_db()
    assert (user.role, user.jurisdiction_kind, user.jurisdiction_code) == ("directorate", "province", "23")
    assert user.check_password(PASSWORD)


def test_user_create_is_audited_without_the_password():
    admin = UserFactory(username="admin")

    user = user_create(
        username="tehran", password=PASSWORD, role="directorate", jurisdiction_code="23", actor=admin
    )

    entry = AuditEntry.objects.get(action="user.create")
    assert (entry.actor, entry.target_id) == (admin, str(user.pk))
    assert entry.after["role"] == "directorate"
    assert PASSWORD not in str(entry.after)
    assert audit_chain_verify().intact


def test_user_create_refuses_a_weak_password_on_the_field():
    with pytest.raises(ValidationError) as refused:
        user_create(username="weak", password="12345678", role="regulator", actor=None)

    assert list(refused.value.fields) == ["password"]
    assert not User.objects.filter(username="weak").exists()


def test_user_create_refuses_a_role_outside_its_jurisdiction():
    with pytest.raises(ValidationError) as refused:
        user_create(username="op", password=PASSWORD, role="office_operator", actor=None)

    assert list(refused.value.fields) == ["jurisdiction_code"]


def test_user_create_refuses_an_unknown_role():
    with pytest.raises(ValidationError) as refused:
        user_create(username="x", password=PASSWORD, role="mayor", actor=None)

    assert list(refused.value.fields) == ["role"]


def test_user_create_refuses_a_taken_name_with_a_conflict():
    UserFactory(username="tehran")

    with pytest.raises(ConflictError):
        user_create(username="tehran", password=PASSWORD, role="regulator", actor=None)


def test_user_create_refuses_a_malformed_name():
    with pytest.raises(ValidationError) as refused:
        user_create(username="<b>x</b>", password=PASSWORD, role="regulator", actor=None)

    assert list(refused.value.fields) == ["username"]


def test_user_update_moves_a_user_and_records_what_changed():
    user = UserFactory(role="inspector", jurisdiction_code="")
    admin = principal_for_user(UserFactory(username="admin"))

    user_update(user=user, actor=admin, jurisdiction_code="07", reason="posted to Isfahan")

    user.refresh_from_db()
    assert (user.jurisdiction_kind, user.jurisdiction_code) == ("province", "07")
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before == {"jurisdiction_kind": "national", "jurisdiction_code": ""}
    assert entry.after == {"jurisdiction_kind": "province", "jurisdiction_code": "07"}
    assert (entry.actor_label, entry.reason) == ("user:admin", "posted to Isfahan")


def test_user_update_can_take_a_role_away():
    user = UserFactory(role="directorate", jurisdiction_code="23")

    user_update(user=user, actor=None, role="", jurisdiction_code="", reason="left the directorate")

    user.refresh_from_db()
    assert (user.role, user.jurisdiction_kind, user.jurisdiction_code) == ("", "national", "")
    assert principal_for_user(user).permissions == frozenset()


def test_user_update_without_a_change_writes_nothing():
    user = UserFactory(role="regulator")

    user_update(user=user, actor=None, role="regulator", is_active=True)

    assert not AuditEntry.objects.exists()


def test_user_password_set_changes_the_password_and_says_so_without_it():
    user = UserFactory()

    user_password_set(user=user, password="another-Long-passphrase-7", actor=None)

    user.refresh_from_db()
    assert user.check_password("another-Long-passphrase-7")
    entry = AuditEntry.objects.get(action="user.password_set")
    assert (entry.target_id, entry.before, entry.after) == (str(user.pk), None, None)


def test_user_password_set_refuses_a_weak_password():
    user = UserFactory()

    with pytest.raises(ValidationError) as refused:
        user_password_set(user=user, password="password", actor=None)

    assert list(refused.value.fields) == ["password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_apikey_create_returns_a_plaintext_whose_secret_is_stored_only_hashed():
    key, plaintext = apikey_create(holder_kind="office", holder_code="10001", name="counter app", actor=None)

    assert plaintext.startswith(f"pk_{key.prefix}_")
    secret = plaintext.rsplit("_", 1)[1]
    assert len(secret) == 64
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert stored["secret_hash"] == secret_hash(secret)
    assert not any(secret in str(value) for value in stored.values())


def test_apikey_create_is_audited_without_the_secret():
    key, plaintext = apikey_create(holder_kind="agency", holder_code="sabt", actor=None)

    entry = AuditEntry.objects.get(action="apikey.create")
    assert entry.after == {
        "prefix": key.prefix,
        "holder_kind": "agency",
        "holder_code": "sabt",
        "user": None,
        "name": "",
    }
    assert plaintext.rsplit("_", 1)[1] not in str(entry.after)


def test_apikey_create_for_a_user_names_the_user():
    user = UserFactory(username="inspector7", role="inspector", jurisdiction_code="07")

    key, _ = apikey_create(holder_kind="user", holder_code="inspector7", actor=None)

    assert (key.user, key.holder_code) == (user, "")


def test_apikey_create_refuses_an_unknown_user():
    with pytest.raises(ValidationError) as refused:
        apikey_create(holder_kind="user", holder_code="ghost", actor=None)

    assert list(refused.value.fields) == ["holder_code"]


@pytest.mark.parametrize(
    ("kind", "code"), [("office", ""), ("office", "x" * 40), ("planet", "1"), ("agency", "a b")]
)
def test_apikey_create_refuses_a_malformed_holder(kind, code):
    with pytest.raises(ValidationError):
        apikey_create(holder_kind=kind, holder_code=code, actor=None)

    assert not ApiKey.objects.exists()


def test_two_keys_never_share_a_prefix_or_secret():
    keys = [apikey_create(holder_kind="office", holder_code="10001", actor=None) for _ in range(20)]

    assert len({key.prefix for key, _ in keys}) == 20
    assert len({plaintext for _, plaintext in keys}) == 20


def test_apikey_revoke_stamps_the_key_and_is_audited():
    key, _ = apikey_create(holder_kind="office", holder_code="10001", actor=None)
    admin = UserFactory(username="admin")

    apikey_revoke(key=key, actor=admin, reason="office closed")

    key.refresh_from_db()
    assert key.revoked_at is not None
    entry = AuditEntry.objects.get(action="apikey.revoke")
    assert (entry.actor, entry.reason, entry.before) == (admin, "office closed", {"revoked_at": None})


def test_apikey_revoke_twice_is_a_conflict():
    key, _ = apikey_create(holder_kind="office", holder_code="10001", actor=None)
    apikey_revoke(key=key, actor=None)

    with pytest.raises(ConflictError):
        apikey_revoke(key=key, actor=None)
    assert AuditEntry.objects.filter(action="apikey.revoke").count() == 1


def test_users_create_many_creates_checked_users_without_usable_passwords(db):
    from pishkhan.accounts.services import UserRow, users_create_many
    from pishkhan.audit.models import AuditEntry

    users = users_create_many(
        rows=[UserRow(username=f"clerk{n}", role="directorate", jurisdiction_code="23") for n in range(30)],
        actor=None,
    )

    assert len(users) == 30
    assert all(user.pk and not user.has_usable_password() for user in users)
    stored = list(User.objects.filter(pk__in=[user.pk for user in users]).values_list("password", flat=True))
    assert not any(is_password_usable(password) for password in stored)
    assert len(set(stored)) == 30  # each its own random suffix, as Django's set_unusable_password gives
    assert AuditEntry.objects.filter(action="user.create").count() == 30


def test_users_create_many_refuses_the_whole_batch_for_a_taken_name(db):
    from pishkhan.accounts.services import UserRow, users_create_many

    User.objects.create_user(username="clerk7", password=None)
    rows = [UserRow(username=f"clerk{n}", role="directorate", jurisdiction_code="23") for n in range(10)]

    with pytest.raises(ConflictError) as refused:
        users_create_many(rows=rows, actor=None)

    assert refused.value.detail.startswith("clerk7:")
    assert list(refused.value.fields) == ["username"]
    assert list(User.objects.values_list("username", flat=True)) == ["clerk7"]
    assert not AuditEntry.objects.filter(action="user.create").exists()


def test_users_create_many_refuses_the_whole_batch_for_one_bad_row(db):
    from pishkhan.accounts.models import User
    from pishkhan.accounts.services import UserRow, users_create_many
    from pishkhan.common.errors import ValidationError

    rows = [
        UserRow(username="ok1", role="directorate", jurisdiction_code="23"),
        UserRow(username="bad", role="directorate", jurisdiction_code=""),
    ]
    with pytest.raises(ValidationError):
        users_create_many(rows=rows, actor=None)
    assert not User.objects.filter(username="ok1").exists()
