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

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.licensing.models import LICENSED_KINDS, Licence, Proceeding
from pishkhan.licensing.states import OPEN_PROCEEDING_STATES, LicenceStatus
from pishkhan.supervision import scoring
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.models import (
    CAMPAIGN_NUMBER_PATTERN,
    COMPLAINT_NUMBER_PATTERN,
    CampaignCase,
    Complaint,
    ComplaintCategory,
    InactivityCampaign,
    OfficeScore,
    ScoreComponent,
    ScoreMonth,
)
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.supervision.states import CampaignStatus, CaseOutcome, ComplaintStatus, Criterion
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
# Complaints are a supervisor's to read: a province's, or the country's (no office or holder scope).
_COMPLAINT_SCOPES = {"province": "office__province__code"}


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
        if outcome not in CaseOutcome.values:
            message = _("Unknown outcome.")
            raise ValidationError(message, fields={"outcome": message})
        cases = cases.filter(outcome=outcome)
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
    *, scope: Scope | None, status: str | None = None, category: str | None = None
) -> QuerySet[Complaint]:
    """Complaints in scope, newest first, filtered by state and category; the sealed mobile not read."""
    complaints = _scoped(_complaints(), scope, _COMPLAINT_SCOPES)
    if status:
        if status not in ComplaintStatus.values:
            message = _("Unknown state.")
            raise ValidationError(message, fields={"status": message})
        complaints = complaints.filter(status=status)
    if category:
        if category not in ComplaintCategory.values:
            message = _("Unknown category.")
            raise ValidationError(message, fields={"category": message})
        complaints = complaints.filter(category=category)
    return complaints.order_by("-created_at", "-id")


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
