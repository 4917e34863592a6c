"""The outbox of text messages, their templates (data, Persian and English) and the opt-outs.

A message is a row written by the domain that has something to say, inside the transaction of the
change it reports (``services.message_enqueue``), under an idempotency key unique across the outbox
(``txn:<tracking code>:completed``): a second enqueue of the same key is a no-op, and the key travels
to the SMS provider, which delivers a key once (ADR 0013). The mobile is kept sealed until the message
is sent, then erased; only its masked form stays.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.notifications.segments import placeholders_of, sms_parts

LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
# A body longer than this many SMS parts (placeholders as written) is refused: each part is paid for,
# and a long text is cut by some handsets.
PARTS_MAX = 3


class MessageTemplate(models.Model):
    """The text of one kind of message in one language, with ``{placeholders}`` filled at sending."""

    code = models.CharField(_("code"), max_length=64)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fa")
    body = models.TextField(_("body"))
    placeholders = models.CharField(
        _("placeholders"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The names the body may use, comma-separated (set by the code that sends it)."),
    )
    essential = models.BooleanField(
        _("essential"),
        default=False,
        editable=False,
        help_text=_("Sent even to those who opted out: one-time codes and legal notices."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["code", "language"]
        constraints = [
            models.UniqueConstraint(fields=["code", "language"], name="notifications_template_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.language})"

    @property
    def allowed(self) -> set[str]:
        return {name.strip() for name in self.placeholders.split(",") if name.strip()}

    @property
    def parts(self) -> int:
        """SMS parts of the body as written (placeholders filled make it longer)."""
        return sms_parts(self.body)

    def clean(self) -> None:
        try:
            used = placeholders_of(self.body)
        except ValueError:
            raise DjangoValidationError(
                {"body": _("Write each placeholder as {name}, and a literal brace as {{ or }}.")}
            ) from None
        unknown = sorted(used - self.allowed)
        if unknown:
            raise DjangoValidationError(
                {
                    "body": _("Unknown placeholder(s): %(names)s. This message may use: %(allowed)s.")
                    % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(self.allowed)) or "—"}
                }
            )
        if self.parts > PARTS_MAX:
            raise DjangoValidationError(
                {
                    "body": _("This text takes %(parts)d SMS parts; at most %(max)d are allowed.")
                    % {"parts": self.parts, "max": PARTS_MAX}
                }
            )


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    WITHHELD = "withheld", _("withheld (opted out)")
    DEAD = "dead", _("dead")


class Message(models.Model):
    """One text message to one mobile, sent once (its key) by the ``notifications.send`` job."""

    key = models.CharField(_("idempotency key"), max_length=150, unique=True)
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fa")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The full mobile, sealed, until the message is sent (or given up); then "".
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True, editable=False)
    mobile_masked = models.CharField(_("mobile"), max_length=16)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    # A claim: a worker that takes the row holds it until then; one that died lets it go at that time.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    text = models.TextField(_("text sent"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="notifications_message_due"),
        ]

    def __str__(self) -> str:
        return self.key


class OptOut(models.Model):
    """A mobile whose owner asked for no more messages but the essential ones (by keyed hash only)."""

    mobile_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self) -> str:
        return self.mobile_key[:12]


class OneTimeCode(models.Model):
    """A one-time code texted to a mobile to prove that whoever asks holds it, for one purpose.

    ``purpose`` names what the code confirms (``optout``, ``optin``, a booking, a password reset, …);
    ``subject_key`` is the keyed hash of what it confirms for that purpose (the mobile, or a national
    ID with its mobile): the code and its subject are never kept in clear.
    """

    purpose = models.CharField(_("purpose"), max_length=32)
    subject_key = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["purpose", "subject_key", "created_at"], name="code_subject_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.subject_key[:12]} @ {self.created_at:%Y-%m-%d %H:%M}"
