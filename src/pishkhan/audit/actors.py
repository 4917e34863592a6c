"""Who acts in a write: the one ``Actor`` type every service takes, and how rows and the log name it.

An actor is a person (a user), a caller acting through a credential (an accounts ``Principal``: a
signed-in user or an API key), a job or command that names itself (``"worker:licences_expire_due"``),
or ``None``, the system. It lives here, below accounts, so that every domain can type its services'
``actor`` without importing accounts; the audit log refers to users only through
``AUTH_USER_MODEL`` (ADR 0002).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

SYSTEM_LABEL = "system"
# The ``*_by`` columns of the domains' rows (who took, decided, closed) hold this many characters.
LABEL_MAX_LENGTH = 150


@runtime_checkable
class Acting(Protocol):
    """A caller that names itself to the audit log, and the person behind it if there is one."""

    @property
    def audit_label(self) -> str: ...

    @property
    def audit_user(self) -> AbstractBaseUser | None: ...


Actor = AbstractBaseUser | Acting | str | None


def actor_user(actor: Actor) -> AbstractBaseUser | None:
    """The person behind an actor: a user, or the user of a principal (None for the system or a key)."""
    user_model = get_user_model()
    if isinstance(actor, user_model):
        return actor
    user = getattr(actor, "audit_user", None)
    return user if isinstance(user, user_model) else None


def actor_of(actor: Actor) -> tuple[AbstractBaseUser | None, str]:
    """(the saved user to link, the label) that the audit log records for an actor.

    ``TypeError`` for anything that is not an actor (an empty label included); ``ValueError`` for a
    user not saved yet (the entry could not refer to it).
    """
    if actor is None:
        return None, SYSTEM_LABEL
    if isinstance(actor, get_user_model()):
        if actor.pk is None:
            raise ValueError("an unsaved user cannot be an audit actor")
        return actor, f"user:{actor.get_username()}"
    label = getattr(actor, "audit_label", None)
    if label is not None:
        user = actor_user(actor)
        return (user if user is not None and user.pk is not None else None), str(label)
    if isinstance(actor, str) and actor:
        return None, actor
    raise TypeError(f"cannot record {type(actor).__name__} as an audit actor")


def actor_label(actor: Actor) -> str:
    """How a row names who acted (``taken_by``, ``decided_by``): the audit log's label, cut to fit.

    The audit entry written beside the row holds the full record (the user it links to).
    """
    return actor_of(actor)[1][:LABEL_MAX_LENGTH]
