"""API shapes of supervision's inactivity campaigns, citizens' complaints, the network board and
offices' scores. A holder's or a citizen's mobile leaves the server only masked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from pishkhan.common.money import Rials
from pishkhan.supervision.criteria import DEFAULT_GRACE_DAYS, DEFAULT_IDLE_DAYS, DEFAULT_NEVER_ACTIVATED_DAYS
from pishkhan.supervision.models import (
    CampaignCase,
    Complaint,
    ComplaintCategory,
    InactivityCampaign,
    OfficeScore,
)
from pishkhan.supervision.selectors import (
    CampaignReport,
    InactivityCandidate,
    ProvinceCount,
    candidates_by_province,
    office_score_trend,
    score_breakdown,
)
from pishkhan.supervision.states import (
    CaseOutcome,
    ComplaintOutcome,
    ComplaintStatus,
    Criterion,
    RefundStatus,
)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Days = Annotated[int, Field(ge=0, le=3650)]
# The months of an office's trend.
TREND_MONTHS = 12


class CriteriaIn(Schema):
    """The regulator's criteria: 0 turns one off. ``province`` (two digits) narrows to one province."""

    never_activated_days: Days = Field(
        DEFAULT_NEVER_ACTIVATED_DAYS, description="issued and never activated within this many days"
    )
    idle_days: Days = Field(DEFAULT_IDLE_DAYS, description="active but no transaction for this many days")
    province: ShortText | None = Field(None, description="province code, two digits")


class CampaignStartIn(CriteriaIn):
    """A campaign: the criteria, the grace period (0 for a demonstration) and the legal basis."""

    grace_days: Annotated[int, Field(ge=0, le=365)] = Field(
        DEFAULT_GRACE_DAYS, description="days the holders have to show activity or appeal"
    )
    basis: LongText = Field("", description="the legal basis cited (a default applies when empty)")


class CandidateOut(Schema):
    """A licence that meets a criterion, with its evidence."""

    licence: str = Field(description="licence number")
    status: str = Field(description="issued or active")
    criterion: str = Field(description="never_activated or idle")
    office: str = Field(description="office code")
    office_name: str
    province: str = Field(description="province code")
    county: str = Field(description="county code")
    issued_on: dt.date
    activated_at: dt.datetime | None
    last_transaction_at: dt.datetime | None
    last_heartbeat_at: dt.datetime | None
    days_idle: int

    @staticmethod
    def of(candidate: InactivityCandidate) -> CandidateOut:
        return CandidateOut(
            licence=candidate.number,
            status=candidate.status,
            criterion=candidate.criterion,
            office=candidate.office_code,
            office_name=candidate.office_name,
            province=candidate.province_code,
            county=candidate.county_code,
            issued_on=candidate.issued_on,
            activated_at=candidate.activated_at,
            last_transaction_at=candidate.last_transaction_at,
            last_heartbeat_at=candidate.last_heartbeat_at,
            days_idle=candidate.days_idle,
        )


class ProvinceCountOut(Schema):
    """One province's count: by criterion (candidates) or by outcome (a campaign's report)."""

    province: str = Field(description="province code")
    name_fa: str
    name_en: str
    total: int
    counts: dict[str, int]

    @staticmethod
    def of(row: ProvinceCount) -> ProvinceCountOut:
        return ProvinceCountOut(
            province=row.province_code,
            name_fa=row.province_name_fa,
            name_en=row.province_name_en,
            total=row.total,
            counts=dict(sorted(row.counts.items())),
        )


class CandidatesOut(Schema):
    """The dry run: every candidate in your jurisdiction, and the counts per province and criterion."""

    as_of: dt.datetime
    never_activated_days: int
    idle_days: int
    total: int
    provinces: list[ProvinceCountOut]
    candidates: list[CandidateOut]

    @staticmethod
    def of(
        candidates: list[InactivityCandidate], *, never_activated_days: int, idle_days: int, now: dt.datetime
    ) -> CandidatesOut:
        return CandidatesOut(
            as_of=now,
            never_activated_days=never_activated_days,
            idle_days=idle_days,
            total=len(candidates),
            provinces=[ProvinceCountOut.of(row) for row in candidates_by_province(candidates)],
            candidates=[CandidateOut.of(candidate) for candidate in candidates],
        )


class ReportOut(Schema):
    """A campaign's outcome per province: revoked, kept for activity, kept on appeal, ended, pending."""

    total: int
    outcomes: dict[str, int] = Field(description=", ".join(CaseOutcome.values))
    provinces: list[ProvinceCountOut]

    @staticmethod
    def of(report: CampaignReport) -> ReportOut:
        return ReportOut(
            total=report.total,
            outcomes={outcome: report.count(outcome) for outcome in CaseOutcome.values},
            provinces=[ProvinceCountOut.of(row) for row in report.provinces],
        )


class CampaignOut(Schema):
    """An inactivity campaign, its criteria and grace period, and its report within your jurisdiction."""

    number: str = Field(description="IC-<Jalali year>-<sequence>")
    status: str = Field(description="noticed (the grace period runs, cases are concluded) or closed")
    never_activated_days: int
    idle_days: int
    province: str | None = Field(description="the province it was limited to, if any")
    grace_days: int
    basis: str
    started_at: dt.datetime
    started_by: str
    respond_by: dt.datetime = Field(description="when the grace period ends")
    closed_at: dt.datetime | None
    report: ReportOut

    @staticmethod
    def of(campaign: InactivityCampaign, report: CampaignReport) -> CampaignOut:
        return CampaignOut(
            number=campaign.number,
            status=campaign.status,
            never_activated_days=campaign.never_activated_days,
            idle_days=campaign.idle_days,
            province=campaign.province.code if campaign.province_id else None,
            grace_days=campaign.grace_days,
            basis=campaign.basis,
            started_at=campaign.started_at,
            started_by=campaign.started_by,
            respond_by=campaign.respond_by,
            closed_at=campaign.closed_at,
            report=ReportOut.of(report),
        )


class CampaignSummaryOut(Schema):
    """A campaign in a list."""

    number: str
    status: str
    province: str | None
    grace_days: int
    started_at: dt.datetime
    respond_by: dt.datetime
    closed_at: dt.datetime | None
    cases: int = Field(description="cases nationwide")

    @staticmethod
    def of(campaign: InactivityCampaign) -> CampaignSummaryOut:
        return CampaignSummaryOut(
            number=campaign.number,
            status=campaign.status,
            province=campaign.province.code if campaign.province_id else None,
            grace_days=campaign.grace_days,
            started_at=campaign.started_at,
            respond_by=campaign.respond_by,
            closed_at=campaign.closed_at,
            cases=getattr(campaign, "case_count", 0),
        )


class CaseOut(Schema):
    """One licence's case: the evidence frozen at the start, its notice, its proceeding and outcome."""

    id: int
    licence: str
    office: str
    province: str
    county: str
    criterion: str = Field(description=", ".join(Criterion.values))
    licence_status: str = Field(description="the licence's state when the campaign started")
    issued_on: dt.date
    activated_at: dt.datetime | None
    last_transaction_at: dt.datetime | None
    last_heartbeat_at: dt.datetime | None
    days_idle: int
    notice_sent_at: dt.datetime | None
    notice_to: str = Field(description="the mobile the SMS went to, masked; empty when served in-app only")
    proceeding_status: str
    respond_by: dt.datetime
    appeal_lodged_at: dt.datetime | None
    appeal_accepted: bool | None
    outcome: str = Field(description=", ".join(CaseOutcome.values))
    outcome_at: dt.datetime | None
    outcome_note: str

    @staticmethod
    def resolve_id(case: CampaignCase) -> int:
        return case.pk

    @staticmethod
    def resolve_licence(case: CampaignCase) -> str:
        return case.licence.number

    @staticmethod
    def resolve_office(case: CampaignCase) -> str:
        return case.office.code

    @staticmethod
    def resolve_province(case: CampaignCase) -> str:
        return case.province.code

    @staticmethod
    def resolve_county(case: CampaignCase) -> str:
        return case.county.code

    @staticmethod
    def resolve_proceeding_status(case: CampaignCase) -> str:
        return case.proceeding.status

    @staticmethod
    def resolve_respond_by(case: CampaignCase) -> dt.datetime:
        return case.proceeding.respond_by

    @staticmethod
    def resolve_appeal_lodged_at(case: CampaignCase) -> dt.datetime | None:
        return case.proceeding.appeal_lodged_at

    @staticmethod
    def resolve_appeal_accepted(case: CampaignCase) -> bool | None:
        return case.proceeding.appeal_accepted


class CaseListIn(Schema):
    outcome: ShortText | None = Field(None, description=", ".join(CaseOutcome.values))
    province: ShortText | None = Field(None, description="province code, two digits")


class AppealDecideIn(Schema):
    """The regulator's decision on a holder's appeal, with its reason."""

    accepted: bool
    reason: LongText


class AppealLodgeIn(Schema):
    """The holder's appeal: why the licence should be kept."""

    statement: LongText


# --- Complaints -----------------------------------------------------------------------------------


class ComplaintIn(Schema):
    """A citizen's complaint: the office's code (as on its licence), the category, what happened, and
    a mobile for the reply (optional; kept masked, sealed and keyed, never in clear)."""

    office: ShortText = Field(description="office code, e.g. P23-0001")
    category: ShortText = Field(description=", ".join(ComplaintCategory.values))
    description: Annotated[str, StringConstraints(max_length=4000)]
    mobile: ShortText = Field("", description="the citizen's mobile for the answer, optional")


class ComplaintCreatedOut(Schema):
    """The number the citizen keeps, the state, and when the directorate's answer is due."""

    number: str
    status: str
    answer_due_at: dt.datetime


class ComplaintListIn(Schema):
    status: ShortText | None = Field(None, description=", ".join(ComplaintStatus.values))
    category: ShortText | None = Field(None, description=", ".join(ComplaintCategory.values))
    office: ShortText | None = Field(None, description="office code")
    escalated: bool | None = Field(None, description="escalated to the regulator (or not)")
    overdue: bool | None = Field(None, description="answer or refund past its due time (or not)")
    refund: ShortText | None = Field(None, description=", ".join(RefundStatus.values))


class ComplaintOut(Schema):
    """A complaint as supervisors (and, about their own office, its operator) see it. The mobile is
    masked, and shown to supervisors only."""

    number: str
    office: str
    province: str
    category: str
    description: str
    mobile_masked: str
    status: str
    created_at: dt.datetime
    answer_due_at: dt.datetime
    escalated_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    answer: str
    answered_at: dt.datetime | None
    answer_sms_sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str
    outcome: str
    refund_status: str
    refund_amount: int | None
    refund_due_at: dt.datetime | None
    refund_overdue_at: dt.datetime | None
    refund_confirmed_at: dt.datetime | None
    refund_reference: str

    @staticmethod
    def resolve_office(complaint: Complaint) -> str:
        return complaint.office.code

    @staticmethod
    def resolve_province(complaint: Complaint) -> str:
        return complaint.office.province.code

    @staticmethod
    def resolve_mobile_masked(complaint: Complaint, context: dict) -> str:
        principal = getattr(context.get("request"), "auth", None) if context else None
        scope = getattr(principal, "scope", {}) or {}
        return "" if "office" in scope else complaint.mobile_masked


class TimelineEntryOut(Schema):
    """One audited step of a complaint."""

    action: str
    at: dt.datetime
    actor: str = Field(alias="actor_label")
    reason: str


class ComplaintDetailOut(ComplaintOut):
    timeline: list[TimelineEntryOut]


class ComplaintAnswerIn(Schema):
    answer: Annotated[str, StringConstraints(max_length=4000)]


class ComplaintCloseIn(Schema):
    """The outcome (required), the reason, and for an overcharge upheld in whole or part the refund the
    office must make, in rials."""

    outcome: ShortText = Field(description=", ".join(ComplaintOutcome.values))
    reason: LongText
    refund_amount: Rials | None = Field(None, description="rials; required on an upheld overcharge")


class RefundConfirmIn(Schema):
    reference: Annotated[str, StringConstraints(max_length=200)] = Field(
        description="the refund's receipt or transfer reference"
    )


class ComplaintTrackIn(Schema):
    """The mobile given with the complaint (optional): with it, the whole story; without it (or with
    another), the state only. In the body, never in a URL."""

    mobile: ShortText = ""


class TrackedStepOut(Schema):
    step: str
    at: dt.datetime


class ComplaintTrackOut(Schema):
    """What the citizen sees: always the state; with the right mobile (``full``), the rest."""

    number: str
    status: str
    received_at: dt.datetime
    answer_due_at: dt.datetime
    escalated: bool
    full: bool
    office: str = Field("", alias="office_code")
    office_name: str
    category: str
    answer: str
    answered_at: dt.datetime | None
    outcome: str
    close_reason: str
    closed_at: dt.datetime | None
    refund_status: str
    refund_amount: int | None
    refund_confirmed_at: dt.datetime | None
    steps: list[TrackedStepOut]


# --- The network board ----------------------------------------------------------------------------


class LivenessIn(Schema):
    """Filters of the offices' liveness list."""

    province: ShortText | None = Field(None, description="province code, two digits")
    state: ShortText | None = Field(None, description="online, quiet, offline or closed")


class TerminalOut(Schema):
    """A terminal of an office as its heartbeats of the last day tell it."""

    terminal_id: str
    software_version: str
    first_at: dt.datetime
    last_at: dt.datetime
    beats: int


class OfficeLivenessOut(Schema):
    """An office's liveness now: its state, when it was last heard from, since when it is silent in its
    opening hours (when open and not online), and its terminals."""

    code: str
    name: str
    province: str
    county: str
    state: str
    last_seen_at: dt.datetime | None
    silent_since: dt.datetime | None
    software_version: str = Field(description="of the terminal last heard from; blank if never")
    terminals: list[TerminalOut] = Field(description="terminals heard in the last 24 hours")


class StateCountsOut(Schema):
    """How many offices of a province are in each state now."""

    province: str
    name_fa: str
    name_en: str
    online: int
    quiet: int
    offline: int
    closed: int
    total: int


class NetworkSummaryOut(Schema):
    """The network now: counts per province and in all, with the thresholds that decide the states."""

    as_of: dt.datetime
    quiet_minutes: int
    offline_minutes: int
    total: StateCountsOut
    provinces: list[StateCountsOut]


# --- Office scores --------------------------------------------------------------------------------


class ScoreListIn(Schema):
    """Which scores: a Jalali month (``1405-09``; by default the latest scored) and a province."""

    month: ShortText | None = Field(None, description="Jalali month, as 1405-09 (default: the latest scored)")
    province: ShortText | None = Field(None, description="province code, two digits")


class ScoreComponentOut(Schema):
    """One component of a score: its figure and what it cost, or why it did not count."""

    component: str = Field(
        description="complaints_upheld, inspections, alerts, availability, overcharges, ratings"
    )
    status: str = Field(description="scored, no_data, not_registered (not measured yet) or off (weight 0)")
    weight: int = Field(description="the weight set by the regulator")
    figure: float | None = Field(description="the month's figure: a count, a share (0–1), a score or stars")
    points: float | None = Field(description="its points out of 100")
    share: float = Field(description="its part of the score, in percent, once left-out weights are shared")
    lost: float = Field(description="the points of the score it cost")


class OfficeScoreOut(Schema):
    """An office's score for a Jalali month, its rank in its province and what lowered it."""

    office: str = Field(description="office code")
    office_name: str
    province: str = Field(description="province code")
    county: str = Field(description="county code")
    month: str = Field(description="Jalali month, as 1405-09")
    score: float = Field(description="0 to 100")
    rank: int = Field(description="in the province, best first; equal scores share a rank")
    final: bool = Field(description="false while the month is open (recomputed daily)")
    computed_at: dt.datetime
    components: list[ScoreComponentOut]

    @staticmethod
    def resolve_office(score: OfficeScore) -> str:
        return score.office.code

    @staticmethod
    def resolve_office_name(score: OfficeScore) -> str:
        return score.office.name

    @staticmethod
    def resolve_province(score: OfficeScore) -> str:
        return score.province.code

    @staticmethod
    def resolve_county(score: OfficeScore) -> str:
        return score.county.code

    @staticmethod
    def resolve_month(score: OfficeScore) -> str:
        return f"{score.year:04d}-{score.month:02d}"

    @staticmethod
    def resolve_components(score: OfficeScore) -> list[dict]:
        return [
            {
                "component": line.component,
                "status": line.status,
                "weight": line.weight,
                "figure": line.figure,
                "points": line.points,
                "share": line.share,
                "lost": line.lost,
            }
            for line in score_breakdown(score)
        ]


class OfficeScoreTrendOut(Schema):
    """One month of an office's trend."""

    month: str
    score: float
    rank: int
    final: bool

    @staticmethod
    def resolve_month(score: OfficeScore) -> str:
        return f"{score.year:04d}-{score.month:02d}"


class OfficeScoreDetailOut(OfficeScoreOut):
    """An office's score for a month, and its last twelve months (oldest first)."""

    trend: list[OfficeScoreTrendOut]

    @staticmethod
    def resolve_trend(score: OfficeScore) -> list[OfficeScore]:
        return office_score_trend(office_id=score.office_id, months=TREND_MONTHS)
