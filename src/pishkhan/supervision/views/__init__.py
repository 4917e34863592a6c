"""Pages of supervision: the inactivity campaigns (``campaigns``) and citizens' complaints about
offices (``complaints``: the public form and the supervisors' pages), and offices' monthly scores
(``scores``)."""

from pishkhan.supervision.views.campaigns import (
    campaign_conclude,
    campaign_detail,
    campaign_list,
    campaign_start,
    candidates,
    case_detail,
)
from pishkhan.supervision.views.complaints import (
    complaint_close,
    complaint_detail,
    complaint_list,
    complaint_new,
    complaint_review,
    complaint_sent,
)
from pishkhan.supervision.views.scores import score_list, score_office, score_weights

__all__ = [
    "campaign_conclude",
    "campaign_detail",
    "campaign_list",
    "campaign_start",
    "candidates",
    "case_detail",
    "complaint_close",
    "complaint_detail",
    "complaint_list",
    "complaint_new",
    "complaint_review",
    "complaint_sent",
    "score_list",
    "score_office",
    "score_weights",
]
