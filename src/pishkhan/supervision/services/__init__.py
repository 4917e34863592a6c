"""Every write of supervision. One module per concept; import from here.

- ``campaigns``: inactivity campaigns: start (cases and notices), SMS notices, conclusion, appeals
  (ADR 0008)
- ``complaints``: citizens' complaints about offices: receive, take under review, close
- ``sanctions``: sanction cases with due process: open (notice), SMS notices, answer, hearing,
  minutes, decision on the fine table's ladder, appeal, appeal decision, enforcement, close (ADR 0010)
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
from pishkhan.supervision.services.sanctions import (
    SOURCE_GROUNDS,
    Proposal,
    fine_rule_set,
    ground_for_source,
    offence_rank,
    remedy_hours,
    sanction_answer,
    sanction_appeal_decide,
    sanction_appeal_lodge,
    sanction_close,
    sanction_decide,
    sanction_enforce,
    sanction_hearing_schedule,
    sanction_minutes_record,
    sanction_notices_send,
    sanction_open,
    sanction_proposal,
    source_clean,
)

__all__ = [
    "BASIS_DEFAULT",
    "NOTICE_BATCH",
    "SOURCE_GROUNDS",
    "Concluded",
    "Proposal",
    "campaign_conclude",
    "campaign_notices_send",
    "campaign_start",
    "case_appeal_decide",
    "case_appeal_lodge",
    "complaint_close",
    "complaint_review",
    "complaint_submit",
    "fine_rule_set",
    "ground_for_source",
    "offence_rank",
    "remedy_hours",
    "sanction_answer",
    "sanction_appeal_decide",
    "sanction_appeal_lodge",
    "sanction_close",
    "sanction_decide",
    "sanction_enforce",
    "sanction_hearing_schedule",
    "sanction_minutes_record",
    "sanction_notices_send",
    "sanction_open",
    "sanction_proposal",
    "source_clean",
]
