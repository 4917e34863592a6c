"""Template context that every page's layout needs."""

from __future__ import annotations

from django.http import HttpRequest

from pishkhan.web.navigation import Navigation, navigation_for


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    """The header's menu for this request's principal, as ``navigation`` (items, role_label)."""
    return {"navigation": navigation_for(request)}
