"""Accounts people run themselves through a one-time code texted to them (docs/accounts.md): a prospective
licensee signs up under a verified national ID, anyone resets a forgotten password, and an account
opened before sign-up verified identities verifies its national ID.

These pages live in the shell because they join two domains that may not call each other: accounts
(the identity check, the account) and notifications (the codes, a layer beside accounts). Each is one
public page in two steps; what the first step learned waits in the session, sealed. Attempts are
throttled per client address (``PISHKHAN_ACCOUNT_RATE``); a code allows five tries and ten minutes.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts import services as accounts
from pishkhan.accounts.permissions import permission_required, principal_of, public
from pishkhan.accounts.selectors import user_for_login, user_get_by_username, user_mobile
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.forms import errors_onto
from pishkhan.common.identifiers import mobile_mask
from pishkhan.common.sealing import UnsealError, seal, unseal
from pishkhan.notifications.services import code_redeem, code_send
from pishkhan.web.forms import (
    CodeForm,
    IdentityVerifyForm,
    PasswordResetAskForm,
    PasswordResetForm,
    SignUpAccountForm,
    SignUpIdentityForm,
)

SIGNUP_PURPOSE = "signup"
RESET_PURPOSE = "password_reset"
VERIFY_PURPOSE = "identity_verify"
_SIGNUP_KEY, _RESET_KEY, _VERIFY_KEY = "pishkhan_signup", "pishkhan_reset", "pishkhan_identity_verify"
# The backend a freshly signed-up person is signed in with (django-axes' comes first and checks nothing).
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _throttled(request: HttpRequest, group: str) -> bool:
    return is_ratelimited(
        request, group=group, key="ip", rate=settings.PISHKHAN_ACCOUNT_RATE, method="POST", increment=True
    )


def _too_many() -> str:
    return _("Too many attempts from your connection. Please wait a minute and try again.")


def _sealed_get(request: HttpRequest, key: str) -> dict[str, str] | None:
    """What the first step kept in the session (its identifier unsealed), or None."""
    kept = request.session.get(key)
    if not isinstance(kept, dict) or "sealed" not in kept:
        return None
    try:
        return kept | {"identifier": unseal(kept["sealed"])}
    except UnsealError:
        return None


# --- Sign-up ---------------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up as a licence applicant: national ID and name (the identity check finds the mobile
    registered to the ID and a code is texted to it), then that code, a user name and a password."""
    if request.user.is_authenticated:
        return redirect("accounts:account_detail")
    pending = _sealed_get(request, _SIGNUP_KEY)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "GET" and request.GET.get("restart"):
        request.session.pop(_SIGNUP_KEY, None)
        pending = None
    context: dict[str, object] = {"refusal": "", "pending": pending}
    status = 200
    identity_form = SignUpIdentityForm(request.POST if step == "identity" else None)
    account_form = SignUpAccountForm(request.POST if step == "account" and pending else None)
    if step and _throttled(request, "web:signup"):
        context["refusal"], status = _too_many(), 429
    elif step == "identity":
        status = _signup_identity(request, identity_form, context)
    elif step == "account" and pending:
        if account_form.is_valid():
            done = _signup_account(request, account_form, pending)
            if done is not None:
                return done
        status = 422
    elif step:
        status = 400  # the second step without a first (a session that expired): start again
        context["refusal"] = _("Your sign-up has expired. Please start again.")
        context["pending"] = None
    context |= {"identity_form": identity_form, "account_form": account_form}
    return render(request, "web/signup.html", context, status=status)


def _signup_identity(request: HttpRequest, form: SignUpIdentityForm, context: dict[str, object]) -> int:
    """The first step: the registry's mobile for the ID, and a code texted to it. The status to answer."""
    if not form.is_valid():
        return 422
    data = form.cleaned_data
    try:
        mobile = accounts.signup_mobile(national_id=data["national_id"])
        code_send(purpose=SIGNUP_PURPOSE, subject=data["national_id"], mobile=mobile)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return exc.status
    pending = {
        "sealed": seal(data["national_id"]),
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "mobile_masked": mobile_mask(mobile),
    }
    request.session[_SIGNUP_KEY] = pending
    context["pending"] = pending
    return 200


def _signup_account(
    request: HttpRequest, form: SignUpAccountForm, pending: dict[str, str]
) -> HttpResponse | None:
    """The second step: the code, then the account. None when refused (the errors are on the form)."""
    data = form.cleaned_data
    if user_get_by_username(username=data["username"].strip()) is not None:
        form.add_error("username", _("This user name is taken."))  # before the code is used up
        return None
    try:
        code_redeem(purpose=SIGNUP_PURPOSE, subject=pending["identifier"], code=data["code"])
        user = accounts.licensee_sign_up(
            national_id=pending["identifier"],
            first_name=pending["first_name"],
            last_name=pending["last_name"],
            username=data["username"],
            email=data["email"],
            password=data["password"],
        )
    except ApplicationError as exc:
        errors_onto(form, exc)
        return None
    request.session.pop(_SIGNUP_KEY, None)
    login(request, user, backend=_MODEL_BACKEND)
    messages.success(request, _("Welcome. Your account is ready and your national ID is verified."))
    return redirect("licensing:my_licences")


# --- A forgotten password --------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Reset a forgotten password: a user name or national ID, then the code texted to the account's
    mobile with the new password. The answer is the same whether or not such an account exists."""
    pending = _sealed_get(request, _RESET_KEY)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "GET" and request.GET.get("restart"):
        request.session.pop(_RESET_KEY, None)
        pending = None
    context: dict[str, object] = {"refusal": "", "pending": pending}
    status = 200
    ask_form = PasswordResetAskForm(request.POST if step == "ask" else None)
    reset_form = PasswordResetForm(request.POST if step == "reset" and pending else None)
    if step and _throttled(request, "web:password_reset"):
        context["refusal"], status = _too_many(), 429
    elif step == "ask":
        if ask_form.is_valid():
            context["pending"] = _reset_ask(request, ask_form.cleaned_data["identifier"])
        else:
            status = 422
    elif step == "reset" and pending:
        if reset_form.is_valid() and _reset_done(reset_form, pending["identifier"]):
            request.session.pop(_RESET_KEY, None)
            messages.success(request, _("Your password was changed. Sign in with it."))
            return redirect("accounts:login")
        status = 422
    elif step:
        status = 400
        context["refusal"] = _("Your request has expired. Please start again.")
        context["pending"] = None
    context |= {"ask_form": ask_form, "reset_form": reset_form}
    return render(request, "web/password_reset.html", context, status=status)


def _reset_ask(request: HttpRequest, identifier: str) -> dict[str, str]:
    """Text a code to the account's mobile if an active account with a mobile matches; either way keep
    the identifier (sealed) for the next step, so the page answers alike."""
    user = user_for_login(identifier=identifier)
    mobile = user_mobile(user=user) if user is not None else ""
    if mobile:
        # Too many codes for this account is said to nobody: the answer would tell that it exists.
        with contextlib.suppress(ValidationError):
            code_send(purpose=RESET_PURPOSE, subject=f"user:{user.pk}", mobile=mobile)
    pending = {"sealed": seal(identifier.strip())}
    request.session[_RESET_KEY] = pending
    return pending


def _reset_done(form: PasswordResetForm, identifier: str) -> bool:
    """Redeem the code and set the password; False with the refusal on the form. A missing account
    is refused as a wrong code is."""
    data = form.cleaned_data
    user = user_for_login(identifier=identifier)
    try:
        if user is None:
            refused = _("The code is wrong or has expired. Ask for a new one.")
            raise ValidationError(refused, fields={"code": refused})
        code_redeem(purpose=RESET_PURPOSE, subject=f"user:{user.pk}", code=data["code"])
        accounts.user_password_reset(user=user, password=data["password"])
    except ApplicationError as exc:
        errors_onto(form, exc)
        return False
    return True


# --- Verifying an existing account's national ID ---------------------------------------------------


@permission_required("licensing.apply")
@require_http_methods(["GET", "POST"])
def identity_verify(request: HttpRequest) -> HttpResponse:
    """Verify the national ID of an account opened before sign-up verified identities: the ID (a code is
    texted to the mobile registered to it), then that code. Once bound, the ID cannot be changed here."""
    user = request.user
    if user.identity_verified:
        return render(request, "web/identity_verify.html", {"done": True})
    pending = _sealed_get(request, _VERIFY_KEY)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    context: dict[str, object] = {"refusal": "", "pending": pending, "done": False}
    status = 200
    identity_form = IdentityVerifyForm(request.POST if step == "identity" else None)
    code_form = CodeForm(request.POST if step == "code" and pending else None)
    if step and _throttled(request, "web:identity_verify"):
        context["refusal"], status = _too_many(), 429
    elif step == "identity":
        status = 422
        if identity_form.is_valid():
            national_id = identity_form.cleaned_data["national_id"]
            try:
                mobile = accounts.signup_mobile(national_id=national_id)
                code_send(purpose=VERIFY_PURPOSE, subject=f"user:{user.pk}:{national_id}", mobile=mobile)
            except ApplicationError as exc:
                errors_onto(identity_form, exc)
                status = exc.status
            else:
                pending = {"sealed": seal(national_id), "mobile_masked": mobile_mask(mobile)}
                request.session[_VERIFY_KEY] = context["pending"] = pending
                status = 200
    elif step == "code" and pending:
        status = 422
        if code_form.is_valid():
            national_id = pending["identifier"]
            try:
                subject, code = f"user:{user.pk}:{national_id}", code_form.cleaned_data["code"]
                code_redeem(purpose=VERIFY_PURPOSE, subject=subject, code=code)
                mobile = accounts.signup_mobile(national_id=national_id)
                accounts.user_identity_bind(
                    user=user, national_id=national_id, mobile=mobile, actor=principal_of(request)
                )
            except ApplicationError as exc:
                errors_onto(code_form, exc)
                status = exc.status
            else:
                request.session.pop(_VERIFY_KEY, None)
                messages.success(request, _("Your national ID is verified."))
                return redirect("accounts:account_detail")
    elif step:
        status = 400
        context["refusal"] = _("Your request has expired. Please start again.")
        context["pending"] = None
    context |= {"identity_form": identity_form, "code_form": code_form}
    return render(request, "web/identity_verify.html", context, status=status)
