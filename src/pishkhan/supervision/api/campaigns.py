"""Inactivity campaigns in the API: ``inactivity-campaigns`` and their candidates and cases.

Supervisors (``supervision.view``) read within their jurisdiction: the regulator everything, a
directorate its province's candidates, cases and report lines. The regulator starts and concludes
campaigns and decides appeals (``supervision.campaign``). A licence's holder or its office's operator
(``supervision.respond``) reads the cases of their own licence and appeals in them; any other case is
a 404.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.supervision import selectors, services
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.models import CampaignCase, InactivityCampaign
from pishkhan.supervision.schemas import (
    AppealDecideIn,
    AppealLodgeIn,
    CampaignOut,
    CampaignStartIn,
    CampaignSummaryOut,
    CandidatesOut,
    CaseListIn,
    CaseOut,
    CriteriaIn,
)

router = Router(auth=api_auth)

PAGE_SIZE = 50


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see inactivity campaigns."))
    return scope


def _campaign_out(campaign: InactivityCampaign, scope: dict[str, str]) -> CampaignOut:
    fresh = selectors.campaign_get(number=campaign.number)
    return CampaignOut.of(fresh, selectors.campaign_report(campaign=fresh, scope=scope))


def _case(principal: Principal, number: str, case_id: int) -> CampaignCase:
    campaign = selectors.campaign_get(number=number)
    return selectors.case_get(campaign=campaign, pk=case_id, scope=_scope(principal))


@router.get(
    "/inactivity-campaigns/candidates",
    response=CandidatesOut,
    summary="Licences that meet the inactivity criteria (a dry run)",
)
def candidates(request: HttpRequest, filters: Query[CriteriaIn]) -> CandidatesOut:
    """Every licence in your jurisdiction that meets the criteria today, with its evidence (last
    transaction, last heartbeat, days idle), counted per province. Changes nothing."""
    principal = _principal(request)
    require(principal, "supervision.view")
    criteria = InactivityCriteria.of(**filters.model_dump())
    now = timezone.now()
    found = selectors.inactive_licence_candidates(criteria=criteria, scope=_scope(principal), now=now)
    return CandidatesOut.of(
        found, never_activated_days=criteria.never_activated_days, idle_days=criteria.idle_days, now=now
    )


@router.get("/inactivity-campaigns", response=list[CampaignSummaryOut], summary="Inactivity campaigns")
def campaign_list(request: HttpRequest) -> list:
    """Every campaign, newest first."""
    require(_principal(request), "supervision.view")
    return [CampaignSummaryOut.of(campaign) for campaign in selectors.campaign_list()]


@router.post(
    "/inactivity-campaigns", response={201: CampaignOut}, summary="Start an inactivity campaign (regulator)"
)
def campaign_start(request: HttpRequest, payload: CampaignStartIn) -> Status:
    """Freeze today's candidates into cases and serve each holder a notice (in the application now, by
    SMS from the worker), with the grace period as the response window. 409 ``campaign-open`` while
    another campaign is open, 409 ``no-candidates`` when no licence meets the criteria."""
    principal = _principal(request)
    require(principal, "supervision.campaign")
    criteria = InactivityCriteria.of(
        never_activated_days=payload.never_activated_days,
        idle_days=payload.idle_days,
        province=payload.province,
    )
    campaign = services.campaign_start(
        criteria=criteria, grace_days=payload.grace_days, basis=payload.basis, actor=principal
    )
    return Status(201, _campaign_out(campaign, principal.scope))


@router.get("/inactivity-campaigns/{number}", response=CampaignOut, summary="One campaign and its report")
def campaign_detail(request: HttpRequest, number: str) -> CampaignOut:
    """The campaign, and its cases counted per province and outcome within your jurisdiction."""
    principal = _principal(request)
    require(principal, "supervision.view")
    return _campaign_out(selectors.campaign_get(number=number), _scope(principal))


@router.post(
    "/inactivity-campaigns/{number}/conclude", response=CampaignOut, summary="Conclude a campaign (regulator)"
)
def campaign_conclude(request: HttpRequest, number: str) -> CampaignOut:
    """Decide every case whose grace period is over: kept for activity after the notice, kept on an
    accepted appeal, otherwise revoked. Cases whose appeal awaits a decision wait; a closed campaign
    is left as it is. 409 ``grace-period-running`` before the grace period ends."""
    principal = _principal(request)
    require(principal, "supervision.campaign")
    campaign = selectors.campaign_get(number=number)
    services.campaign_conclude(campaign=campaign, actor=principal)
    return _campaign_out(campaign, principal.scope)


@router.get(
    "/inactivity-campaigns/{number}/cases", response=list[CaseOut], summary="A campaign's cases you may see"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def case_list(request: HttpRequest, number: str, filters: Query[CaseListIn]):
    """The cases by province and office, filtered by outcome and province: a supervisor's
    jurisdiction, or a holder's own licence."""
    principal = _principal(request)
    campaign = selectors.campaign_get(number=number)
    return selectors.case_list(campaign=campaign, scope=_scope(principal), **filters.model_dump())


@router.get("/inactivity-campaigns/{number}/cases/{case_id}", response=CaseOut, summary="One case")
def case_detail(request: HttpRequest, number: str, case_id: int) -> object:
    """One case with its evidence, notice, proceeding and outcome; 404 outside your reach."""
    return _case(_principal(request), number, case_id)


@router.post(
    "/inactivity-campaigns/{number}/cases/{case_id}/appeal",
    response=CaseOut,
    summary="Appeal against a proposed revocation (the holder)",
)
def case_appeal_lodge(request: HttpRequest, number: str, case_id: int, payload: AppealLodgeIn) -> object:
    """The holder (or the office's operator) says why the licence should be kept, within the grace
    period; the case then waits for the regulator's decision. 409 after the window or once decided."""
    principal = _principal(request)
    require(principal, "supervision.respond")
    case = _case(principal, number, case_id)
    services.case_appeal_lodge(case=case, statement=payload.statement, actor=principal)
    return _case(principal, number, case_id)


@router.post(
    "/inactivity-campaigns/{number}/cases/{case_id}/appeal-decision",
    response=CaseOut,
    summary="Decide a holder's appeal (regulator)",
)
def case_appeal_decide(request: HttpRequest, number: str, case_id: int, payload: AppealDecideIn) -> object:
    """Accepted: the licence is kept ("kept on appeal"); refused: the case is concluded with the others.
    409 once the case or its appeal is decided."""
    principal = _principal(request)
    case = _case(principal, number, case_id)
    require(principal, "supervision.campaign", province=case.province.code)
    services.case_appeal_decide(case=case, accepted=payload.accepted, reason=payload.reason, actor=principal)
    return _case(principal, number, case_id)
