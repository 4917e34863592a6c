"""Every write of supervision. One module per concept; import from here.

- ``alerts``: rules' alerts: the evaluator's rounds (raise or fold), acknowledge, resolve, dismiss;
  the regulator's edits of a rule
- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, close
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
from pishkhan.supervision.services.complaints import complaint_close, complaint_review, complaint_submit

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "Concluded",
    "alert_acknowledge",
    "alert_dismiss",
    "alert_raise",
    "alert_resolve",
    "alerts_evaluate",
    "alerts_evaluate_periodic",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "complaint_close",
    "complaint_review",
    "complaint_submit",
    "rule_update",
]
