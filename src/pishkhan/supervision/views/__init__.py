"""Pages of supervision, one module per concept: rules and alerts (``alerts``), the inactivity
campaigns (``campaigns``), citizens' complaints about offices (``complaints``: the public form and the
supervisors' pages), inspections of offices (``inspections``: planning, the random draw, the
inspector's form, photos)."""

from pishkhan.supervision.views.alerts import (
    alert_acknowledge,
    alert_detail,
    alert_dismiss,
    alert_list,
    alert_resolve,
    rule_list,
    rule_update,
)
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
from pishkhan.supervision.views.inspections import (
    inspection_cancel,
    inspection_conduct,
    inspection_detail,
    inspection_draw,
    inspection_list,
    inspection_photo,
    inspection_plan,
    inspection_review,
)

__all__ = [
    "alert_acknowledge",
    "alert_detail",
    "alert_dismiss",
    "alert_list",
    "alert_resolve",
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
    "inspection_cancel",
    "inspection_conduct",
    "inspection_detail",
    "inspection_draw",
    "inspection_list",
    "inspection_photo",
    "inspection_plan",
    "inspection_review",
    "rule_list",
    "rule_update",
]
