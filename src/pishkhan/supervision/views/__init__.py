"""Pages of supervision: the inactivity campaigns (``campaigns``) and citizens' complaints about
offices (``complaints``: the public form and the supervisors' pages), sanction cases (``sanctions``)."""

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
from pishkhan.supervision.views.sanctions import (
    my_case,
    my_case_step,
    my_cases,
    sanction_detail,
    sanction_list,
    sanction_new,
    sanction_step,
)

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
    "my_case",
    "my_case_step",
    "my_cases",
    "sanction_detail",
    "sanction_list",
    "sanction_new",
    "sanction_step",
]
