"""The outbox's reads: whether a message has gone (a legal notice counts as served only then)."""

from __future__ import annotations

from pishkhan.notifications.models import Message, MessageStatus


def message_sent(*, key: str) -> bool:
    """Whether the message under this key has been handed to the provider."""
    return Message.objects.filter(key=key, status=MessageStatus.SENT).exists()
