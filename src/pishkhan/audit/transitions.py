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
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.errors import NotFoundError
from pishkhan.common.transitions import TransitionTable

M = TypeVar("M", bound=models.Model)
Record = Literal["changes", "state"]


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
    record: Record = "changes",
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
    recorded = _recorded(fields, state, audited)
    queryset = rows if rows is not None else type(instance)._default_manager.all()
    with transaction.atomic():
        locked = queryset.select_for_update(of=("self",)).filter(pk=instance.pk).first()
        if locked is None:
            raise NotFoundError(missing)
        table.check(getattr(locked, state), to)
        if check is not None:
            check(locked)
        item = _moved(locked, to, state, fields, recorded, record, context)
        locked.save(update_fields=[state, *fields])
        audit_record(
            actor=actor,
            action=action,
            target=locked,
            before=item.before,
            after=item.after,
            reason=reason,
            basis=basis,
        )
    return locked


def transitions_apply_many(
    rows: models.QuerySet[M],
    *,
    table: TransitionTable,
    to: str,
    actor: Actor,
    action: str,
    reason: str = "",
    basis: str = "",
    fields: Mapping[str, Any] | None = None,
    state: str = "status",
    record: Record = "changes",
) -> list[M]:
    """Move every row of ``rows`` to ``to`` as :func:`transition_apply` moves one (a job's sweep).

    The rows are locked and each move checked; one refused refuses them all (nothing changes). They
    are saved in bulk with one audit entry each, under one lock of the chain's head. Returns them.
    """
    fields = dict(fields or {})
    recorded = _recorded(fields, state, None)
    with transaction.atomic():
        locked = list(rows.select_for_update(of=("self",)))
        for row in locked:
            table.check(getattr(row, state), to)
        items = [_moved(row, to, state, fields, recorded, record, None) for row in locked]
        rows.model._default_manager.bulk_update(locked, [state, *fields], batch_size=IN_BATCH)
        audit_record_many(actor=actor, action=action, items=items, reason=reason, basis=basis)
    return locked


def _recorded(fields: Mapping[str, Any], state: str, audited: Collection[str] | None) -> list[str]:
    """The fields an entry records, after checking the call: the state is the move's, not a field."""
    if state in fields:
        raise ValueError(f"the state {state!r} is set by the move, not among the fields")
    recorded = list(fields) if audited is None else list(audited)
    if not set(recorded) <= fields.keys():
        raise ValueError(f"audited fields {sorted(set(recorded) - fields.keys())} are not set by the move")
    return recorded


def _moved(
    row: M,
    to: str,
    state: str,
    fields: Mapping[str, Any],
    recorded: Collection[str],
    record: Record,
    context: Mapping[str, Any] | None,
) -> AuditItem:
    """Set the state and fields on a locked row (not saved); what its audit entry says of the move."""
    source = getattr(row, state)
    before = {state: source} | {name: getattr(row, name) for name in recorded}
    for name, value in fields.items():
        setattr(row, name, value)
    setattr(row, state, to)
    if record == "state":
        return AuditItem(target=row, before=source, after=to)
    after = {state: to} | {name: fields[name] for name in recorded} | dict(context or {})
    return AuditItem(target=row, before=before, after=after)
