"""The identity check behind sign-up (its sandbox, the setting that chooses it) and the services that
bind a verified national ID to an account: kept keyed-hashed, masked and sealed, never in clear."""

import pytest
from django.db import connection

from pishkhan.accounts.identity import (
    SANDBOX_IDENTITIES,
    IdentityRecord,
    IdentityUnavailableError,
    identity_lookup,
    national_id_key,
    sandbox_mobile,
)
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.selectors import user_for_login, user_mobile, user_national_id
from pishkhan.accounts.services import (
    licensee_sign_up,
    user_identity_bind,
    user_password_change,
    user_password_reset,
)
from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, ValidationError
from tests.accounts.factories import PASSWORD, UserFactory

NATIONAL_ID = "0012345679"  # valid; outside the sandbox's table
NEW_PASSWORD = "another-Long-passphrase-77"


class RegistryDown:
    """An adapter whose registry is out of reach."""

    def lookup(self, national_id, *, birth_date=None):
        raise ConnectionError("registry unreachable")


class TinyRegistry:
    """An adapter that knows one person."""

    def lookup(self, national_id, *, birth_date=None):
        return IdentityRecord(national_id, exists=national_id == NATIONAL_ID, mobile="09351112233")


def _sign_up(**overrides):
    values = {
        "national_id": NATIONAL_ID,
        "first_name": "زهرا",
        "last_name": "احمدی",
        "username": "zahra",
        "password": PASSWORD,
    }
    return licensee_sign_up(**(values | overrides))


def test_the_sandbox_registers_a_derived_mobile_to_every_valid_national_id():
    record = identity_lookup("۰۰۱۲۳۴۵۶۷۹")  # Persian digits, as typed

    assert record == IdentityRecord(NATIONAL_ID, exists=True, mobile=sandbox_mobile(NATIONAL_ID))
    assert record.mobile == "09992345679"


def test_the_sandbox_table_answers_as_listed():
    for national_id, expected in SANDBOX_IDENTITIES.items():
        assert identity_lookup(national_id) == expected
    assert not identity_lookup("0010000054").exists
    assert identity_lookup("0010000046").mobile == ""


def test_a_malformed_national_id_is_refused_before_any_registry_is_asked():
    with pytest.raises(ValidationError) as refused:
        identity_lookup("0012345678")  # wrong check digit

    assert "national_id" in refused.value.fields


def test_the_setting_chooses_the_adapter(settings):
    settings.PISHKHAN_IDENTITY_BACKEND = "tests.accounts.test_identity.TinyRegistry"
    assert identity_lookup(NATIONAL_ID).mobile == "09351112233"
    assert not identity_lookup("0010000011").exists

    settings.PISHKHAN_IDENTITY_BACKEND = "tests.accounts.test_identity.RegistryDown"
    with pytest.raises(IdentityUnavailableError) as down:
        identity_lookup(NATIONAL_ID)
    assert down.value.status == 503


@pytest.mark.django_db
def test_sign_up_opens_a_licensee_account_bound_to_the_national_id_never_in_clear():
    user = _sign_up()

    stored = User.objects.get(pk=user.pk)
    assert stored.role == Role.LICENSEE
    assert stored.jurisdiction_kind == "national"
    assert stored.national_id_key == national_id_key(NATIONAL_ID)
    assert stored.national_id_masked == "001*****79"
    assert stored.mobile_masked == "0999***5679"
    assert user_national_id(user=stored) == NATIONAL_ID
    assert user_mobile(user=stored) == "09992345679"
    assert stored.identity_verified_at is not None
    assert stored.check_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert NATIONAL_ID not in row
    assert "09992345679" not in row
    entry = AuditEntry.objects.get(action="user.sign_up")
    assert entry.after["national_id"] == "001*****79"
    assert NATIONAL_ID not in str(entry.after)


@pytest.mark.django_db
def test_sign_up_refuses_an_unknown_id_one_without_a_mobile_and_a_second_account():
    with pytest.raises(ValidationError):
        _sign_up(national_id="0010000054")  # the registry knows no such person
    with pytest.raises(ValidationError):
        _sign_up(national_id="0010000046")  # no mobile registered to it
    _sign_up()

    with pytest.raises(ConflictError) as second:
        _sign_up(username="zahra2")
    with pytest.raises(ConflictError):
        _sign_up(national_id="0010000011")  # the user name is taken

    assert "national_id" in second.value.fields
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_sign_up_refuses_a_weak_password_and_an_empty_name():
    with pytest.raises(ValidationError) as weak:
        _sign_up(password="12345678")
    with pytest.raises(ValidationError) as nameless:
        _sign_up(first_name="  ")

    assert "password" in weak.value.fields
    assert "first_name" in nameless.value.fields
    assert not User.objects.exists()


@pytest.mark.django_db
def test_binding_refuses_another_id_and_an_id_bound_elsewhere():
    first, second = UserFactory(role="licensee"), UserFactory(role="licensee")
    user_identity_bind(user=first, national_id=NATIONAL_ID, mobile="09121234567", actor=None)

    with pytest.raises(ConflictError):
        user_identity_bind(user=second, national_id=NATIONAL_ID, mobile="09121234567", actor=None)
    with pytest.raises(ConflictError):
        user_identity_bind(user=first, national_id="0010000011", mobile="09121234567", actor=None)

    assert User.objects.get(pk=second.pk).national_id_key == ""


@pytest.mark.django_db
def test_the_account_is_found_by_user_name_or_verified_national_id_when_active():
    user = _sign_up()

    assert user_for_login(identifier="zahra") == user
    assert user_for_login(identifier="۰۰۱۲۳۴۵۶۷۹") == user
    assert user_for_login(identifier="0010000011") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert user_for_login(identifier="zahra") is None


@pytest.mark.django_db
def test_a_password_change_needs_the_current_one_and_is_audited_without_it():
    user = UserFactory(role="regulator", must_change_password=True)

    with pytest.raises(ValidationError) as wrong:
        user_password_change(user=user, old_password="not-it", new_password=NEW_PASSWORD)
    with pytest.raises(ValidationError) as weak:
        user_password_change(user=user, old_password=PASSWORD, new_password="password")
    changed = user_password_change(user=user, old_password=PASSWORD, new_password=NEW_PASSWORD)

    assert "old_password" in wrong.value.fields
    assert "new_password" in weak.value.fields
    assert changed.check_password(NEW_PASSWORD)
    assert not User.objects.get(pk=user.pk).must_change_password
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.target_id == str(user.pk)
    assert NEW_PASSWORD not in str(entry.after)
    assert PASSWORD not in str(entry.after)


@pytest.mark.django_db
def test_a_reset_sets_the_password_and_clears_the_must_change_flag():
    user = UserFactory(role="inspector", must_change_password=True)

    user_password_reset(user=user, password=NEW_PASSWORD)

    stored = User.objects.get(pk=user.pk)
    assert stored.check_password(NEW_PASSWORD)
    assert not stored.must_change_password
    assert AuditEntry.objects.filter(action="user.password_reset").count() == 1
