"""Reads of supervision: licences that look inactive (with their evidence), campaigns, cases, reports.

A reader's reach is a ``scope`` made by :func:`supervision_scope`: ``{}`` (national), ``{"province":
"23"}`` (a directorate, an inspector), and for the holders' side ``{"office": "P23-0001"}`` or
``{"applicant": "<user id>"}`` (only the cases of their own licence). One object outside the scope
is a ``NotFoundError``.

The candidates query reads the last transaction of each licensed office along the counter's index
(office, received_at descending): one index probe per licence, not a scan of the transactions table
(``benchmarks/bench_inactive_candidates.py`` measures it on 13,000 offices and millions of rows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.accounts.roles import JurisdictionKind, Role
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.licensing.models import LICENSED_KINDS, Licence, Proceeding
from pishkhan.licensing.states import OPEN_PROCEEDING_STATES, LicenceStatus
from pishkhan.supervision import scoring
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.mobile_keys import mobile_key_matches
from pishkhan.supervision.models import (
    CAMPAIGN_NUMBER_PATTERN,
    COMPLAINT_NUMBER_PATTERN,
    SANCTION_NUMBER_PATTERN,
    Alert,
    CampaignCase,
    ChecklistVersion,
    Complaint,
    ComplaintCategory,
    FineRule,
    InactivityCampaign,
    Inspection,
    InspectionPhoto,
    OfficeScore,
    PlannedHow,
    Rule,
    SanctionCase,
    SanctionGround,
    ScoreComponent,
    ScoreMonth,
)
from pishkhan.supervision.rulebook import RULE_CODES
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.supervision.states import (
    ALERT_LIVE_STATES,
    COMPLAINT_AWAITING_ANSWER,
    OPEN_SANCTION_STATES,
    AlertStatus,
    CampaignStatus,
    CaseOutcome,
    ComplaintOutcome,
    ComplaintStatus,
    Criterion,
    InspectionStatus,
    RefundStatus,
    SanctionStatus,
    Severity,
)
from pishkhan.transactions.selectors import (
    office_last_received_expression,
    transaction_list_for_office_since,
    transaction_records_start,
)

Scope = dict[str, str]

_CAMPAIGN_NUMBER = re.compile(CAMPAIGN_NUMBER_PATTERN)
_COMPLAINT_NUMBER = re.compile(COMPLAINT_NUMBER_PATTERN)
_CASE_SCOPES = {
    "province": "province__code",
    "office": "office__code",
    "applicant": "licence__applicant_user_id",
}
# Complaints are a supervisor's to read (a province's, or the country's) and an office operator's
# about their own office; a licence holder's scope (applicant) reaches none.
_COMPLAINT_SCOPES = {"province": "office__province__code", "office": "office__code"}


def supervision_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read campaigns' cases, as selector filters; None where nowhere.

    Supervisors (``supervision.view``) read within their jurisdiction; an office's operator or a
    licence holder (``supervision.respond``) only the cases of their own office or licence.
    """
    if principal is None:
        return None
    if has_perm(principal, "supervision.view"):
        scope = principal.scope
        return scope if set(scope) <= {"province"} else None
    if has_perm(principal, "supervision.respond"):
        if "office" in principal.scope:
            return principal.scope
        if principal.user is not None:
            return {"applicant": str(principal.user.pk)}
    return None


def _scoped(queryset: QuerySet, scope: Scope | None, lookups: dict[str, str]) -> QuerySet:
    if scope is None:
        return queryset.none()
    for kind, code in scope.items():
        lookup = lookups.get(kind)
        if lookup is None:
            return queryset.none()  # deny by default: a jurisdiction we do not know reaches nothing
        queryset = queryset.filter(**{lookup: code})
    return queryset


def _by_choice(
    queryset: QuerySet, field: str, value: str, choices: type, unknown: str, *, name: str = ""
) -> QuerySet:
    """``queryset`` narrowed to rows whose ``field`` is ``value``, one of ``choices``' values; an
    unknown value is a ``ValidationError`` on the filter ``name`` (``field`` unless given)."""
    if value not in choices.values:
        raise ValidationError(unknown, fields={name or field: unknown})
    return queryset.filter(**{field: value})


def _office_code(text: str) -> str:
    """An office code as typed in a filter (Persian digits, lower case, spaces) as stored: P23-0001."""
    return to_latin_digits(text.strip()).upper()


# --- Candidates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InactivityCandidate:
    """A licence that meets a criterion, with the evidence a regulator would cite."""

    licence_id: int
    number: str
    status: str
    office_id: int
    office_code: str
    office_name: str
    province_id: int
    province_code: str
    province_name_fa: str
    province_name_en: str
    county_id: int
    county_code: str
    county_name_fa: str
    county_name_en: str
    issued_on: dt.date
    activated_at: dt.datetime | None
    last_transaction_at: dt.datetime | None
    last_heartbeat_at: dt.datetime | None
    days_idle: int
    criterion: str

    @property
    def criterion_label(self) -> str:
        """The criterion's name, translated."""
        return str(Criterion(self.criterion).label)

    @property
    def status_label(self) -> str:
        """The licence's state, translated."""
        return str(LicenceStatus(self.status).label)


@dataclass
class ProvinceCount:
    """How many candidates a province has, by criterion (or, for a campaign, by outcome)."""

    province_code: str
    province_name_fa: str
    province_name_en: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All of the province's candidates or cases."""
        return sum(self.counts.values())

    def count(self, key: str) -> int:
        """The count under one criterion or outcome (0 if none)."""
        return self.counts.get(key, 0)

    @property
    def never_activated(self) -> int:
        return self.count(Criterion.NEVER_ACTIVATED)

    @property
    def idle(self) -> int:
        return self.count(Criterion.IDLE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TEHRAN)


def inactive_licence_candidates(
    *, criteria: InactivityCriteria, scope: Scope | None, now: dt.datetime | None = None
) -> list[InactivityCandidate]:
    """Licences that meet the criteria today, in scope, by province then office code, with their evidence.

    (a) issued, not activated, and issued at least ``never_activated_days`` days ago; (b) active for
    more than ``idle_days`` days and no transaction received in them (idle since its last
    transaction, or since its activation if that came later). The counter's records must reach back
    over the whole period: an office cannot be shown idle for 180 days by records that began a week
    ago, so (b) finds nobody until the counter's first transaction is that old, and the days idle
    count at most from then. Suspended licences are not candidates
    (they cannot transact), nor are licences already under an open proceeding. The last heartbeat
    (``OfficeLiveness``) is shown as evidence; it does not decide.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    conditions = Q()
    if criteria.never_activated_days:
        issued_by = today - dt.timedelta(days=criteria.never_activated_days)
        conditions |= Q(status=LicenceStatus.ISSUED, issued_on__lte=issued_by)
    records_start = transaction_records_start() if criteria.idle_days else None
    idle_since = _day_start(today - dt.timedelta(days=criteria.idle_days))
    if records_start is not None and records_start <= idle_since:
        # Active for longer than the period, and no transaction since its start: one index probe
        # (office, received_at >= start) per active licence. The last transaction itself is read
        # only for the licences found (the evidence), not for every licence in force.
        recent = transaction_list_for_office_since(office_id=OuterRef("office_id"), since=idle_since)
        conditions |= Q(status=LicenceStatus.ACTIVE, activated_at__lt=idle_since) & ~Exists(recent)
    if not conditions:
        return []
    licences = _scoped(
        Licence.objects.filter(
            kind__in=LICENSED_KINDS, status__in=[LicenceStatus.ISSUED, LicenceStatus.ACTIVE]
        ),
        scope,
        {"province": "office__province__code"},
    )
    if criteria.province:
        licences = licences.filter(office__province__code=criteria.province)
    rows = (
        licences.filter(conditions)
        .annotate(last_transaction_at=office_last_received_expression(office_id=OuterRef("office_id")))
        .exclude(
            Exists(Proceeding.objects.filter(licence_id=OuterRef("pk"), status__in=OPEN_PROCEEDING_STATES))
        )
        .values(
            "pk",
            "number",
            "status",
            "office_id",
            "issued_on",
            "activated_at",
            "last_transaction_at",
            office_code=F("office__code"),
            office_name=F("office__name"),
            province_id=F("office__province_id"),
            province_code=F("office__province__code"),
            province_name_fa=F("office__province__name_fa"),
            province_name_en=F("office__province__name_en"),
            county_id=F("office__county_id"),
            county_code=F("office__county__code"),
            county_name_fa=F("office__county__name_fa"),
            county_name_en=F("office__county__name_en"),
            last_heartbeat_at=F("office__liveness__last_seen_at"),
        )
        .order_by("office__province__code", "office__code")
    )
    candidates = []
    for row in rows:
        if row["status"] == LicenceStatus.ISSUED:
            criterion, since = Criterion.NEVER_ACTIVATED, row["issued_on"]
        else:
            criterion = Criterion.IDLE
            moments = [row["activated_at"], row["last_transaction_at"], records_start]
            since = timezone.localdate(max(moment for moment in moments if moment is not None))
        candidates.append(
            InactivityCandidate(
                licence_id=row.pop("pk"),
                criterion=criterion,
                days_idle=max(0, (today - since).days),
                **row,
            )
        )
    return candidates


def candidates_by_province(candidates: Iterable[InactivityCandidate]) -> list[ProvinceCount]:
    """The candidates counted per province and criterion, in the order of the provinces' codes."""
    provinces: dict[str, ProvinceCount] = {}
    for candidate in candidates:
        row = provinces.setdefault(
            candidate.province_code,
            ProvinceCount(candidate.province_code, candidate.province_name_fa, candidate.province_name_en),
        )
        row.counts[candidate.criterion] = row.counts.get(candidate.criterion, 0) + 1
    return [provinces[code] for code in sorted(provinces)]


# --- Campaigns ------------------------------------------------------------------------------------


def campaign_list() -> QuerySet[InactivityCampaign]:
    """Every campaign, newest first, with its province and the number of its cases.

    Campaigns are the regulator's public acts: who may list them is the entry point's question; the
    cases and reports are what a scope narrows.
    """
    return (
        InactivityCampaign.objects.select_related("province")
        .defer("province__boundary")
        .annotate(case_count=Count("cases"))
        .order_by("-started_at", "-id")
    )


def campaign_get(*, number: str) -> InactivityCampaign:
    """The campaign with this number (``IC-1405-001``); ``NotFoundError`` otherwise."""
    text = to_latin_digits(str(number or "").strip()).upper()
    if not _CAMPAIGN_NUMBER.match(text):
        message = _("A campaign number looks like IC-1405-001.")
        raise ValidationError(message, fields={"number": message})
    found = campaign_list().filter(number=text).first()
    if found is None:
        raise NotFoundError(_("No campaign has the number %(number)s.") % {"number": text})
    return found


def campaign_open() -> InactivityCampaign | None:
    """The campaign still open (there is at most one), or None."""
    return campaign_list().filter(status=CampaignStatus.NOTICED).first()


def _cases() -> QuerySet[CampaignCase]:
    return CampaignCase.objects.select_related(
        "campaign", "licence", "proceeding", "office", "province", "county"
    ).defer(
        "province__boundary",
        "county__boundary",
        "office__search_key",
        "office__opening_hours",
    )


def case_list(
    *,
    campaign: InactivityCampaign,
    scope: Scope | None,
    outcome: str | None = None,
    province: str | None = None,
) -> QuerySet[CampaignCase]:
    """A campaign's cases in scope, by province then office code, filtered by outcome and province."""
    cases = _scoped(_cases().filter(campaign=campaign), scope, _CASE_SCOPES)
    if outcome:
        cases = _by_choice(cases, "outcome", outcome, CaseOutcome, _("Unknown outcome."))
    if province:
        code = to_latin_digits(province.strip())
        if len(code) != 2 or not code.isdigit():
            message = _("A province code is two digits.")
            raise ValidationError(message, fields={"province": message})
        cases = cases.filter(province__code=code)
    return cases.order_by("province__code", "office__code", "id")


def case_get(*, campaign: InactivityCampaign, pk: int, scope: Scope | None) -> CampaignCase:
    """One case of a campaign, if in scope; ``NotFoundError`` otherwise."""
    found = _scoped(_cases().filter(campaign=campaign, pk=pk), scope, _CASE_SCOPES).first()
    if found is None:
        raise NotFoundError(_("No such case in this campaign."))
    return found


@dataclass
class CampaignReport:
    """A campaign's outcome as the regulator would announce it: counts per province and outcome."""

    provinces: list[ProvinceCount]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        """Every case counted."""
        return sum(self.totals.values())

    def count(self, outcome: str) -> int:
        """All provinces' cases with this outcome."""
        return self.totals.get(outcome, 0)

    @property
    def revoked(self) -> int:
        return self.count(CaseOutcome.REVOKED)

    @property
    def kept_activity(self) -> int:
        return self.count(CaseOutcome.KEPT_ACTIVITY)

    @property
    def kept_appeal(self) -> int:
        return self.count(CaseOutcome.KEPT_APPEAL)

    @property
    def ended(self) -> int:
        return self.count(CaseOutcome.ENDED)

    @property
    def pending(self) -> int:
        return self.count(CaseOutcome.PENDING)


def campaign_report(*, campaign: InactivityCampaign, scope: Scope | None) -> CampaignReport:
    """The campaign's cases in scope counted per province and outcome (one grouped query)."""
    rows = (
        _scoped(CampaignCase.objects.filter(campaign=campaign), scope, _CASE_SCOPES)
        .values("province__code", "province__name_fa", "province__name_en", "outcome")
        .annotate(n=Count("id"))
        .order_by("province__code", "outcome")
    )
    provinces: dict[str, ProvinceCount] = {}
    totals: dict[str, int] = {}
    for row in rows:
        code = row["province__code"]
        province = provinces.setdefault(
            code, ProvinceCount(code, row["province__name_fa"], row["province__name_en"])
        )
        province.counts[row["outcome"]] = row["n"]
        totals[row["outcome"]] = totals.get(row["outcome"], 0) + row["n"]
    return CampaignReport(provinces=[provinces[code] for code in sorted(provinces)], totals=totals)


# --- Complaints -----------------------------------------------------------------------------------


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("office", "office__province").only(
        *(f.name for f in Complaint._meta.concrete_fields if f.name != "mobile_sealed"),
        "office__code",
        "office__name",
        "office__province__code",
        "office__province__name_fa",
        "office__province__name_en",
    )


def complaint_list(
    *,
    scope: Scope | None,
    status: str | None = None,
    category: str | None = None,
    office: str | None = None,
    escalated: bool | None = None,
    overdue: bool | None = None,
    refund: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Complaint]:
    """Complaints in scope, newest first; the sealed mobile not read. Filters: state, category, office
    code, escalated to the regulator or not, overdue or not (an answer past its deadline, or a refund
    the office has not confirmed in time), refund state (``none``/``ordered``/``confirmed``)."""
    complaints = _scoped(_complaints(), scope, _COMPLAINT_SCOPES)
    if status:
        complaints = _by_choice(complaints, "status", status, ComplaintStatus, _("Unknown state."))
    if category:
        complaints = _by_choice(complaints, "category", category, ComplaintCategory, _("Unknown category."))
    if office:
        complaints = complaints.filter(office__code=_office_code(office))
    if escalated is not None:
        complaints = complaints.filter(escalated_at__isnull=not escalated)
    if overdue is not None:
        late = complaint_overdue_q(now or timezone.now())
        complaints = complaints.filter(late) if overdue else complaints.exclude(late)
    if refund:
        complaints = _by_choice(
            complaints, "refund_status", refund, RefundStatus, _("Unknown refund state."), name="refund"
        )
    return complaints.order_by("-created_at", "-id")


def complaint_overdue_q(now: dt.datetime) -> Q:
    """Complaints overdue at ``now``: unanswered past the answer deadline (escalated or about to be),
    or a refund ordered and not confirmed past its due time (flagged by the worker or about to be)."""
    return Q(status__in=COMPLAINT_AWAITING_ANSWER) & (
        Q(answer_due_at__lte=now) | Q(escalated_at__isnull=False)
    ) | Q(refund_status=RefundStatus.ORDERED) & (
        Q(refund_due_at__lte=now) | Q(refund_overdue_at__isnull=False)
    )


def complaint_get(*, number: str, scope: Scope | None) -> Complaint:
    """The complaint with this number (``C-23-1405-00007``) if in scope; ``NotFoundError`` otherwise."""
    text = to_latin_digits(str(number or "").strip()).upper()
    if not _COMPLAINT_NUMBER.match(text):
        message = _("A complaint number looks like C-23-1405-00007.")
        raise ValidationError(message, fields={"number": message})
    found = _scoped(_complaints().filter(number=text), scope, _COMPLAINT_SCOPES).first()
    if found is None:
        raise NotFoundError(_("No complaint has the number %(number)s.") % {"number": text})
    return found


# --- Inspections ----------------------------------------------------------------------------------

# An inspection's reach: a province's (directorate, regulator narrowed) or an inspector's own visits.
_INSPECTION_SCOPES = {"province": "province__code", "inspector": "inspector_id"}


def inspection_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read inspections, as selector filters; None where nowhere.

    The regulator (``supervision.inspections``, national) reads every visit and a directorate its
    province's; an inspector (``supervision.inspect``) only the visits assigned to them, and of a
    province inspector only in that province.
    """
    if principal is None:
        return None
    if has_perm(principal, "supervision.inspections"):
        scope = principal.scope
        return scope if set(scope) <= {"province"} else None
    if has_perm(principal, "supervision.inspect") and principal.user is not None:
        scope = principal.scope
        if not set(scope) <= {"province"}:
            return None
        return {**scope, "inspector": str(principal.user.pk)}
    return None


def checklist_current() -> ChecklistVersion:
    """The newest published checklist version, its items prefetched in their order."""
    version = ChecklistVersion.objects.prefetch_related("items").order_by("-number").first()
    if version is None:
        raise NotFoundError(_("No inspection checklist has been published."))
    return version


def _inspections() -> QuerySet[Inspection]:
    return Inspection.objects.select_related(
        "office", "office__province", "province", "inspector", "checklist", "draw"
    )


def inspection_list(
    *,
    scope: Scope | None,
    status: str | None = None,
    planned_how: str | None = None,
    office: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Inspection]:
    """Inspections in scope, the latest planned date first, filtered by state, how they were planned,
    office code and planned dates (``start`` to ``end``, both included)."""
    inspections = _scoped(_inspections(), scope, _INSPECTION_SCOPES)
    if status:
        inspections = _by_choice(inspections, "status", status, InspectionStatus, _("Unknown state."))
    if planned_how:
        inspections = _by_choice(
            inspections, "planned_how", planned_how, PlannedHow, _("Unknown way of planning.")
        )
    if office:
        inspections = inspections.filter(office__code=_office_code(office))
    if start:
        inspections = inspections.filter(planned_for__gte=start)
    if end:
        inspections = inspections.filter(planned_for__lte=end)
    return inspections.order_by("-planned_for", "-id")


def inspection_get(*, pk: int, scope: Scope | None) -> Inspection:
    """One inspection if in scope, with its results and photos; ``NotFoundError`` otherwise."""
    found = (
        _scoped(_inspections().filter(pk=pk), scope, _INSPECTION_SCOPES)
        .prefetch_related("results", "results__item", "photos", "checklist__items")
        .first()
    )
    if found is None:
        raise NotFoundError(_("No such inspection."))
    return found


def inspection_photo_get(*, inspection: Inspection, photo_id: int) -> InspectionPhoto:
    """One photo of an inspection; ``NotFoundError`` for another's or a missing one."""
    photo = InspectionPhoto.objects.filter(inspection=inspection, pk=photo_id).select_related("item").first()
    if photo is None:
        raise NotFoundError(_("No such photo."))
    return photo


def inspectors_of_province(*, province: str) -> QuerySet[User]:
    """Active users with the inspector role who may inspect in this province (its own, or national)."""
    return (
        User.objects.filter(is_active=True, role=Role.INSPECTOR)
        .filter(
            Q(jurisdiction_kind=JurisdictionKind.PROVINCE, jurisdiction_code=province)
            | Q(jurisdiction_kind=JurisdictionKind.NATIONAL)
        )
        .order_by("username", "id")
    )


def offices_with_open_complaints(*, province: str | None = None) -> set[int]:
    """Ids of the offices with a complaint not yet closed (of one province, if named): risky for the
    random draw of inspections."""
    complaints = Complaint.objects.exclude(status=ComplaintStatus.CLOSED)
    if province:
        complaints = complaints.filter(office__province__code=province)
    return set(complaints.values_list("office_id", flat=True).distinct())


def inspections_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Per office id, the mean score (0–100) of its inspections submitted in ``[start, end)``
    (reviewed ones included; a visit with nothing applicable has no score and is left out)."""
    rows = (
        Inspection.objects.filter(
            status__in=[InspectionStatus.SUBMITTED, InspectionStatus.REVIEWED],
            submitted_at__gte=start,
            submitted_at__lt=end,
            score__isnull=False,
        )
        .values("office_id")
        .annotate(mean=Avg("score"))
    )
    return {row["office_id"]: float(row["mean"]) for row in rows}


# --- Rules and alerts -----------------------------------------------------------------------------
# Alerts are routed to the office's province: a directorate (and an inspector) reads its province's,
# the regulator all; an office's operator or a licence holder none. Acting on one needs
# ``supervision.alerts`` in its province (the entry points check it).

_ALERT_SCOPES = {"province": "province__code"}


def alert_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read alerts, as selector filters (``{}`` national, ``{"province": "23"}``);
    None where nowhere."""
    if principal is None or not has_perm(principal, "supervision.view"):
        return None
    scope = principal.scope
    return scope if set(scope) <= {"province"} else None


def _alerts() -> QuerySet[Alert]:
    return Alert.objects.select_related("rule", "office", "province")


def alert_list(
    *,
    scope: Scope | None,
    office: str | None = None,
    province: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    status: str | None = None,
) -> QuerySet[Alert]:
    """Alerts in scope, the latest seen first, filtered by office code, province code, rule code,
    severity and state; a malformed filter is a ``ValidationError`` naming it."""
    alerts = _scoped(_alerts(), scope, _ALERT_SCOPES)
    problems: dict[str, str] = {}
    if office:
        code = _office_code(office)
        if not re.fullmatch(r"[A-Z][0-9]{2}-[0-9]{4}", code):
            problems["office"] = _("An office code looks like P23-0001.")
        alerts = alerts.filter(office__code=code)
    if province:
        code = to_latin_digits(province.strip())
        if not re.fullmatch(r"[0-9]{2}", code):
            problems["province"] = _("A province code has two digits.")
        alerts = alerts.filter(province__code=code)
    if rule:
        if rule not in RULE_CODES:
            problems["rule"] = _("Unknown rule.")
        alerts = alerts.filter(rule__code=rule)
    if severity:
        if severity not in Severity.values:
            problems["severity"] = _("Unknown severity.")
        alerts = alerts.filter(severity=severity)
    if status:
        if status not in AlertStatus.values:
            problems["status"] = _("Unknown state.")
        alerts = alerts.filter(status=status)
    if problems:
        raise ValidationError(next(iter(problems.values())), fields=problems)
    return alerts.order_by("-last_seen", "-id")


def alert_get(*, pk: int, scope: Scope | None) -> Alert:
    """The alert with this id if in scope; ``NotFoundError`` otherwise (outside one's reach too)."""
    found = _scoped(_alerts().filter(pk=pk), scope, _ALERT_SCOPES).first()
    if found is None:
        raise NotFoundError(_("No alert has the number %(number)s.") % {"number": pk})
    return found


def rule_list() -> QuerySet[Rule]:
    """Every rule, by code."""
    return Rule.objects.order_by("code")


def rule_get(*, code: str) -> Rule:
    """The rule with this code; ``NotFoundError`` when none."""
    found = Rule.objects.filter(code=str(code or "").strip()).first()
    if found is None:
        raise NotFoundError(_("No rule has the code %(code)s.") % {"code": code})
    return found


def alerts_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Per office, the alerts first raised in [start, end) by severity, dismissed ones left out (a
    false alarm lowers no score): ``{office_id: {"critical": 2, "warning": 1}}``. One query."""
    rows = (
        Alert.objects.filter(first_seen__gte=start, first_seen__lt=end)
        .exclude(status=AlertStatus.DISMISSED)
        .values("office_id", "severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["office_id"], {})[row["severity"]] = row["n"]
    return found


def offices_with_open_alerts(*, province: str | None = None) -> set[int]:
    """The ids of the offices with a live alert (open or acknowledged), of one province (its code) or
    all: the inspections' random draw favours them."""
    alerts = Alert.objects.filter(status__in=ALERT_LIVE_STATES)
    if province:
        alerts = alerts.filter(province__code=province)
    return set(alerts.values_list("office_id", flat=True).distinct())


def complaint_timeline(*, complaint: Complaint) -> QuerySet[AuditEntry]:
    """The complaint's history, oldest first: exactly its audit entries, so a page and the log agree."""
    return audit_entry_list_for_target(target=complaint)


# What the citizen's tracking page calls each step of the history (the audit's actions).
COMPLAINT_PUBLIC_STEPS = {
    "complaint.submit": "received",
    "complaint.review": "under_review",
    "complaint.escalate": "escalated",
    "complaint.answer": "answered",
    "complaint.answer_texted": "answer_texted",
    "complaint.close": "closed",
    "complaint.refund_order": "refund_ordered",
    "complaint.refund_confirm": "refund_confirmed",
}


@dataclass(frozen=True)
class TrackedStep:
    """One step of a complaint's history as its citizen sees it: what happened and when (not who)."""

    step: str
    at: dt.datetime


@dataclass(frozen=True)
class TrackedComplaint:
    """What the public tracking page shows. With the number alone (or a mobile that is not the one
    given): the state only. With the number and the mobile given: the whole story (``full``)."""

    number: str
    status: str
    received_at: dt.datetime
    answer_due_at: dt.datetime
    escalated: bool
    full: bool
    office_code: str = ""
    office_name: str = ""
    category: str = ""
    answer: str = ""
    answered_at: dt.datetime | None = None
    outcome: str = ""
    close_reason: str = ""
    closed_at: dt.datetime | None = None
    refund_status: str = ""
    refund_amount: int | None = None
    refund_confirmed_at: dt.datetime | None = None
    steps: list[TrackedStep] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(ComplaintStatus(self.status).label)

    @property
    def category_label(self) -> str:
        return str(ComplaintCategory(self.category).label) if self.category else ""

    @property
    def outcome_label(self) -> str:
        return str(ComplaintOutcome(self.outcome).label) if self.outcome else ""

    @property
    def refund_label(self) -> str:
        return str(RefundStatus(self.refund_status).label) if self.refund_status else ""


def complaint_track(*, number: str, mobile: str = "") -> TrackedComplaint:
    """A complaint as its citizen tracks it: the state for the number alone; the history, the answer
    and the outcome when ``mobile`` (clean, ``09…``) is the one given with it (compared by its keyed
    hash). A wrong mobile gets exactly what the number alone gets. ``ValidationError`` for a malformed
    number, ``NotFoundError`` for an unknown one."""
    text = to_latin_digits(str(number or "").strip()).upper()
    if not _COMPLAINT_NUMBER.match(text):
        message = _("A complaint number looks like C-23-1405-00007.")
        raise ValidationError(message, fields={"number": message})
    complaint = Complaint.objects.select_related("office").filter(number=text).first()
    if complaint is None:
        raise NotFoundError(_("No complaint has the number %(number)s.") % {"number": text})
    state = {
        "number": complaint.number,
        "status": complaint.status,
        "received_at": complaint.created_at,
        "answer_due_at": complaint.answer_due_at,
        "escalated": complaint.escalated_at is not None,
    }
    if not mobile_key_matches(complaint.mobile_key, mobile):
        return TrackedComplaint(**state, full=False)
    steps = [
        TrackedStep(step=COMPLAINT_PUBLIC_STEPS[entry.action], at=entry.at)
        for entry in complaint_timeline(complaint=complaint).only("action", "at")
        if entry.action in COMPLAINT_PUBLIC_STEPS
    ]
    return TrackedComplaint(
        **state,
        full=True,
        office_code=complaint.office.code,
        office_name=complaint.office.name,
        category=complaint.category,
        answer=complaint.answer,
        answered_at=complaint.answered_at,
        outcome=complaint.outcome,
        close_reason=complaint.close_reason,
        closed_at=complaint.closed_at,
        refund_status=complaint.refund_status,
        refund_amount=complaint.refund_amount,
        refund_confirmed_at=complaint.refund_confirmed_at,
        steps=steps,
    )


def complaints_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Per office (by id), what its complaints weigh in its score for ``[start, end)``: complaints
    closed in the period by outcome (``upheld``, ``partly_upheld``, ``not_upheld``), and refunds of
    overcharges ordered in the period (``refunds_ordered``, their total ``refund_rials``). Offices
    without any are absent; every key is present for an office listed."""
    scores: dict[int, dict[str, int]] = {}

    def row(office_id: int) -> dict[str, int]:
        return scores.setdefault(
            office_id,
            {**dict.fromkeys(ComplaintOutcome.values, 0), "refunds_ordered": 0, "refund_rials": 0},
        )

    closed = (
        Complaint.objects.filter(closed_at__gte=start, closed_at__lt=end, outcome__in=ComplaintOutcome.values)
        .values("office_id", "outcome")
        .annotate(n=Count("id"))
    )
    for item in closed:
        row(item["office_id"])[item["outcome"]] = item["n"]
    refunds = (
        Complaint.objects.filter(refund_ordered_at__gte=start, refund_ordered_at__lt=end)
        .exclude(refund_status=RefundStatus.NONE)
        .values("office_id")
        .annotate(n=Count("id"), rials=Sum("refund_amount"))
    )
    for item in refunds:
        office = row(item["office_id"])
        office["refunds_ordered"] = item["n"]
        office["refund_rials"] = int(item["rials"] or 0)
    return scores


# --- Sanctions ------------------------------------------------------------------------------------

_SANCTION_NUMBER = re.compile(SANCTION_NUMBER_PATTERN)
# A supervisor reads a province's cases; a holder their office's or their licence's (ADR 0010).
_SANCTION_SCOPES = _CASE_SCOPES


def _sanctions() -> QuerySet[SanctionCase]:
    return SanctionCase.objects.select_related("office", "licence", "province", "proceeding").defer(
        "province__boundary", "office__search_key", "office__opening_hours"
    )


def sanction_list(
    *,
    scope: Scope | None,
    status: str | None = None,
    ground: str | None = None,
    office: str | None = None,
    open_only: bool = False,
) -> QuerySet[SanctionCase]:
    """Sanction cases in scope, newest first, filtered by state, ground and office code."""
    cases = _scoped(_sanctions(), scope, _SANCTION_SCOPES)
    if status:
        cases = _by_choice(cases, "status", status, SanctionStatus, _("Unknown state."))
    if ground:
        cases = _by_choice(cases, "ground", ground, SanctionGround, _("Unknown ground."))
    if office:
        cases = cases.filter(office__code=_office_code(office))
    if open_only:
        cases = cases.filter(status__in=OPEN_SANCTION_STATES)
    return cases.order_by("-opened_at", "-id")


def sanction_get(*, number: str, scope: Scope | None) -> SanctionCase:
    """The sanction case with this number (``S-23-1405-00007``) if in scope; ``NotFoundError`` otherwise."""
    text = to_latin_digits(str(number or "").strip()).upper()
    if not _SANCTION_NUMBER.match(text):
        message = _("A sanction case number looks like S-23-1405-00007.")
        raise ValidationError(message, fields={"number": message})
    found = _scoped(_sanctions().filter(number=text), scope, _SANCTION_SCOPES).first()
    if found is None:
        raise NotFoundError(_("No sanction case has the number %(number)s.") % {"number": text})
    return found


def sanction_timeline(*, case: SanctionCase) -> QuerySet[AuditEntry]:
    """A case's steps, oldest first: its audit entries (each with its reason and legal basis)."""
    return audit_entry_list_for_target(target=case)


def fine_table() -> QuerySet[FineRule]:
    """The regulation's fine table, by ground and offence."""
    return FineRule.objects.order_by("ground", "offence")


# --- Office scores --------------------------------------------------------------------------------

# Scores are read by supervisors of a province or the country, and by an office's operator (its own).
_SCORE_SCOPES = {"province": "province__code", "office": "office__code"}


def score_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read offices' scores (``supervision.scores``), as selector filters; None
    where nowhere. An office's operator reads only their office's."""
    if principal is None or not has_perm(principal, "supervision.scores"):
        return None
    scope = principal.scope
    return scope if set(scope) <= {"province", "office"} else None


def score_months() -> QuerySet[ScoreMonth]:
    """The months whose scores were computed, latest first."""
    return ScoreMonth.objects.order_by("-year", "-month")


def score_month_latest() -> JalaliMonth | None:
    """The latest month with scores, if any."""
    row = score_months().first()
    return JalaliMonth(row.year, row.month) if row is not None else None


def office_score_list(
    *, scope: Scope | None, month: JalaliMonth, province: str | None = None
) -> QuerySet[OfficeScore]:
    """A month's scores in scope, by province then rank (best first), with the office and its places.

    ``province`` narrows to one province (a malformed code is a ``ValidationError``)."""
    scores = _scoped(
        OfficeScore.objects.filter(year=month.year, month=month.month).select_related(
            "office", "province", "county"
        ),
        scope,
        _SCORE_SCOPES,
    )
    if province:
        code = to_latin_digits(province.strip())
        if not re.fullmatch(r"[0-9]{2}", code):
            message = _("A province code has two digits.")
            raise ValidationError(message, fields={"province": message})
        scores = scores.filter(province__code=code)
    return scores.order_by("province__code", "rank", "office__code")


@dataclass(frozen=True)
class ProvinceScores:
    """A province's offices' scores in a month, side by side with the others'."""

    province_code: str
    province_name_fa: str
    province_name_en: str
    count: int
    mean: float
    median: float
    worst_decile: float


def province_score_spreads(*, scope: Scope | None, month: JalaliMonth) -> list[ProvinceScores]:
    """Each province's count, mean, median and worst decile (the score at or below which its worst
    tenth of offices fall) for the month, by mean (worst first); one read of the month's scores."""
    if scope is None or "office" in scope:
        return []
    rows = _scoped(OfficeScore.objects.filter(year=month.year, month=month.month), scope, _SCORE_SCOPES)
    values: dict[tuple[str, str, str], list[float]] = {}
    for code, name_fa, name_en, score in rows.order_by().values_list(
        "province__code", "province__name_fa", "province__name_en", "score"
    ):
        values.setdefault((code, name_fa, name_en), []).append(score)
    found = []
    for (code, name_fa, name_en), scores in values.items():
        spread = scoring.spread(scores)
        if spread is not None:
            found.append(
                ProvinceScores(
                    code, name_fa, name_en, spread.count, spread.mean, spread.median, spread.worst_decile
                )
            )
    return sorted(found, key=lambda row: (row.mean, row.province_code))


def office_score_get(*, code: str, scope: Scope | None, month: JalaliMonth | None = None) -> OfficeScore:
    """An office's score for a month (by default its latest) if in scope; ``NotFoundError`` otherwise."""
    text = to_latin_digits(str(code or "").strip()).upper()
    scores = _scoped(
        OfficeScore.objects.filter(office__code=text).select_related("office", "province", "county"),
        scope,
        _SCORE_SCOPES,
    )
    if month is not None:
        scores = scores.filter(year=month.year, month=month.month)
    found = scores.order_by("-year", "-month").first()
    if found is None:
        raise NotFoundError(_("No score for office %(code)s.") % {"code": text})
    return found


def province_score_count(*, score: OfficeScore) -> int:
    """How many offices of the score's province were scored in its month (its rank is "of" these)."""
    return OfficeScore.objects.filter(
        year=score.year, month=score.month, province_id=score.province_id
    ).count()


def office_score_trend(*, office_id: int, months: int = 12) -> list[OfficeScore]:
    """An office's last ``months`` scores, oldest first (its trend)."""
    rows = list(OfficeScore.objects.filter(office_id=office_id).order_by("-year", "-month")[:months])
    return rows[::-1]


@dataclass(frozen=True)
class BreakdownLine:
    """One component of a score as shown: what it measured, what it cost, or why it was left out."""

    component: str
    status: str
    weight: int
    figure: float | None
    points: float | None
    share: float
    lost: float

    @property
    def label(self) -> str:
        """The component's name, translated."""
        return str(ScoreComponent(self.component).label)

    @property
    def counted(self) -> bool:
        """Whether it counted in the score."""
        return self.status == scoring.SCORED

    @property
    def status_label(self) -> str:
        """Why it did or did not count, translated."""
        labels = {
            scoring.SCORED: _("Counted"),
            scoring.NO_DATA: _("No figure for this office: its weight went to the others"),
            scoring.NOT_REGISTERED: _("Not measured yet: its weight went to the others"),
            scoring.OFF: _("Weight 0: not counted"),
        }
        return str(labels.get(self.status, self.status))


def score_breakdown(score: OfficeScore) -> list[BreakdownLine]:
    """What lowered a score: its components, those that cost the most first, then those left out."""
    lines = []
    for code, entry in (score.breakdown or {}).items():
        if code not in ScoreComponent.values:
            continue
        lines.append(
            BreakdownLine(
                component=code,
                status=entry.get("status", ""),
                weight=int(entry.get("weight") or 0),
                figure=entry.get("figure"),
                points=entry.get("points"),
                share=float(entry.get("share") or 0),
                lost=float(entry.get("lost") or 0),
            )
        )
    return sorted(lines, key=lambda line: (not line.counted, -line.lost, line.component))
