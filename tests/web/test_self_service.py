"""Accounts people run themselves: signing up under a verified national ID, resetting a forgotten
password by a texted code (the same answer whether or not the account exists), verifying an older
account's national ID; each throttled per address."""

import pytest

from pishkhan.accounts.models import User
from pishkhan.audit.models import AuditEntry
from pishkhan.notifications.models import Message
from tests.accounts.factories import PASSWORD, UserFactory
from tests.licensing.factories import verify

pytestmark = pytest.mark.django_db

NATIONAL_ID = "0012345679"  # the sandbox registers 09992345679 to it
NEW_PASSWORD = "my-New-passphrase-1404"


@pytest.fixture(autouse=True)
def _english(client):
    """The pages in English, so that a refusal reads as the tests spell it."""
    client.cookies["pishkhan_language"] = "en"


def _code() -> str:
    return Message.objects.filter(template="code").latest("pk").params["code"]


def _ask_signup(client, national_id=NATIONAL_ID):
    return client.post(
        "/accounts/signup/",
        {"step": "identity", "national_id": national_id, "first_name": "زهرا", "last_name": "احمدی"},
    )


def _finish_signup(client, code, username="zahra", password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {
            "step": "account",
            "code": code,
            "username": username,
            "password": password,
            "password_again": password,
        },
    )


def test_sign_up_texts_the_registered_mobile_and_opens_a_bound_licensee_account(client):
    asked = _ask_signup(client)
    message = Message.objects.get(template="code")
    wrong = _finish_signup(client, "x" + _code()[1:])
    done = _finish_signup(client, _code())

    assert asked.status_code == 200
    assert "0999***5679" in asked.content.decode()  # the registered mobile, masked
    assert message.mobile_masked == "0999***5679"
    assert wrong.status_code == 422
    assert done.status_code == 302
    assert done["Location"] == "/my-licences/"
    user = User.objects.get(username="zahra")
    assert user.role == "licensee"
    assert user.national_id_masked == "001*****79"
    assert user.first_name == "زهرا"
    assert client.get("/accounts/me/").status_code == 200  # signed in
    assert AuditEntry.objects.filter(action="user.sign_up").count() == 1


def test_sign_up_refuses_an_id_the_registry_does_not_know_and_texts_nobody(client):
    response = _ask_signup(client, national_id="0010000054")

    assert response.status_code == 422
    assert not Message.objects.exists()


def test_a_weak_password_does_not_use_up_the_code(client):
    _ask_signup(client)
    code = _code()

    weak = _finish_signup(client, code, password="12345678")
    done = _finish_signup(client, code)

    assert weak.status_code == 422
    assert done.status_code == 302


def test_a_second_sign_up_for_the_same_id_is_refused_after_the_code(client):
    _ask_signup(client)
    _finish_signup(client, _code())
    client.logout()  # (which forgets every cookie, the language's too)
    client.cookies["pishkhan_language"] = "en"

    _ask_signup(client)
    again = _finish_signup(client, _code(), username="zahra2")

    assert again.status_code == 422
    assert "An account already exists for this national ID" in again.content.decode()
    assert User.objects.filter(role="licensee").count() == 1


def test_the_second_step_without_the_first_starts_again(client):
    response = _finish_signup(client, "123456")

    assert response.status_code == 400
    assert not User.objects.exists()


def _outcome(response) -> str:
    """The notice a page answers with."""
    page = response.content.decode()
    start = page.index('id="outcome"')
    return page[start : page.index("</p>", start)]


def _ask_reset(client, identifier):
    return client.post("/accounts/password-reset/", {"step": "ask", "identifier": identifier})


def _reset(client, code, password=NEW_PASSWORD):
    return client.post(
        "/accounts/password-reset/",
        {"step": "reset", "code": code, "password": password, "password_again": password},
    )


def test_a_forgotten_password_is_reset_by_a_code_to_the_accounts_mobile_by_national_id(client):
    user = verify(UserFactory(username="zahra", role="licensee"), NATIONAL_ID, mobile="09121234567")

    asked = _ask_reset(client, "۰۰۱۲۳۴۵۶۷۹")
    message = Message.objects.get(template="code")
    done = _reset(client, _code())

    assert asked.status_code == 200
    assert message.mobile_masked == "0912***4567"
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.password_reset").count() == 1


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client):
    verify(UserFactory(username="zahra", role="licensee"), NATIONAL_ID, mobile="09121234567")

    existing = _ask_reset(client, "zahra")
    client.get("/accounts/password-reset/?restart=1")
    missing = _ask_reset(client, "nobody")
    missing_reset = _reset(client, "123456")
    client.get("/accounts/password-reset/?restart=1")
    _ask_reset(client, "zahra")
    existing_wrong = _reset(client, "000000" if _code() != "000000" else "111111")

    assert existing.status_code == missing.status_code == 200
    assert _outcome(existing) == _outcome(missing)
    assert Message.objects.filter(template="code").count() == 2  # only the real account was texted
    assert missing_reset.status_code == existing_wrong.status_code == 422
    assert "The code is wrong or has expired" in missing_reset.content.decode()
    assert "The code is wrong or has expired" in existing_wrong.content.decode()


def test_a_staff_account_without_a_mobile_gets_the_same_answer_and_no_message(client):
    UserFactory(username="inspector1", role="inspector", jurisdiction_code="23")

    response = _ask_reset(client, "inspector1")

    assert response.status_code == 200
    assert 'id="outcome"' in response.content.decode()
    assert not Message.objects.exists()


def test_sign_up_and_reset_are_throttled_per_address(client, settings):
    settings.PISHKHAN_ACCOUNT_RATE = "3/m"

    answers = [_ask_reset(client, f"nobody{n}").status_code for n in range(4)]
    signup = [_ask_signup(client, national_id="0010000054").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert signup[-1] == 429


def test_an_older_account_verifies_its_national_id_then_applies_only_under_it(client):
    user = UserFactory(username="old", role="licensee")
    client.force_login(user)

    asked = client.post("/accounts/me/identity/", {"step": "identity", "national_id": NATIONAL_ID})
    done = client.post("/accounts/me/identity/", {"step": "code", "code": _code()})
    again = client.get("/accounts/me/identity/")

    assert asked.status_code == 200
    assert done.status_code == 302
    stored = User.objects.get(pk=user.pk)
    assert stored.national_id_masked == "001*****79"
    assert stored.mobile_masked == "0999***5679"
    assert again.status_code == 200
    assert "001*****79" in again.content.decode()
    assert AuditEntry.objects.filter(action="user.identity_bind").count() == 1
