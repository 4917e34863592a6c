"""The audit log: append-only, hash-chained entries of domain events, and the head of the chain."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.audit.chain import GENESIS_HASH, timestamp_text
from pishkhan.common.bulk import insert_objects


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    """Entries can be read and added, never changed or removed in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        """Refuse: audit entries are never changed."""
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> NoReturn:
        """Refuse: audit entries are never removed."""
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: every entry must go through ``audit_record`` (or ``audit_record_many``) to be chained."""
        raise AppendOnlyError("audit entries are added by audit_record() / audit_record_many()")

    def append_chained(self, entries: list[AuditEntry]) -> None:
        """Insert entries that ``audit_record_many`` has already chained, under its lock of the head."""
        insert_objects(self.model, entries)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: audit entries are never changed."""
        raise AppendOnlyError("audit entries cannot be updated")


class AuditEntry(models.Model):
    """One domain event: who did what to which thing, when, the state before and after, and why.

    ``hash`` covers ``prev_hash`` and every other field (see ``pishkhan.audit.chain``), so an entry
    edited in the database no longer matches its hash. ``seq`` is assigned by ``audit_record`` as the
    head's last seq + 1, so the sequence has no holes unless a row was deleted.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"), db_index=True)
    # PROTECT: a user who acted can be deactivated, never deleted, or the log would lose who it was
    # (and the SET NULL would itself break the chain).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    basis = models.TextField(_("legal basis"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # The id of the audit key whose HMAC ``hash`` is (``chain.key_id``); empty on entries written before
    # the chain was keyed, whose hash is a plain sha256 until ``pishkhan audit_rekey`` signs them.
    key_id = models.CharField(_("key id"), max_length=8, blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new entry; refuse to overwrite an existing one."""
        if not self._state.adding:
            raise AppendOnlyError(f"audit entry #{self.seq} cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: audit entries are never removed."""
        raise AppendOnlyError(f"audit entry #{self.seq} cannot be deleted")

    def hashed_fields(self) -> dict[str, Any]:
        """The fields the hash covers, in their canonical form (the key's id too, once keyed)."""
        fields = {
            "seq": self.seq,
            "at": timestamp_text(self.at),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "basis": self.basis,
        }
        if self.key_id:
            fields["key_id"] = self.key_id
        return fields


class AuditHead(models.Model):
    """The single row naming the chain's last entry, updated in the same transaction as each append.

    Without it, deleting the newest entries would leave a shorter chain that still verifies. It is
    also the lock that serialises appends on PostgreSQL (``SELECT ... FOR UPDATE``).
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    last_seq = models.BigIntegerField(_("last seq"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit head")
        verbose_name_plural = _("audit head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head at #{self.last_seq}"
