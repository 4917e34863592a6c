"""A person's own account: signing up as a licensee under a verified national ID, binding one to an
account, and passwords (changed by their owner, or reset after a one-time code).

The one-time codes themselves are notifications' (a layer above accounts): the page that runs a flow
(``pishkhan.web.self_service``) texts the code and redeems it, then calls the service here. So every
service below that says "after a code" trusts its caller to have redeemed one; each is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.identity import identity_lookup, national_id_key
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import JurisdictionKind, Role
from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask, national_id_clean, national_id_mask
from pishkhan.common.persian import as_written, has_control_characters
from pishkhan.common.sealing import seal

NAME_MAX_LENGTH = 150


def _refuse(field: str, message: str) -> None:
    raise ValidationError(message, fields={field: message})


def _password_check(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={field: exc.messages}) from None


def _name_clean(value: str, field: str) -> str:
    if not isinstance(value, str) or has_control_characters(value):
        _refuse(field, _("Control characters are not allowed."))
    name = as_written(value)
    if not name:
        _refuse(field, _("A name is required."))
    if len(name) > NAME_MAX_LENGTH:
        _refuse(field, _("The name is too long."))
    return name


def _bound_elsewhere(key: str, user: User | None = None) -> bool:
    others = User.objects.filter(national_id_key=key)
    return (others.exclude(pk=user.pk) if user is not None and user.pk else others).exists()


def _identity_fields(national_id: str, mobile: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "national_id_key": national_id_key(national_id),
        "national_id_masked": national_id_mask(national_id),
        "national_id_sealed": seal(national_id),
        "identity_verified_at": now,
        "mobile_sealed": seal(mobile) if mobile else "",
        "mobile_masked": mobile_mask(mobile) if mobile else "",
    }


def signup_mobile(*, national_id: str) -> str:
    """The mobile a sign-up code goes to: the one the identity check has registered to the national ID.

    Refuses (422, on ``national_id``) an ID the registry does not know or one without a mobile;
    ``IdentityUnavailableError`` (503) when the registry cannot answer.
    """
    record = identity_lookup(national_id)
    if not record.exists:
        _refuse("national_id", _("The national registry does not confirm this national ID."))
    if not record.mobile:
        _refuse(
            "national_id",
            _("No mobile number is registered to this national ID. Register one with your operator first."),
        )
    return record.mobile


def licensee_sign_up(
    *,
    national_id: str,
    first_name: str,
    last_name: str,
    username: str,
    password: str,
    email: str = "",
    now: dt.datetime | None = None,
) -> User:
    """Open a ``licensee`` account bound to a national ID its owner just proved (after a code texted to
    the mobile the identity check registers to it; the caller redeemed it).

    The account keeps the ID keyed-hashed, masked and sealed, and that mobile sealed and masked, for
    password resets. Refusals: 422 for a malformed ID or name, a user name or password the validators
    refuse; 409 when the user name is taken or the ID already has an account (then its owner resets
    that account's password instead).
    """
    now = now or timezone.now()
    national_id = national_id_clean(national_id)
    mobile = signup_mobile(national_id=national_id)
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"username": exc.messages}) from None
    user = User(
        username=username,
        email=User.objects.normalize_email(email or ""),
        first_name=_name_clean(first_name, "first_name"),
        last_name=_name_clean(last_name, "last_name"),
        role=Role.LICENSEE,
        jurisdiction_kind=JurisdictionKind.NATIONAL,
        **_identity_fields(national_id, mobile, now),
    )
    _password_check(password, user)
    user.set_password(password)
    taken = _("This user name is taken.")
    bound = _("An account already exists for this national ID. Reset its password instead.")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ConflictError(taken, fields={"username": taken})
        if _bound_elsewhere(user.national_id_key):
            raise ConflictError(bound, fields={"national_id": bound})
        try:
            with transaction.atomic():
                user.save(force_insert=True)
        except IntegrityError:  # a sign-up of the same name or ID at the same moment
            raise ConflictError(bound if _bound_elsewhere(user.national_id_key) else taken) from None
        audit_record(
            actor=user,
            action="user.sign_up",
            target=user,
            after={
                "username": user.username,
                "role": user.role,
                "national_id": user.national_id_masked,
                "mobile": user.mobile_masked,
            },
        )
    return user


def user_identity_bind(
    *, user: User, national_id: str, mobile: str, actor: Actor, now: dt.datetime | None = None
) -> User:
    """Bind a verified national ID (and the mobile registered to it) to an existing account.

    For an account opened before sign-up verified identities, after its owner proved the ID as sign-up
    does. 409 when the account already holds another ID or the ID is another account's.
    """
    now = now or timezone.now()
    national_id = national_id_clean(national_id)
    mobile = mobile_clean(mobile) if mobile else ""
    fields = _identity_fields(national_id, mobile, now)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.national_id_key and user.national_id_key != fields["national_id_key"]:
            raise ConflictError(_("This account is already bound to another national ID."))
        if _bound_elsewhere(fields["national_id_key"], user):
            message = _("An account already exists for this national ID. Reset its password instead.")
            raise ConflictError(message, fields={"national_id": message})
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action="user.identity_bind",
            target=user,
            after={"national_id": user.national_id_masked, "mobile": user.mobile_masked},
        )
    return user


def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The account's owner changes its password, giving the current one first. Audited (never the
    password); clears ``must_change_password``."""
    if not user.check_password(old_password or ""):
        _refuse("old_password", _("Your current password is not this."))
    if old_password == new_password:
        _refuse("new_password", _("Choose a password different from the current one."))
    _password_check(new_password, user, "new_password")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=user, action="user.password_change", target=user)
    return user


def user_password_reset(*, user: User, password: str) -> User:
    """Give an account a new password after its owner redeemed a reset code texted to its mobile.

    Audited as the owner's act (never the password); clears ``must_change_password``.
    """
    _password_check(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=user, action="user.password_reset", target=user, after={"by": "sms-code"})
    return user
