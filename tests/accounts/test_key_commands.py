"""``keys_create``, ``keys_revoke``, ``keys_list``: issue, revoke and list API keys from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pishkhan.accounts.models import ApiKey
from pishkhan.accounts.selectors import apikey_authenticate
from pishkhan.audit.models import AuditEntry
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_keys_create_prints_only_the_key_on_stdout():
    out, err = _run("keys_create", "--office", "10001", "--name", "counter app")

    plaintext = out.strip()
    key = apikey_authenticate(plaintext=plaintext)
    assert key is not None
    assert (key.holder_kind, key.holder_code, key.name) == ("office", "10001", "counter app")
    assert "shown only now" in err
    assert AuditEntry.objects.get(action="apikey.create").actor_label == "system"


def test_keys_create_for_an_agency_and_a_user():
    UserFactory(username="tehran", role="directorate", jurisdiction_code="23")

    agency = apikey_authenticate(plaintext=_run("keys_create", "--agency", "sabt")[0].strip())
    personal = apikey_authenticate(plaintext=_run("keys_create", "--user", "tehran")[0].strip())

    assert (agency.holder_kind, agency.holder_code) == ("agency", "sabt")
    assert (personal.holder_kind, personal.user.username) == ("user", "tehran")


def test_keys_create_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="ghost"):
        _run("keys_create", "--user", "ghost")
    assert not ApiKey.objects.exists()


def test_keys_create_refuses_a_malformed_code():
    with pytest.raises(CommandError):
        _run("keys_create", "--office", "<script>")


@pytest.mark.parametrize("holders", [[], ["--office", "1", "--agency", "sabt"]])
def test_keys_create_needs_exactly_one_holder(holders):
    with pytest.raises(CommandError):
        _run("keys_create", *holders)
    assert not ApiKey.objects.exists()


def test_keys_revoke_turns_the_key_off():
    plaintext = _run("keys_create", "--office", "10001")[0].strip()
    prefix = apikey_authenticate(plaintext=plaintext).prefix

    out, _ = _run("keys_revoke", prefix, "--reason", "office closed")

    assert f"{prefix} (office 10001) revoked" in out
    assert apikey_authenticate(plaintext=plaintext) is None
    assert AuditEntry.objects.get(action="apikey.revoke").reason == "office closed"


def test_keys_revoke_refuses_an_unknown_or_revoked_key():
    prefix = apikey_authenticate(plaintext=_run("keys_create", "--office", "10001")[0].strip()).prefix
    _run("keys_revoke", prefix)

    with pytest.raises(CommandError, match="already revoked"):
        _run("keys_revoke", prefix)
    with pytest.raises(CommandError, match="no API key"):
        _run("keys_revoke", "ffffffff")


def test_keys_list_shows_holders_but_never_secrets():
    office_key = _run("keys_create", "--office", "10001", "--name", "counter app")[0].strip()
    agency_key = _run("keys_create", "--agency", "sabt")[0].strip()

    out, _ = _run("keys_list")

    lines = out.splitlines()
    assert lines[0].split() == ["PREFIX", "HOLDER", "NAME", "CREATED", "(UTC)", "LAST", "USED", "REVOKED"]
    assert len(lines) == 3
    assert "office 10001" in out
    assert "agency sabt" in out
    assert office_key.rsplit("_", 1)[1] not in out
    assert agency_key.rsplit("_", 1)[1] not in out


def test_keys_list_of_nothing_says_so():
    assert _run("keys_list")[0].strip() == "no API keys"
