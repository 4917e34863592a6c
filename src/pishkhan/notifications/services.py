"""The outbox's writes: a message enqueued by the domain that speaks, sent once by the worker.

Every domain that tells a citizen or a holder something calls :func:`message_enqueue` inside the
transaction of the change it reports, under a key that names the message (``txn:<code>:completed``,
``licence:<number>:renewal60``): a second call with the key is a no-op, so a job that runs again, or a
step reported twice, texts nobody twice. :func:`messages_send_due` (the ``notifications.send`` job)
claims due messages under a lease, sends each through ``common.sms`` with its key *outside* any
database transaction, then marks it sent. A worker killed between the provider's acceptance and that
mark leaves the message to be claimed again when its lease runs out; the provider, given the same key,
does not deliver it again. At-least-once claims and an idempotent provider make once (ADR 0013).

Opt-outs: a mobile whose owner opted out gets only the essential messages (a template's ``essential``
flag: one-time codes and legal notices: licence and sanction notices, inactivity campaigns' notices);
the others are withheld, not sent. ``docs/notifications.md`` lists which.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from pishkhan.common.bulk import objects_update
from pishkhan.common.errors import ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask
from pishkhan.common.sealing import UnsealError, seal, unseal
from pishkhan.common.sms import SmsError, sms_send
from pishkhan.notifications.models import (
    Message,
    MessageStatus,
    MessageTemplate,
    OneTimeCode,
    OptOut,
)

logger = logging.getLogger(__name__)

# Messages a round of the job sends: read together, their outcomes written in one statement.
SEND_BATCH = 200
# A message refused by the provider this many times is given up (dead); the waits double from a minute.
ATTEMPTS_MAX = 8
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=2)
CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
CODE_SENDS_PER_HOUR = 5
MOBILE_KEY_SALT = "pishkhan.notifications.mobile"


def mobile_key(mobile: str) -> str:
    """The keyed hash of a (clean) mobile: matches opt-outs without keeping the number."""
    return salted_hmac(MOBILE_KEY_SALT, mobile, algorithm="sha256").hexdigest()


def message_enqueue(
    *, key: str, mobile: str, template: str, params: dict[str, Any] | None = None, language: str = "fa"
) -> bool:
    """Put one message in the outbox under its idempotency key; False when the key was there already.

    Call it inside the transaction of the change the message reports: the message exists if and only
    if the change committed. The mobile is stored sealed and erased once the message has gone.
    """
    if not key or len(key) > Message._meta.get_field("key").max_length:
        raise ValueError(f"bad message key {key!r}")
    mobile = mobile_clean(mobile)
    values = {"key": key, "template": template, "language": language if language in {"fa", "en"} else "fa"}
    with transaction.atomic():
        if Message.objects.filter(key=key).exists():
            return False
        _, created = Message.objects.get_or_create(
            key=key,
            defaults=values
            | {
                "params": {name: str(value) for name, value in (params or {}).items()},
                "mobile_sealed": seal(mobile),
                "mobile_masked": mobile_mask(mobile),
            },
        )
    return created


class _Blank(dict):
    def __missing__(self, name: str) -> str:
        return ""


def _templates(codes: set[str]) -> dict[str, dict[str, MessageTemplate]]:
    """The templates of these codes, by code and language."""
    found: dict[str, dict[str, MessageTemplate]] = {}
    for row in MessageTemplate.objects.filter(code__in=codes):
        found.setdefault(row.code, {})[row.language] = row
    return found


def _rendered(
    rows: dict[str, MessageTemplate], language: str, params: dict[str, Any]
) -> tuple[str, bool] | None:
    row = rows.get(language) or rows.get("fa") or next(iter(rows.values()), None)
    if row is None:
        return None
    return row.body.format_map(_Blank(params)), row.essential


def _claim(now: dt.datetime, limit: int | None, keys: list[str] | None = None) -> list[int]:
    """Lease up to ``limit`` due messages (or the pending ones of ``keys``, due or not) to this
    worker; their ids."""
    lease = dt.timedelta(seconds=settings.PISHKHAN_SMS_LEASE_SECONDS)
    with transaction.atomic():
        rows = Message.objects.filter(status=MessageStatus.PENDING).exclude(leased_until__gt=now)
        rows = rows.filter(key__in=keys) if keys is not None else rows.filter(due_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ordered = rows.order_by("due_at", "pk").values_list("pk", flat=True)
        ids = list(ordered[:limit] if limit is not None else ordered)
        Message.objects.filter(pk__in=ids).update(leased_until=now + lease)
    return ids


# What a settled message's row may have changed: written for a whole batch in one statement.
_SETTLED_FIELDS = (
    "status",
    "attempts",
    "text",
    "sent_at",
    "mobile_sealed",
    "last_error",
    "due_at",
    "leased_until",
)


def _outcome(
    message: Message,
    *,
    now: dt.datetime,
    rendered: tuple[str, bool] | None,
    mobile: str | None,
    opted_out: bool,
) -> str:
    """Send one leased message (its mobile unsealed, its text rendered) and set, unsaved, the fields of
    its outcome; the status it ends in."""
    message.leased_until = None
    if mobile is None:
        message.status, message.mobile_sealed, message.last_error = (
            MessageStatus.DEAD,
            "",
            "sealed mobile unreadable",
        )
        return message.status
    if rendered is None:
        message.status, message.mobile_sealed, message.last_error = MessageStatus.DEAD, "", "no such template"
        return message.status
    text, essential = rendered
    if not essential and opted_out:
        message.status, message.mobile_sealed = MessageStatus.WITHHELD, ""
        return message.status
    message.attempts += 1
    try:
        sms_send(to=mobile, text=text, key=message.key)
    except SmsError as error:
        logger.warning("message %s not sent: %s", message.key, error)
        message.last_error = str(error)[:300]
        if message.attempts >= ATTEMPTS_MAX:
            message.status, message.mobile_sealed = MessageStatus.DEAD, ""
        else:
            message.due_at = now + min(RETRY_FIRST * 2 ** (message.attempts - 1), RETRY_MAX)
        return message.status
    message.status, message.text, message.sent_at = MessageStatus.SENT, text, timezone.now()
    message.mobile_sealed, message.last_error = "", ""
    return message.status


def _send(ids: list[int], now: dt.datetime) -> int:
    """Send the leased messages of ``ids``; how many were sent.

    The batch is read in three queries (messages, templates, opt-outs) and its outcomes written in one
    statement after the provider has taken them all. A worker killed before that statement leaves the
    batch leased; it is claimed again when the lease runs out and the provider, given the same keys,
    delivers none twice (ADR 0013).
    """
    messages = list(Message.objects.filter(pk__in=ids, status=MessageStatus.PENDING).order_by("due_at", "pk"))
    if not messages:
        return 0
    templates = _templates({message.template for message in messages})
    mobiles: dict[int, str | None] = {}
    for message in messages:
        try:
            mobiles[message.pk] = unseal(message.mobile_sealed)
        except UnsealError:
            mobiles[message.pk] = None
    keys = {pk: mobile_key(mobile) for pk, mobile in mobiles.items() if mobile}
    opted = set(OptOut.objects.filter(mobile_key__in=set(keys.values())).values_list("mobile_key", flat=True))
    sent = 0
    try:
        for message in messages:
            outcome = _outcome(
                message,
                now=now,
                rendered=_rendered(templates.get(message.template, {}), message.language, message.params),
                mobile=mobiles[message.pk],
                opted_out=keys.get(message.pk) in opted,
            )
            sent += outcome == MessageStatus.SENT
    finally:
        # Also after an unexpected error part-way: what the provider took is recorded.
        done = [message for message in messages if message.leased_until is None]
        objects_update(done, _SETTLED_FIELDS)
    return sent


def messages_send_due(*, now: dt.datetime, limit: int = SEND_BATCH) -> int:
    """Send the messages due (the ``notifications.send`` job); how many were sent."""
    return _send(_claim(now, limit), now)


def messages_send_now(*, keys: list[str], now: dt.datetime | None = None) -> int:
    """Send these pending messages now, whether due or waiting for a retry (a legal notice that must
    be served before a decision); how many were sent. Claimed and keyed like the job's, so once."""
    now = now or timezone.now()
    return _send(_claim(now, None, keys), now) if keys else 0


# --- One-time codes ---------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return salted_hmac(MOBILE_KEY_SALT + ".code", code, algorithm="sha256").hexdigest()


def _subject_key(purpose: str, subject: str) -> str:
    return salted_hmac(f"{MOBILE_KEY_SALT}.subject.{purpose}", subject, algorithm="sha256").hexdigest()


def code_send(
    *, purpose: str, subject: str, mobile: str, language: str = "fa", now: dt.datetime | None = None
) -> OneTimeCode:
    """Text a one-time code to a mobile, to prove for ``purpose`` that the asker holds it; the code's row.

    ``subject`` is what the code will confirm (the mobile itself, a national ID with its mobile, a user):
    :func:`code_redeem` must be given the same. A subject is sent at most ``CODE_SENDS_PER_HOUR`` codes
    an hour for a purpose (``ValidationError`` beyond), so that nobody floods a mobile. The message is
    essential: sent even to an opted-out mobile.
    """
    now = now or timezone.now()
    mobile = mobile_clean(mobile)
    key = _subject_key(purpose, subject)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        recent = OneTimeCode.objects.filter(
            purpose=purpose, subject_key=key, created_at__gt=now - dt.timedelta(hours=1)
        ).count()
        if recent >= CODE_SENDS_PER_HOUR:
            refused = _("Too many codes were asked for. Please try again in an hour.")
            raise ValidationError(refused, fields={"mobile": refused})
        row = OneTimeCode.objects.create(
            purpose=purpose,
            subject_key=key,
            code_hash=_code_hash(code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        message_enqueue(
            key=f"code:{row.pk}", mobile=mobile, template="code", params={"code": code}, language=language
        )
    return row


def code_redeem(*, purpose: str, subject: str, code: str, now: dt.datetime | None = None) -> OneTimeCode:
    """Use the latest code texted for ``purpose`` and ``subject``; the code's row, now used.

    A wrong, used or expired code raises ``ValidationError`` (field ``code``); a code allows
    ``CODE_TRIES`` tries, counted even when refused.
    """
    now = now or timezone.now()
    refused = _("The code is wrong or has expired. Ask for a new one.")
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(
                purpose=purpose,
                subject_key=_subject_key(purpose, subject),
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        right = (
            row is not None
            and row.attempts < CODE_TRIES
            and constant_time_compare(row.code_hash, _code_hash(str(code).strip()))
        )
        if row is not None and not right:
            row.attempts += 1  # counted, and kept: the refusal below is raised after the commit
            row.save(update_fields=["attempts"])
        elif row is not None:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if not right:
        raise ValidationError(refused, fields={"code": refused})
    return row


# --- Opting out -------------------------------------------------------------------------------------


def optout_code_send(*, mobile: str, opt_in: bool = False, now: dt.datetime | None = None) -> OneTimeCode:
    """Text a one-time code to a mobile, to confirm its owner's opt-out (or return); the code's row."""
    mobile = mobile_clean(mobile)
    return code_send(purpose="optin" if opt_in else "optout", subject=mobile, mobile=mobile, now=now)


def optout_confirm(*, mobile: str, code: str, now: dt.datetime | None = None) -> bool:
    """Confirm the latest code texted to a mobile: opts it out (or in again); whether it is opted out.

    A wrong, used or expired code raises ``ValidationError``; a code allows a few tries. Of an opt-out
    and an opt-in asked for together, the later one's code counts.
    """
    now = now or timezone.now()
    mobile = mobile_clean(mobile)
    latest = (
        OneTimeCode.objects.filter(
            purpose__in=("optout", "optin"),
            subject_key__in=(_subject_key("optout", mobile), _subject_key("optin", mobile)),
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .values_list("purpose", flat=True)
        .first()
    )
    purpose = latest or "optout"
    code_redeem(purpose=purpose, subject=mobile, code=code, now=now)
    key = mobile_key(mobile)
    with transaction.atomic():
        if purpose == "optin":
            OptOut.objects.filter(mobile_key=key).delete()
        else:
            OptOut.objects.get_or_create(mobile_key=key, defaults={"created_at": now})
    return purpose == "optout"
