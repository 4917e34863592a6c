"""Every write of supervision. One module per concept; import from here.

- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, answer, close with
  an outcome (and a refund order), the office's refund confirmation, and the worker's rounds (answers
  texted, escalation to the regulator, overdue refunds)
"""

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

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "Concluded",
    "answer_days",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "complaint_answer",
    "complaint_answers_send",
    "complaint_close",
    "complaint_close_check",
    "complaint_refund_confirm",
    "complaint_refunds_flag_overdue",
    "complaint_review",
    "complaint_submit",
    "complaints_escalate",
    "refund_max",
]
