"""Persian unless the visitor chose otherwise: the browser's Accept-Language does not decide."""

import pytest

LOCALE = "django.middleware.locale.LocaleMiddleware"
LANGUAGE = "pishkhan.web.middleware.LanguageMiddleware"


@pytest.fixture(autouse=True)
def language_middleware(settings):
    """The site's language middleware in place of Django's (a no-op once settings use it)."""
    settings.MIDDLEWARE = [LANGUAGE if name == LOCALE else name for name in settings.MIDDLEWARE]


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
