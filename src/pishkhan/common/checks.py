"""System checks of a production installation (``pishkhan check --deploy``).

Django only warns about a short secret key, debug mode or a wildcard host; in production (not demo
mode) Pishkhan refuses them: ``check --deploy`` fails, so a deployment script that runs it stops.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

# As Django's own check (security.W009): at least 50 characters, at least 5 different ones, and not
# one of Django's generated insecure keys.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def _production() -> bool:
    return not getattr(settings, "PISHKHAN_DEMO", False)


@register(Tags.security, deploy=True)
def production_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Errors for settings no production server may run with."""
    if not _production():
        return []
    errors = []
    key = str(settings.SECRET_KEY or "")
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE
        or key.startswith("django-insecure-")
    ):
        errors.append(
            Error(
                f"PISHKHAN_SECRET_KEY is too short or too plain: production needs at least "
                f"{SECRET_KEY_MIN_LENGTH} random characters.",
                hint="python -c 'import secrets; print(secrets.token_urlsafe(64))'",
                id="pishkhan.E001",
            )
        )
    if settings.DEBUG:
        errors.append(
            Error(
                "PISHKHAN_DEBUG is on: production never runs in debug mode (it shows code and settings "
                "on errors).",
                hint="Unset PISHKHAN_DEBUG, or run a demo with `pishkhan up --demo`.",
                id="pishkhan.E002",
            )
        )
    if not getattr(settings, "PISHKHAN_SITE_URL", ""):
        errors.append(
            Error(
                "PISHKHAN_SITE_URL is not set: the links in citizens' text messages (rating, tracking) "
                "need the site's address.",
                hint="PISHKHAN_SITE_URL=https://pishkhan.example.ir",
                id="pishkhan.E004",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "PISHKHAN_ALLOWED_HOSTS contains '*': production answers only its own host names.",
                hint="List the host names, comma-separated (e.g. pishkhan.example.ir).",
                id="pishkhan.E003",
            )
        )
    return errors
