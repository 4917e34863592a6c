"""Sign-in and sign-out pages (Django's own views, marked public on purpose), one's account and
password, and the staff screen of those who manage accounts (docs/accounts.md).

Failed sign-ins are counted by django-axes (its backend comes first in AUTHENTICATION_BACKENDS);
after ``AXES_FAILURE_LIMIT`` failures its middleware answers with ``accounts/locked_out.html``.
Sign-up and the forgotten-password pages text one-time codes, so they live above notifications, in
``pishkhan.web.self_service``.
"""

from __future__ import annotations

import math

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pishkhan.accounts import services
from pishkhan.accounts.forms import (
    PasswordChangeForm,
    StaffActForm,
    StaffCreateForm,
    StaffFilterForm,
    StaffRoleForm,
)
from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import (
    has_perm,
    permission_required,
    principal_from_request,
    principal_of,
    public,
)
from pishkhan.accounts.roles import PERMISSIONS
from pishkhan.accounts.selectors import apikey_list_for_user, user_get
from pishkhan.accounts.selectors import staff_list as staff_rows
from pishkhan.accounts.throttle import client_address, login_throttle
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto

STAFF_PAGE_SIZE = 50


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


@permission_required("accounts.view_self")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (the current one first); the page every other page sends an account
    whose password someone else chose (``must_change_password``)."""
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_password_change(
                    user=request.user, old_password=data["old_password"], new_password=data["new_password"]
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                update_session_auth_hash(request, user)  # this session stays signed in; others end
                messages.success(request, _("Your password was changed."))
                return redirect("accounts:account_detail")
        else:
            status = 422
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": request.user.must_change_password},
        status=status,
    )


# --- The staff screen ------------------------------------------------------------------------------


@permission_required("accounts.manage_users")
def staff_list(request: HttpRequest) -> HttpResponse:
    """The accounts the caller manages: the regulator's all staff, a directorate its province's."""
    principal = principal_of(request)
    roles = services.staff_roles_grantable(principal)
    filters = StaffFilterForm(request.GET or None, roles=roles)
    search, role = "", ""
    if filters.is_valid():
        search, role = filters.cleaned_data["q"], filters.cleaned_data["role"]
    rows = staff_rows(rows=services.staff_queryset(principal), search=search, role=role)
    page = Paginator(rows, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"filters": filters, "page": page})


@permission_required("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    """Open a staff account with a role the caller grants; its temporary password is shown once."""
    principal = principal_of(request)
    form = StaffCreateForm(
        request.POST or None, roles=services.staff_roles_grantable(principal), national=principal.is_national
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = services.staff_create(
                    username=data["username"],
                    role=data["role"],
                    jurisdiction_code=data.get("jurisdiction_code", ""),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    mobile=data["mobile"],
                    actor=principal,
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                return _with_password(request, user, password)
        else:
            status = 422
    return render(request, "accounts/staff_new.html", {"form": form}, status=status)


def _with_password(request: HttpRequest, user: User, password: str) -> HttpResponse:
    """The account's page with its new temporary password, shown this once (not stored anywhere)."""
    return render(
        request,
        "accounts/staff_detail.html",
        _staff_context(request, user) | {"temporary_password": password},
    )


def _staff_context(request: HttpRequest, user: User, **forms_given: object) -> dict[str, object]:
    principal = principal_of(request)
    roles = services.staff_roles_grantable(principal)
    role_form = forms_given.get("role_form") or StaffRoleForm(
        initial={"role": user.role, "jurisdiction_code": user.jurisdiction_code},
        roles=roles,
        national=principal.is_national,
    )
    return {
        "staff": user,
        "role_form": role_form,
        "act_form": forms_given.get("act_form") or StaffActForm(),
    }


def _managed_or_404(request: HttpRequest, pk: int) -> User:
    user = user_get(pk=pk)
    if user is None or not services.staff_may_manage(principal_of(request), user):
        raise Http404(_("No such account."))
    return user


@permission_required("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One managed account: its role and standing; change the role, deactivate or reactivate it, or
    reset its password (a temporary one, shown once, to be changed at the next sign-in)."""
    user = _managed_or_404(request, pk)
    if request.method != "POST":
        return render(request, "accounts/staff_detail.html", _staff_context(request, user))
    act = request.POST.get("act", "")
    if act == "role":
        return _staff_role(request, user)
    if act in ("deactivate", "activate", "reset"):
        return _staff_act(request, user, act)
    return render(request, "accounts/staff_detail.html", _staff_context(request, user), status=400)


def _staff_refused(request: HttpRequest, user: User, status: int, **forms_given: object) -> HttpResponse:
    context = _staff_context(request, user, **forms_given)
    return render(request, "accounts/staff_detail.html", context, status=status)


def _staff_role(request: HttpRequest, user: User) -> HttpResponse:
    principal = principal_of(request)
    roles = services.staff_roles_grantable(principal)
    form = StaffRoleForm(request.POST, roles=roles, national=principal.is_national)
    if not form.is_valid():
        return _staff_refused(request, user, 422, role_form=form)
    data = form.cleaned_data
    try:
        services.staff_role_set(
            user=user,
            role=data["role"],
            jurisdiction_code=data.get("jurisdiction_code", ""),
            reason=data["reason"],
            actor=principal,
        )
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _staff_refused(request, user, exc.status, role_form=form)
    messages.success(request, _("The role was changed."))
    return redirect("accounts:staff_detail", pk=user.pk)


def _staff_act(request: HttpRequest, user: User, act: str) -> HttpResponse:
    principal = principal_of(request)
    form = StaffActForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        if act == "reset":
            user, password = services.staff_password_reset(user=user, reason=reason, actor=principal)
            return _with_password(request, user, password)
        services.staff_active_set(user=user, active=act == "activate", reason=reason, actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _staff_refused(request, user, exc.status, act_form=form)
    done = _("The account was reactivated.") if act == "activate" else _("The account was deactivated.")
    messages.success(request, done)
    return redirect("accounts:staff_detail", pk=user.pk)
