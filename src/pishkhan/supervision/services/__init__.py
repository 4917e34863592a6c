"""Every write of supervision. One module per concept; import from here.

- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, close
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

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "Concluded",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "complaint_close",
    "complaint_review",
    "complaint_submit",
]
