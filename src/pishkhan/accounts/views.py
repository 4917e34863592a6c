"""Sign-in and sign-out pages: Django's own views, marked public on purpose.

Failed sign-ins are counted by django-axes (its backend comes first in AUTHENTICATION_BACKENDS);
after ``AXES_FAILURE_LIMIT`` failures its middleware answers with ``accounts/locked_out.html``.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from pishkhan.accounts.permissions import public

login = public(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
# Django's LogoutView signs out on POST only, so a link or an image on another site cannot.
logout = public(auth_views.LogoutView.as_view())
