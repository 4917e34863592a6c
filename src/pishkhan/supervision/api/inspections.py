"""Inspections in the API: ``inspections`` (list, one, plan, draw, results, photos, submit, cancel,
review) and ``inspection-checklist``.

Reads narrow to the caller (``selectors.inspection_scope``): the regulator every visit, a directorate
its province's, an inspector the visits assigned to them; one outside that is a 404. Planning,
drawing, cancelling and reviewing are the directorate's (``supervision.inspections``); results,
photos and the submission are the assigned inspector's (``supervision.inspect``). Errors are
problem+json: 422 naming the field, 404, 403, 409 (``inspection-quota-exceeded`` for a draw beyond
the quarter's quota, a change to a submitted visit).

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import StringConstraints

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.calendar import Day
from pishkhan.common.errors import PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import (
    ChecklistItem,
    ChecklistVersion,
    Inspection,
    InspectionDraw,
    InspectionPhoto,
    InspectionResult,
    ItemOutcome,
    PlannedHow,
)
from pishkhan.supervision.states import InspectionStatus
from pishkhan.supervision.views.inspections import photo_response

router = Router(auth=api_auth)

PAGE_SIZE = 50
_PHOTO_TYPES = {"image/jpeg": {}, "image/png": {}}

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
LongText = Annotated[str, StringConstraints(max_length=2000)]


# --- Shapes ---------------------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    code: str
    position: int
    text_fa: str
    text_en: str
    weight: int = Field(description="its weight in the score, 1–10")


class ChecklistOut(Schema):
    """A version of the regulator's checklist."""

    version: int
    published_at: dt.datetime
    items: list[ChecklistItemOut]

    @staticmethod
    def of(version: ChecklistVersion) -> "ChecklistOut":
        return ChecklistOut(
            version=version.number,
            published_at=version.published_at,
            items=[
                ChecklistItemOut(
                    code=item.code,
                    position=item.position,
                    text_fa=item.text_fa,
                    text_en=item.text_en,
                    weight=item.weight,
                )
                for item in version.items.all()
            ],
        )


class ResultOut(Schema):
    item: str
    outcome: str = Field(description=", ".join(ItemOutcome.values))
    note: str


class PhotoOut(Schema):
    id: int
    item: str
    content_type: str
    size: int
    width: int
    height: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str

    @staticmethod
    def of(photo: InspectionPhoto, items: dict[int, str]) -> "PhotoOut":
        return PhotoOut(
            id=photo.pk,
            item=items.get(photo.item_id, ""),
            content_type=photo.content_type,
            size=photo.size,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            uploaded_at=photo.uploaded_at,
            uploaded_by=photo.uploaded_by,
        )


class InspectionSummaryOut(Schema):
    """A visit in a list."""

    id: int
    office: str = Field(description="office code")
    office_name: str
    province: str
    planned_for: dt.date
    planned_how: str = Field(description=", ".join(PlannedHow.values))
    inspector: str = Field(description="the inspector's user name")
    status: str = Field(description=", ".join(InspectionStatus.values))
    source: str = Field(description="complaint:<number> or alert:<id> when opened from one")
    checklist: int = Field(description="the checklist version it is done against")
    submitted_at: dt.datetime | None
    score: Decimal | None = Field(description="0–100, the weighted share of applicable items passed")

    # A list is resolved row by row from the page's query (no list built first).
    @staticmethod
    def resolve_id(inspection: Inspection) -> int:
        return inspection.pk

    @staticmethod
    def resolve_office(inspection: Inspection) -> str:
        return inspection.office.code

    @staticmethod
    def resolve_office_name(inspection: Inspection) -> str:
        return inspection.office.name

    @staticmethod
    def resolve_province(inspection: Inspection) -> str:
        return inspection.province.code

    @staticmethod
    def resolve_inspector(inspection: Inspection) -> str:
        return inspection.inspector.username

    @staticmethod
    def resolve_checklist(inspection: Inspection) -> int:
        return inspection.checklist.number


class InspectionOut(InspectionSummaryOut):
    """A visit with its results and photos."""

    draw: int | None
    planned_at: dt.datetime
    planned_by: str
    started_at: dt.datetime | None
    note: str
    reviewed_at: dt.datetime | None
    review_note: str
    cancelled_at: dt.datetime | None
    cancel_reason: str
    results: list[ResultOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_draw(inspection: Inspection) -> int | None:
        return inspection.draw_id

    @staticmethod
    def resolve_results(inspection: Inspection) -> list[ResultOut]:
        codes = _item_codes(inspection)
        rows = InspectionResult.objects.filter(inspection=inspection).order_by("item__position")
        return [
            ResultOut(item=codes.get(row.item_id, ""), outcome=row.outcome, note=row.note) for row in rows
        ]

    @staticmethod
    def resolve_photos(inspection: Inspection) -> list[PhotoOut]:
        codes = _item_codes(inspection)
        return [PhotoOut.of(photo, codes) for photo in InspectionPhoto.objects.filter(inspection=inspection)]


def _item_codes(inspection: Inspection) -> dict[int, str]:
    return {item.pk: item.code for item in ChecklistItem.objects.filter(version_id=inspection.checklist_id)}


class InspectionListIn(Schema):
    status: ShortText | None = Field(None, description=", ".join(InspectionStatus.values))
    planned_how: ShortText | None = Field(None, description=", ".join(PlannedHow.values))
    office: ShortText | None = Field(None, description="office code")
    start: Day | None = Field(None, description="planned on or after")
    end: Day | None = Field(None, description="planned on or before")


class PlanIn(Schema):
    """A visit the directorate plans."""

    office: ShortText = Field(description="office code, e.g. P23-0001")
    planned_for: Day = Field(description="the day of the visit, not in the past")
    inspector: ShortText = Field(description="the user name of an inspector of the office's province")
    source: ShortText = Field("", description="complaint:<number> or alert:<id> it is opened from")


class DrawIn(Schema):
    """A random draw of visits in a province."""

    province: ShortText = Field(description="province code, two digits")
    count: int = Field(description="visits to draw, within the quarter's quota")
    planned_for: Day = Field(description="the day of the visits, not in the past")
    inspector: ShortText = Field("", description="one inspector for all; empty: the province's in turn")
    seed: int | None = Field(None, description="to repeat a draw; made up when empty")


class DrawOut(Schema):
    id: int
    province: str
    quarter: str
    seed: int
    requested: int
    candidates: int
    risky: int
    drawn_at: dt.datetime
    inspections: list[InspectionSummaryOut]

    @staticmethod
    def resolve_id(draw: InspectionDraw) -> int:
        return draw.pk

    @staticmethod
    def resolve_province(draw: InspectionDraw) -> str:
        return draw.province.code

    @staticmethod
    def resolve_inspections(draw: InspectionDraw) -> list:
        return list(selectors.inspection_list(scope={}).filter(draw=draw))


class ResultIn(Schema):
    item: ShortText = Field(description="checklist item code")
    outcome: ShortText = Field(description="pass, fail, na; empty clears the answer")
    note: LongText = ""


class ResultsIn(Schema):
    """The inspector's answers (only the items named change), an overall note, and whether to submit."""

    results: list[ResultIn] = Field(default_factory=list)
    note: LongText | None = None
    submit: bool = False


class ReasonIn(Schema):
    reason: LongText


class ReviewIn(Schema):
    note: LongText = ""


# --- Endpoints ------------------------------------------------------------------------------------


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.inspection_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see inspections."))
    return scope


def _inspection(principal: Principal, inspection_id: int) -> Inspection:
    return selectors.inspection_get(pk=inspection_id, scope=_scope(principal))


@router.get("/inspection-checklist", response=ChecklistOut, summary="The inspection checklist in force")
def checklist(request: HttpRequest) -> ChecklistOut:
    """The newest version of the regulator's checklist: each item's code, text and weight."""
    _scope(_principal(request))
    return ChecklistOut.of(selectors.checklist_current())


@router.get("/inspections", response=list[InspectionSummaryOut], summary="Inspections you may see")
@paginate(Pagination, page_size=PAGE_SIZE)
def inspection_list(request: HttpRequest, filters: Query[InspectionListIn]):
    """Visits, latest planned first: the regulator's all, a directorate's province, an inspector's own."""
    return selectors.inspection_list(scope=_scope(_principal(request)), **filters.model_dump())


@router.post("/inspections", response={201: InspectionOut}, summary="Plan an inspection (directorate)")
def inspection_plan(request: HttpRequest, payload: PlanIn) -> Status:
    """Plan a visit to an office of your province for one of its inspectors. 404 for an unknown office
    (or one outside your province), 422 for a day in the past or a user who is no inspector there."""
    principal = _principal(request)
    require(principal, "supervision.inspections")
    inspection = services.inspection_plan(
        office_code=payload.office,
        planned_for=payload.planned_for,
        inspector=payload.inspector,
        source=payload.source,
        actor=principal,
    )
    return Status(201, _inspection(principal, inspection.pk))


@router.post("/inspections/draw", response={201: DrawOut}, summary="Draw inspections at random (directorate)")
def inspections_draw(request: HttpRequest, payload: DrawIn) -> Status:
    """Draw offices of a province, favouring those with open complaints or alerts; 409
    ``inspection-quota-exceeded`` beyond the quarter's quota. The seed is returned: the same seed on
    the same offices draws the same visits."""
    principal = _principal(request)
    require(principal, "supervision.inspections")
    result = services.inspections_draw(
        province=payload.province,
        count=payload.count,
        planned_for=payload.planned_for,
        inspector=payload.inspector,
        seed=payload.seed,
        actor=principal,
    )
    return Status(201, result.draw)


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="One inspection")
def inspection_detail(request: HttpRequest, inspection_id: int) -> object:
    """A visit with its results and photos; 404 outside your reach."""
    return _inspection(_principal(request), inspection_id)


@router.post(
    "/inspections/{inspection_id}/results",
    response=InspectionOut,
    summary="Record results of an inspection (its inspector)",
)
def inspection_results(request: HttpRequest, inspection_id: int, payload: ResultsIn) -> object:
    """Answer items (pass / fail / na, a note); ``submit`` submits once every item is answered and
    fixes the score. 409 once submitted or cancelled; 403 for anyone but the assigned inspector."""
    principal = _principal(request)
    require(principal, "supervision.inspect")
    inspection = _inspection(principal, inspection_id)
    services.inspection_conduct(
        inspection=inspection,
        actor=principal,
        answers={row.item: services.Answer(row.outcome, row.note) for row in payload.results},
        note=payload.note,
        submit=payload.submit,
    )
    return _inspection(principal, inspection_id)


@router.post(
    "/inspections/{inspection_id}/submit",
    response=InspectionOut,
    summary="Submit an inspection (its inspector)",
)
def inspection_submit(request: HttpRequest, inspection_id: int) -> object:
    """Submit with the answers recorded; 422 naming every item still unanswered."""
    principal = _principal(request)
    require(principal, "supervision.inspect")
    services.inspection_conduct(
        inspection=_inspection(principal, inspection_id), actor=principal, submit=True
    )
    return _inspection(principal, inspection_id)


@router.post(
    "/inspections/{inspection_id}/photos",
    response={201: PhotoOut},
    summary="Add a photo to an item of an inspection (its inspector)",
)
def inspection_photo_add(
    request: HttpRequest, inspection_id: int, item: Form[str], file: File[UploadedFile]
) -> Status:
    """Upload one photo (multipart: ``item``, ``file``): JPEG or PNG by its content (not its name), at
    most 5 MB and of sane pixel dimensions; 422 otherwise, and nothing is stored."""
    principal = _principal(request)
    require(principal, "supervision.inspect")
    inspection = _inspection(principal, inspection_id)
    code = (item or "").strip()
    done = services.inspection_conduct(inspection=inspection, actor=principal, photos=[(code, file)])
    photo = done.photos[0]
    return Status(201, PhotoOut.of(photo, {photo.item_id: code}))


@router.get(
    "/inspections/{inspection_id}/photos/{photo_id}",
    summary="A photo of an inspection",
    openapi_extra={"responses": {200: {"description": "The photo", "content": _PHOTO_TYPES}}},
)
def inspection_photo(request: HttpRequest, inspection_id: int, photo_id: int) -> FileResponse:
    """The photo's bytes as uploaded, for the inspection's inspector, its directorate, the regulator."""
    inspection = _inspection(_principal(request), inspection_id)
    return photo_response(selectors.inspection_photo_get(inspection=inspection, photo_id=photo_id))


@router.post(
    "/inspections/{inspection_id}/cancel",
    response=InspectionOut,
    summary="Cancel an inspection (directorate)",
)
def inspection_cancel(request: HttpRequest, inspection_id: int, payload: ReasonIn) -> object:
    """Cancel a visit not yet submitted, with the reason; 409 once submitted."""
    principal = _principal(request)
    require(principal, "supervision.inspections")
    services.inspection_cancel(
        inspection=_inspection(principal, inspection_id), reason=payload.reason, actor=principal
    )
    return _inspection(principal, inspection_id)


@router.post(
    "/inspections/{inspection_id}/review",
    response=InspectionOut,
    summary="Mark an inspection reviewed (directorate)",
)
def inspection_review(request: HttpRequest, inspection_id: int, payload: ReviewIn) -> object:
    """Mark a submitted visit reviewed, with an optional note; 409 before it is submitted."""
    principal = _principal(request)
    require(principal, "supervision.inspections")
    services.inspection_review(
        inspection=_inspection(principal, inspection_id), note=payload.note, actor=principal
    )
    return _inspection(principal, inspection_id)
