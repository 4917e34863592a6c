"""Persian unless the visitor chose otherwise: the browser's Accept-Language does not decide."""

import pytest


def test_the_site_uses_its_own_language_middleware(settings):
    assert "pishkhan.web.middleware.LanguageMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


def test_browser_asking_for_english_still_gets_persian(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="fa" dir="rtl">' in response.content.decode()
    assert response["Content-Language"] == "fa"
    assert "Cookie" in response["Vary"]


def test_visitor_who_chose_english_gets_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fa-IR")

    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_unknown_language_in_the_cookie_falls_back_to_persian(client, db):
    client.cookies["pishkhan_language"] = "xx"

    response = client.get("/no-such-page/")

    assert '<html lang="fa" dir="rtl">' in response.content.decode()


@pytest.mark.django_db
def test_api_messages_are_english_unless_the_client_asks_for_persian(client):
    english = client.get("/api/v1/geo/counties?province=99")
    persian = client.get("/api/v1/geo/counties?province=99", HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9")

    assert english.status_code == persian.status_code == 404
    assert english.json()["detail"] == "No province has the code 99."
    assert persian.json()["detail"] == "هیچ استانی با کد 99 وجود ندارد."
    assert english["Content-Language"] == "en"
