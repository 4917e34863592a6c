"""Pages of supervision: the inactivity campaigns (``campaigns``) and citizens' complaints about
offices (``complaints``: the public form and tracking page, the supervisors' queues and pages, the
office operator's complaints and refunds)."""

from pishkhan.supervision.views.campaigns import (
    campaign_conclude,
    campaign_detail,
    campaign_list,
    campaign_start,
    candidates,
    case_detail,
)
from pishkhan.supervision.views.complaints import (
    complaint_answer,
    complaint_close,
    complaint_detail,
    complaint_list,
    complaint_new,
    complaint_review,
    complaint_sent,
    complaint_track,
    office_complaint_detail,
    office_complaints,
    office_refund_confirm,
)

__all__ = [
    "campaign_conclude",
    "campaign_detail",
    "campaign_list",
    "campaign_start",
    "candidates",
    "case_detail",
    "complaint_answer",
    "complaint_close",
    "complaint_detail",
    "complaint_list",
    "complaint_new",
    "complaint_review",
    "complaint_sent",
    "complaint_track",
    "office_complaint_detail",
    "office_complaints",
    "office_refund_confirm",
]
