"""Every write of supervision. One module per concept; import from here.

- ``alerts``: rules' alerts: the evaluator's rounds (raise or fold), acknowledge, resolve, dismiss;
  the regulator's edits of a rule
- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, answer, close with
  an outcome (and a refund order), the office's refund confirmation, and the worker's rounds (answers
  texted, escalation to the regulator, overdue refunds)
- ``inspections``: visits planned or drawn at random, carried out (results, photos, score), cancelled,
  reviewed
"""

from pishkhan.supervision.services.alerts import (
    alert_acknowledge,
    alert_dismiss,
    alert_raise,
    alert_resolve,
    alerts_evaluate,
    alerts_evaluate_periodic,
    rule_update,
)
from pishkhan.supervision.services.campaigns import (
    BASIS_DEFAULT,
    NOTICE_BATCH,
    Concluded,
    campaign_conclude,
    campaign_notices_send,
    campaign_start,
    case_appeal_decide,
    case_appeal_lodge,
)
from pishkhan.supervision.services.complaints import (
    answer_days,
    complaint_answer,
    complaint_answers_send,
    complaint_close,
    complaint_close_check,
    complaint_refund_confirm,
    complaint_refunds_flag_overdue,
    complaint_review,
    complaint_submit,
    complaints_escalate,
    refund_max,
)
from pishkhan.supervision.services.inspections import (
    Answer,
    Conducted,
    DrawResult,
    ItemDraft,
    QuotaExceededError,
    checklist_publish,
    inspection_cancel,
    inspection_conduct,
    inspection_plan,
    inspection_review,
    inspections_draw,
    photo_check,
)

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "Answer",
    "Concluded",
    "Conducted",
    "DrawResult",
    "ItemDraft",
    "QuotaExceededError",
    "alert_acknowledge",
    "alert_dismiss",
    "alert_raise",
    "alert_resolve",
    "alerts_evaluate",
    "alerts_evaluate_periodic",
    "answer_days",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "checklist_publish",
    "complaint_answer",
    "complaint_answers_send",
    "complaint_close",
    "complaint_close_check",
    "complaint_refund_confirm",
    "complaint_refunds_flag_overdue",
    "complaint_review",
    "complaint_submit",
    "complaints_escalate",
    "inspection_cancel",
    "inspection_conduct",
    "inspection_plan",
    "inspection_review",
    "inspections_draw",
    "photo_check",
    "refund_max",
    "rule_update",
]
