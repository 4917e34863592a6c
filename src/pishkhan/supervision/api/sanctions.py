"""Sanction cases in the API (ADR 0010): ``sanctions`` and each step of their due process.

Supervisors (``supervision.view``) read the cases of their jurisdiction; a directorate or the regulator
(``supervision.sanction``) opens cases and takes the steps (hearing, minutes, decision, enforcement,
closing); the regulator (``supervision.appeals``) decides appeals. A licence's holder or its office's
operator (``supervision.respond``) reads the cases of their own licence or office, answers in the
remedy window and appeals after the decision; any other case is a 404. A step out of turn is a 409
(problem+json, its ``type`` naming why: ``illegal-transition``, ``remedy-window-open``,
``hearing-not-held``, ``appeal-window-open``, ``appeal-window-closed``, ``remedy-window-closed``).

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, has_perm, require
from pishkhan.common.calendar import Instant
from pishkhan.common.errors import ApplicationError, PermissionDeniedError, ValidationError
from pishkhan.common.money import Rials
from pishkhan.common.pagination import Pagination
from pishkhan.offices.selectors import office_get
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import SanctionCase

router = Router(auth=api_auth)

PAGE_SIZE = 50
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class SanctionListIn(Schema):
    """Filters of the list: state, ground, office code; ``open`` for cases not yet enforced or closed."""

    status: ShortText | None = None
    ground: ShortText | None = None
    office: ShortText | None = None
    open: bool = False


class SanctionOpenIn(Schema):
    """A new case: the office, the ground, the facts and evidence, and where it came from."""

    office: ShortText = Field(description="office code, e.g. P23-0001")
    ground: ShortText = Field(
        description="overcharge, refund_not_made, inspection_failure, complaint_upheld, alert or other"
    )
    facts: LongText
    evidence: LongText = ""
    source: ShortText = Field("", description="complaint:<number>, inspection:<id> or alert:<id>")


class AnswerIn(Schema):
    """The holder's answer within the remedy window, and whether the ground is remedied."""

    statement: LongText
    remedied: bool = False


class HearingIn(Schema):
    """When and where the holder is heard (not in the past; after the remedy window)."""

    at: Instant
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class MinutesIn(Schema):
    """The hearing's minutes."""

    minutes: LongText


class DecideIn(Schema):
    """The decision: a measure of the ladder (warning, fine, suspension, revocation), its reason, and its
    size when it differs from the proposal's."""

    measure: ShortText
    reason: LongText
    basis: LongText = ""
    fine_rials: Rials | None = Field(None, ge=1)
    suspension_days: int | None = Field(None, ge=1, le=365)


class StatementIn(Schema):
    """The holder's appeal to the regulator."""

    statement: LongText


class AppealDecisionIn(Schema):
    """The regulator's decision on the appeal."""

    accepted: bool
    reason: LongText


class ReasonIn(Schema):
    """A reason (closing without a measure; optional for enforcement)."""

    reason: LongText = ""


class SanctionOut(Schema):
    """A case: the office and licence, the ground and facts, the ladder's proposal, each step's record."""

    number: str
    status: str
    office: str
    licence: str
    province: str
    ground: str
    facts: str
    evidence: str
    source: str
    basis: str
    opened_at: dt.datetime
    offence: int
    proposed_measure: str
    proposed_fine_rials: int | None
    proposed_suspension_days: int | None
    remedy_by: dt.datetime
    notice_sent_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer: str
    remedied_claimed: bool
    hearing_at: dt.datetime | None
    hearing_place: str
    heard_at: dt.datetime | None
    minutes: str
    measure: str
    fine_rials: int | None
    suspension_days: int | None
    decided_at: dt.datetime | None
    decision_reason: str
    appeal_by: dt.datetime | None
    appealed_at: dt.datetime | None
    appeal_statement: str
    appeal_decided_at: dt.datetime | None
    appeal_accepted: bool | None
    appeal_reason: str
    enforced_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str

    @staticmethod
    def resolve_office(obj: SanctionCase) -> str:
        return obj.office.code

    @staticmethod
    def resolve_licence(obj: SanctionCase) -> str:
        return obj.licence.number

    @staticmethod
    def resolve_province(obj: SanctionCase) -> str:
        return obj.province.code


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see sanction cases."))
    return scope


def _case(principal: Principal, number: str) -> SanctionCase:
    return selectors.sanction_get(number=number, scope=_scope(principal))


def _acting(principal: Principal, number: str, perm: str) -> SanctionCase:
    """The case, found in the caller's reach (404 otherwise), and ``perm`` in its province (403)."""
    case = _case(principal, number)
    require(principal, perm, province=case.province.code, office=case.office.code)
    return case


@router.get("/sanctions", response=list[SanctionOut], summary="Sanction cases you may see")
@paginate(Pagination, page_size=PAGE_SIZE)
def sanction_list(request: HttpRequest, filters: Query[SanctionListIn]):
    """Newest first: a supervisor's jurisdiction, or a holder's own licence or office."""
    principal = _principal(request)
    return selectors.sanction_list(
        scope=_scope(principal),
        status=filters.status,
        ground=filters.ground,
        office=filters.office,
        open_only=filters.open,
    )


@router.post("/sanctions", response={201: SanctionOut}, summary="Open a sanction case (notice)")
def sanction_open(request: HttpRequest, payload: SanctionOpenIn) -> Status:
    """Serve the notice and propose the ladder's measure. 422 for an unknown office (or one outside
    your jurisdiction) or ground; 409 ``no-licence-in-force``, or when the licence has an open case."""
    principal = _principal(request)
    require(principal, "supervision.sanction")
    try:
        office = office_get(code=payload.office.upper())
    except ApplicationError:
        office = None
    if office is None or not has_perm(principal, "supervision.sanction", province=office.province.code):
        message = _("No office has this code in your jurisdiction.")
        raise ValidationError(message, fields={"office": message})
    case = services.sanction_open(
        office_code=office.code,
        ground=payload.ground,
        facts=payload.facts,
        evidence=payload.evidence,
        source=payload.source,
        actor=principal,
    )
    return Status(201, _case(principal, case.number))


@router.get("/sanctions/{number}", response=SanctionOut, summary="One sanction case")
def sanction_detail(request: HttpRequest, number: str) -> object:
    """The case and every step's record; 404 outside your reach."""
    return _case(_principal(request), number)


@router.post("/sanctions/{number}/answer", response=SanctionOut, summary="Answer the notice (the holder)")
def sanction_answer(request: HttpRequest, number: str, payload: AnswerIn) -> object:
    """Within the remedy window (409 ``remedy-window-closed`` after), once."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.respond")
    services.sanction_answer(
        case=case, statement=payload.statement, remedied=payload.remedied, actor=principal
    )
    return _case(principal, number)


@router.post("/sanctions/{number}/hearing", response=SanctionOut, summary="Schedule the hearing")
def sanction_hearing(request: HttpRequest, number: str, payload: HearingIn) -> object:
    """After the remedy window (409 ``remedy-window-open`` before), never in the past (422)."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.sanction")
    services.sanction_hearing_schedule(case=case, at=payload.at, place=payload.place, actor=principal)
    return _case(principal, number)


@router.post("/sanctions/{number}/minutes", response=SanctionOut, summary="Record the hearing's minutes")
def sanction_minutes(request: HttpRequest, number: str, payload: MinutesIn) -> object:
    """Once the hearing's time has come (409 ``hearing-not-held`` before, or with no hearing set)."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.sanction")
    services.sanction_minutes_record(case=case, minutes=payload.minutes, actor=principal)
    return _case(principal, number)


@router.post("/sanctions/{number}/decide", response=SanctionOut, summary="Decide the measure")
def sanction_decide(request: HttpRequest, number: str, payload: DecideIn) -> object:
    """After the hearing (409 before): the measure, its reason, and the appeal window opens."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.sanction")
    services.sanction_decide(
        case=case,
        measure=payload.measure,
        reason=payload.reason,
        basis=payload.basis,
        fine_rials=payload.fine_rials,
        suspension_days=payload.suspension_days,
        actor=principal,
    )
    return _case(principal, number)


@router.post("/sanctions/{number}/appeal", response=SanctionOut, summary="Appeal the decision (the holder)")
def sanction_appeal(request: HttpRequest, number: str, payload: StatementIn) -> object:
    """After the decision and within the appeal window (409 otherwise)."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.respond")
    services.sanction_appeal_lodge(case=case, statement=payload.statement, actor=principal)
    return _case(principal, number)


@router.post(
    "/sanctions/{number}/appeal-decision", response=SanctionOut, summary="Decide the appeal (regulator)"
)
def sanction_appeal_decision(request: HttpRequest, number: str, payload: AppealDecisionIn) -> object:
    """Accepted: closed without the measure; refused: the measure may be enforced. 409 with no appeal."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.appeals")
    services.sanction_appeal_decide(
        case=case, accepted=payload.accepted, reason=payload.reason, actor=principal
    )
    return _case(principal, number)


@router.post("/sanctions/{number}/enforce", response=SanctionOut, summary="Enforce the decided measure")
def sanction_enforce(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """Through licensing: a suspension suspends the licence (the office stops serving), a revocation
    revokes it, a warning or fine is recorded. 409 ``appeal-window-open`` before the window closes."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.sanction")
    services.sanction_enforce(case=case, reason=payload.reason, actor=principal)
    return _case(principal, number)


@router.post("/sanctions/{number}/close", response=SanctionOut, summary="Close without a measure")
def sanction_close(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """Remedied or dropped, before the decision (409 after), with the reason (required)."""
    principal = _principal(request)
    case = _acting(principal, number, "supervision.sanction")
    services.sanction_close(case=case, reason=payload.reason, actor=principal)
    return _case(principal, number)
