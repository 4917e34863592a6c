"""Sends an account whose password someone else chose to change it before any other page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages such a person may still open: the change itself, signing out, the language switch.
_ALLOWED = ("accounts:password_change", "accounts:logout", "web:set_language")


class PasswordChangeRequiredMiddleware:
    """A signed-in account with ``must_change_password`` (a new staff account, a manager's reset) is
    redirected to the password page from every page; the API (keys, not passwords) is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API and static files first: they must not load the session's user (nor vary on Cookie).
        if request.path.startswith(("/api/", "/static/")):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and request.path not in {reverse(name) for name in _ALLOWED}
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
