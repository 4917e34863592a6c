"""One audited change of state: the row locked, the move checked against its table, saved, recorded.

Every state change of every domain goes through :func:`transition_apply`, so the four steps are
written once: a reader of a service sees only what is particular to it (its own rules on the locked
row, the fields it sets, the words of its audit entry).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal, TypeVar

from django.db import models, transaction

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import NotFoundError
from pishkhan.common.transitions import TransitionTable

M = TypeVar("M", bound=models.Model)


def transition_apply(
    instance: M,
    *,
    table: TransitionTable,
    to: str,
    actor: Actor,
    action: str,
    reason: str = "",
    basis: str = "",
    fields: Mapping[str, Any] | None = None,
    state: str = "status",
    rows: models.QuerySet[M] | None = None,
    missing: str = "",
    check: Callable[[M], None] | None = None,
    record: Literal["changes", "state"] = "changes",
    audited: Collection[str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> M:
    """Move ``instance`` to the state ``to`` as ``table`` allows, and audit it; returns the row as saved.

    In one atomic block (the caller's, if it has one): the row is read again and locked
    (``select_for_update``, from ``rows`` when the service wants its relations read with it;
    ``NotFoundError(missing)`` if it is gone), the move from its stored state is checked against the
    table (``TransitionError``), then ``check(row)`` applies the service's own rules to the locked row.
    Only then are ``fields`` and the state set and saved (``update_fields``: nothing else is written),
    and one audit entry records ``action`` with ``reason`` and ``basis``. A refusal changes nothing
    and records nothing.

    The entry's ``before``/``after`` (``record="changes"``) are ``{state: …}`` and the ``fields``
    given (only ``audited`` of them, if named), with ``context`` added to ``after``; with
    ``record="state"`` they are the bare states. A service that must look at the row before the
    table does (who may act, a refusal that says more than the table) locks it itself first; this
    lock then costs one more read of the same row.
    """
    fields = dict(fields or {})
    if state in fields:
        raise ValueError(f"the state {state!r} is set by the move, not among the fields")
    recorded = list(fields) if audited is None else list(audited)
    if not set(recorded) <= fields.keys():
        raise ValueError(f"audited fields {sorted(set(recorded) - fields.keys())} are not set by the move")
    queryset = rows if rows is not None else type(instance)._default_manager.all()
    with transaction.atomic():
        locked = queryset.select_for_update(of=("self",)).filter(pk=instance.pk).first()
        if locked is None:
            raise NotFoundError(missing)
        source = getattr(locked, state)
        table.check(source, to)
        if check is not None:
            check(locked)
        before = {state: source} | {name: getattr(locked, name) for name in recorded}
        for name, value in fields.items():
            setattr(locked, name, value)
        setattr(locked, state, to)
        locked.save(update_fields=[state, *fields])
        after = {state: to} | {name: fields[name] for name in recorded} | dict(context or {})
        audit_record(
            actor=actor,
            action=action,
            target=locked,
            before=before if record == "changes" else source,
            after=after if record == "changes" else to,
            reason=reason,
            basis=basis,
        )
    return locked
