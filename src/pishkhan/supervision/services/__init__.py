"""Every write of supervision. One module per concept; import from here.

- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, close
- ``scores``: offices' monthly scores: the regulator's weights, the month's computation in bulk
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
from pishkhan.supervision.services.complaints import complaint_close, complaint_review, complaint_submit
from pishkhan.supervision.services.scores import (
    ScoresComputed,
    score_rules,
    score_weights_set,
    scores_compute,
    scores_compute_due,
)

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "Concluded",
    "ScoresComputed",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "complaint_close",
    "complaint_review",
    "complaint_submit",
    "score_rules",
    "score_weights_set",
    "scores_compute",
    "scores_compute_due",
]
