"""Pages of supervision: the inactivity campaigns (``campaigns``) and citizens' complaints about
offices (``complaints``: the public form and the supervisors' pages)."""

from pishkhan.supervision.views.board import board, board_live, board_office
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

__all__ = [
    "board",
    "board_live",
    "board_office",
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
]
