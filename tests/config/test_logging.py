"""The server's console: a refused request is one line, a server error keeps its traceback."""

import logging

import pytest

from pishkhan.accounts.services import user_create


@pytest.mark.django_db
def test_an_ordinary_403_is_logged_on_one_line_without_a_traceback(client, caplog):
    # given a licence applicant, who may not open the office directory
    client.force_login(
        user_create(username="applicant", password="a-Long-enough-passphrase-42", role="licensee", actor=None)
    )

    # when they open it anyway
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/offices/")

    # then they are refused, and the console says so in one line
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /offices/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog):
    try:
        raise RuntimeError("the database went away")
    except RuntimeError as error:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            logging.getLogger("django.request").error(
                "Internal Server Error: /", exc_info=error, extra={"status_code": 500}
            )

    (record,) = caplog.records
    assert record.exc_info is not None
    assert "Traceback" in caplog.text
    assert "RuntimeError: the database went away" in caplog.text
