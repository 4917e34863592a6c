"""Writes of supervision's alerts and rules: raising (or folding) an alert, the evaluator's rounds,
acknowledging, resolving, dismissing, and the regulator's edits of a rule.

Raising is the evaluators' (``supervision.evaluators``) findings turned into rows: the same finding as
a live alert (same rule, office and dedupe key, open or acknowledged) folds into it, its count and
last-seen moved and its evidence appended up to ``EVIDENCE_CAP``, never a second row (a partial
unique constraint; two writers racing to create it end with one row and one fold). The near-real-time
round reads the counter's new transactions after its cursor, evaluates the per-transaction rules on
the whole batch, raises its alerts and moves the cursor in one database transaction: a failure leaves
the cursor where it was, and the batch is read again. It never writes the counter's tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.cursors import pending_after
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.licensing.services import text_clean
from pishkhan.offices.models import Office
from pishkhan.supervision import evaluators
from pishkhan.supervision.evaluators import Batch, Finding
from pishkhan.supervision.models import EVIDENCE_CAP, Alert, AlertCursor, Rule
from pishkhan.supervision.rulebook import THRESHOLDS, Threshold, thresholds_clean
from pishkhan.supervision.states import ALERT_LIVE_STATES, ALERT_TRANSITIONS, AlertStatus, Severity
from pishkhan.transactions.selectors import (
    transaction_first_id_received_since,
    transaction_last_id,
    transactions_supervised_after,
    transactions_supervised_by_ids,
)

ACTOR = "worker:supervision_alerts"
CURSOR = "counter"
# Transactions one round reads; the worker runs the job again at once while it finds work.
BATCH = 2000
# On a fresh database the evaluator starts this far back from the newest transaction (the last day,
# at most this many rows), never at the start of a history of millions.
LOOKBACK = dt.timedelta(hours=24)
LOOKBACK_ROWS = 50_000


def _province_ids(office_ids: Iterable[int]) -> dict[int, int]:
    return dict(Office.objects.filter(pk__in=set(office_ids)).values_list("pk", "province_id"))


def _fold(alert: Alert, finding: Finding, seen: dt.datetime) -> Alert:
    codes = alert.tracking_codes
    room = EVIDENCE_CAP - len(codes)
    if room > 0:
        known = set(codes)
        codes += [code for code in finding.tracking_codes if code not in known][:room]
    evidence = {"transactions": codes, "figures": finding.figures or alert.figures}
    Alert.objects.filter(pk=alert.pk).update(
        count=F("count") + max(1, finding.count), last_seen=max(alert.last_seen, seen), evidence=evidence
    )
    alert.refresh_from_db()
    return alert


def alert_raise(
    *, rule: Rule, finding: Finding, province_id: int | None = None, now: dt.datetime | None = None
) -> Alert:
    """Raise the finding's alert, or fold it into the live alert of the same rule, office and key;
    returns the alert. A raise is audited (a fold is not: its count says it)."""
    now = now or timezone.now()
    seen = finding.seen_at or now
    if province_id is None:
        province_id = _province_ids([finding.office_id]).get(finding.office_id)
        if province_id is None:
            raise NotFoundError(_("No office has this id."))
    live = Alert.objects.select_for_update().filter(
        rule=rule, office_id=finding.office_id, dedupe_key=finding.dedupe_key, status__in=ALERT_LIVE_STATES
    )
    with transaction.atomic():
        for _attempt in range(3):
            alert = live.first()
            if alert is not None:
                return _fold(alert, finding, seen)
            try:
                with transaction.atomic():  # a savepoint: a concurrent raise of the same finding wins
                    alert = Alert.objects.create(
                        rule=rule,
                        office_id=finding.office_id,
                        province_id=province_id,
                        severity=rule.severity,
                        dedupe_key=finding.dedupe_key,
                        evidence={
                            "transactions": list(dict.fromkeys(finding.tracking_codes))[:EVIDENCE_CAP],
                            "figures": finding.figures,
                        },
                        count=max(1, finding.count),
                        first_seen=seen,
                        last_seen=seen,
                    )
                    audit_record(
                        actor=ACTOR,
                        action="alert.raise",
                        target=alert,
                        after={"rule": rule.code, "office": finding.office_id, "key": finding.dedupe_key},
                    )
                return alert
            except IntegrityError:
                continue  # the other writer's alert is committed now: fold into it
    raise ConflictError(_("The alert changed while it was being raised; try again."))


def _raise_all(rule: Rule, findings: list[Finding], provinces: Mapping[int, int], now: dt.datetime) -> int:
    raised = 0
    for finding in findings:
        province_id = provinces.get(finding.office_id)
        if province_id is None:
            continue  # an office gone since (offices are never deleted; defensive)
        alert_raise(rule=rule, finding=finding, province_id=province_id, now=now)
        raised += 1
    return raised


def _cursor(now: dt.datetime) -> AlertCursor | None:
    """The evaluator's cursor, locked; made on the first round with transactions, a bounded look-back
    before the newest one. None while the counter has none."""
    cursor = AlertCursor.objects.select_for_update().filter(name=CURSOR).first()
    if cursor is not None:
        return cursor
    last = transaction_last_id()
    if not last:
        return None
    recent = transaction_first_id_received_since(since=now - LOOKBACK)
    start = max(last - LOOKBACK_ROWS, (recent - 1) if recent is not None else last, 0)
    try:
        with transaction.atomic():
            AlertCursor.objects.create(name=CURSOR, last_id=start, updated_at=now)
    except IntegrityError:
        pass  # another worker made it meanwhile
    return AlertCursor.objects.select_for_update().get(name=CURSOR)


def alerts_evaluate(*, now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """One round of the near-real-time evaluator: the transactions received after the cursor (and any
    it skipped that have committed since), the enabled per-transaction rules on the whole batch, their
    alerts raised or folded, the cursor moved, all in one database transaction. How many transactions
    were read."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor = _cursor(now)
        if cursor is None:
            return 0
        rows = transactions_supervised_after(after_id=cursor.last_id, limit=limit)
        awaited = [pk for pk, _since in cursor.pending]
        late = transactions_supervised_by_ids(ids=awaited) if awaited else []
        if not rows and not late and not awaited:
            return 0
        batch_rows = late + rows
        if batch_rows:
            batch = Batch.of(batch_rows)
            provinces = {pk: office.province_id for pk, office in batch.offices.items()}
            for rule in Rule.objects.filter(enabled=True, code__in=list(evaluators.TRANSACTION_EVALUATORS)):
                findings = evaluators.TRANSACTION_EVALUATORS[rule.code](rule, batch)
                _raise_all(rule, findings, provinces, now)
        cursor.pending = pending_after(
            last_id=cursor.last_id,
            pending=cursor.pending,
            read_ids=[row["id"] for row in rows],
            found_late={row["id"] for row in late},
            now=now,
        )
        if rows:
            cursor.last_id = rows[-1]["id"]
        cursor.updated_at = now
        cursor.save(update_fields=["last_id", "pending", "updated_at"])
    return len(batch_rows)


def alerts_evaluate_periodic(*, now: dt.datetime | None = None) -> int:
    """One round of the periodic rules (abnormal volume, offices offline in their hours):
    each enabled rule with a periodic evaluator; how many alerts were raised or folded."""
    now = now or timezone.now()
    raised = 0
    for rule in Rule.objects.filter(enabled=True, code__in=list(evaluators.PERIODIC_EVALUATORS)):
        findings = evaluators.PERIODIC_EVALUATORS[rule.code](rule, now=now)
        if not findings:
            continue
        with transaction.atomic():
            raised += _raise_all(rule, findings, _province_ids(f.office_id for f in findings), now)
    return raised


# --- Handling an alert ------------------------------------------------------------------------------


def _move(alert: Alert, target: str, *, actor: Actor, action: str, reason: str = "", **fields: Any) -> Alert:
    return transition_apply(
        alert,
        table=ALERT_TRANSITIONS,
        to=target,
        rows=Alert.objects.select_related("rule", "office", "province"),
        fields=fields,
        record="state",
        actor=actor,
        action=action,
        reason=reason,
    )


def alert_acknowledge(*, alert: Alert, actor: Actor) -> Alert:
    """Someone is on it: an open alert becomes acknowledged (``TransitionError`` otherwise); repeats
    still fold into it."""
    return _move(
        alert,
        AlertStatus.ACKNOWLEDGED,
        actor=actor,
        action="alert.acknowledge",
        acknowledged_at=timezone.now(),
        acknowledged_by=actor_label(actor),
    )


def alert_resolve(*, alert: Alert, note: str, actor: Actor) -> Alert:
    """Resolve a live alert with a note (required): what was found and done."""
    note = text_clean(note, "note", required=True)
    return _move(
        alert,
        AlertStatus.RESOLVED,
        actor=actor,
        action="alert.resolve",
        reason=note,
        close_note=note,
        closed_at=timezone.now(),
        closed_by=actor_label(actor),
    )


def alert_dismiss(*, alert: Alert, reason: str, actor: Actor) -> Alert:
    """Dismiss a live alert with the reason (required) it is not a problem: a false alarm. A dismissed
    alert does not count in the office's score."""
    reason = text_clean(reason, "reason", required=True)
    return _move(
        alert,
        AlertStatus.DISMISSED,
        actor=actor,
        action="alert.dismiss",
        reason=reason,
        close_note=reason,
        closed_at=timezone.now(),
        closed_by=actor_label(actor),
    )


# --- Rules ------------------------------------------------------------------------------------------


def _threshold_message(kind: str, spec: Threshold | None) -> str:
    if kind == "unknown" or spec is None:
        return _("This rule has no such threshold.")
    if kind == "not_a_number":
        return _("Give a number.")
    if kind == "not_an_integer":
        return _("Give a whole number.")
    return _("Give a number from %(minimum)s to %(maximum)s.") % {
        "minimum": spec.minimum,
        "maximum": spec.maximum,
    }


def rule_update(
    *,
    code: str,
    actor: Actor,
    enabled: bool | None = None,
    severity: str | None = None,
    thresholds: Mapping[str, Any] | None = None,
) -> Rule:
    """Change a rule: enabled, severity, some of its thresholds (the rest kept). Every value is checked
    first (``ValidationError`` naming each bad field, ``thresholds.<name>`` for a threshold out of its
    range); nothing is stored unless all are good. Audited with the values before and after."""
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFoundError(_("No rule has the code %(code)s.") % {"code": code})
        problems: dict[str, str] = {}
        if enabled is not None and not isinstance(enabled, bool):
            problems["enabled"] = _("Say yes or no.")
        if severity is not None and severity not in Severity.values:
            problems["severity"] = _("Choose a severity.")
        if thresholds is not None and not isinstance(thresholds, Mapping):
            problems["thresholds"] = _("Give the thresholds by name.")
            thresholds = None
        cleaned, threshold_problems = thresholds_clean(rule.code, thresholds or {}, current=rule.thresholds)
        for field, kind in threshold_problems.items():
            spec = THRESHOLDS.get(rule.code, {}).get(field.split(".", 1)[1])
            problems[field] = _threshold_message(kind, spec)
        if problems:
            raise ValidationError(_("Some values are not valid."), fields=problems)
        before = {"enabled": rule.enabled, "severity": rule.severity, "thresholds": rule.thresholds}
        if enabled is not None:
            rule.enabled = enabled
        if severity is not None:
            rule.severity = severity
        rule.thresholds = cleaned
        rule.updated_at = timezone.now()
        rule.updated_by = actor_label(actor)
        rule.save(update_fields=["enabled", "severity", "thresholds", "updated_at", "updated_by"])
        after = {"enabled": rule.enabled, "severity": rule.severity, "thresholds": rule.thresholds}
        audit_record(actor=actor, action="rule.update", target=rule, before=before, after=after)
    return rule
