"""Supervision's tables: inactivity campaigns and their cases, citizens' complaints, and the rest of
online supervision, one module per concept.

A campaign freezes the candidates of its criteria into cases, each with the evidence seen at that
moment and the licensing ``Proceeding`` that served the holder's notice. Rows are written only by
``services``; licences and proceedings change only through licensing's services (ADR 0008). No full
mobile number is stored here: a case keeps the masked number its SMS went to; a complaint keeps its
citizen's number masked and sealed (``common.sealing``), never in clear. Inspections keep the
checklist version they were done with, and their photos outside anything served.

Every model is imported here, where Django and the rest of the code find it.
"""

from pishkhan.supervision.models.alerts import EVIDENCE_CAP, RULE_TITLES, Alert, AlertCursor, Rule
from pishkhan.supervision.models.campaigns import (
    CAMPAIGN_NUMBER_LENGTH,
    CAMPAIGN_NUMBER_PATTERN,
    CampaignCase,
    InactivityCampaign,
)
from pishkhan.supervision.models.complaints import (
    COMPLAINT_NUMBER_LENGTH,
    COMPLAINT_NUMBER_PATTERN,
    COMPLAINT_TEXT_MAX,
    MOBILE_KEY_LENGTH,
    REFERENCE_MAX,
    Complaint,
    ComplaintCategory,
)
from pishkhan.supervision.models.inspections import (
    ChecklistItem,
    ChecklistVersion,
    Inspection,
    InspectionDraw,
    InspectionPhoto,
    InspectionResult,
    ItemOutcome,
    PlannedHow,
)
from pishkhan.supervision.models.sanctions import (
    SANCTION_NUMBER_LENGTH,
    SANCTION_NUMBER_PATTERN,
    SOURCE_PATTERN,
    FineRule,
    SanctionCase,
    SanctionGround,
)
from pishkhan.supervision.models.scores import (
    SCORE_MAX,
    OfficeScore,
    ScoreComponent,
    ScoreMethod,
    ScoreMonth,
    ScoreWeight,
)

__all__ = [
    "CAMPAIGN_NUMBER_LENGTH",
    "CAMPAIGN_NUMBER_PATTERN",
    "COMPLAINT_NUMBER_LENGTH",
    "COMPLAINT_NUMBER_PATTERN",
    "COMPLAINT_TEXT_MAX",
    "EVIDENCE_CAP",
    "MOBILE_KEY_LENGTH",
    "REFERENCE_MAX",
    "RULE_TITLES",
    "SANCTION_NUMBER_LENGTH",
    "SANCTION_NUMBER_PATTERN",
    "SCORE_MAX",
    "SOURCE_PATTERN",
    "Alert",
    "AlertCursor",
    "CampaignCase",
    "ChecklistItem",
    "ChecklistVersion",
    "Complaint",
    "ComplaintCategory",
    "FineRule",
    "InactivityCampaign",
    "Inspection",
    "InspectionDraw",
    "InspectionPhoto",
    "InspectionResult",
    "ItemOutcome",
    "OfficeScore",
    "PlannedHow",
    "Rule",
    "SanctionCase",
    "SanctionGround",
    "ScoreComponent",
    "ScoreMethod",
    "ScoreMonth",
    "ScoreWeight",
]
