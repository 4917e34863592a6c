"""Sign-in and sign-out pages: Django's own views, marked public on purpose.

Failed sign-ins are counted by django-axes (its backend comes first in AUTHENTICATION_BACKENDS);
after ``AXES_FAILURE_LIMIT`` failures its middleware answers with ``accounts/locked_out.html``.
"""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import has_perm, permission_required, principal_from_request, public
from pishkhan.accounts.roles import PERMISSIONS
from pishkhan.accounts.selectors import apikey_list_for_user
from pishkhan.accounts.throttle import client_address, login_throttle


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing an address with too many failed sign-ins whatever the user names
    (``accounts.throttle``); django-axes still locks one user name per address."""

    def clean(self) -> dict:
        throttle, address = login_throttle(), client_address(self.request) if self.request else ""
        wait = throttle.retry_after(address)
        if wait:
            raise forms.ValidationError(
                _("Too many failed sign-ins from your address. Try again in %(minutes)d minutes.")
                % {"minutes": math.ceil(wait / 60)},
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            throttle.failed(address)
            raise


login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True, authentication_form=SignInForm
    )
)
# Django's LogoutView signs out on POST only, so a link or an image on another site cannot.
logout = public(auth_views.LogoutView.as_view())


@permission_required("accounts.view_self")
def account_detail(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own account: who the system takes them for, what they may do (in words;
    the permission codes are for the code, not for people), and their API keys."""
    principal = principal_from_request(request)
    permissions = sorted(str(PERMISSIONS[name]) for name in principal.permissions)
    keys = apikey_list_for_user(user=request.user)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "principal": principal,
            "permissions": permissions,
            "keys": keys,
            "may_manage_keys": has_perm(principal, "accounts.manage_keys"),
        },
    )
