"""Writes of inspections: planning a visit, drawing visits at random, carrying one out (results, photos,
submission and its score), cancelling and reviewing it.

- The directorate plans a visit to an office of its province, on a day not in the past, for an
  inspector who may inspect there; or draws visits at random within its quarter's quota
  (``PISHKHAN_INSPECTION_QUOTA_PER_QUARTER``), weighted towards risky offices (open complaints, open alerts:
  ``RISK_PROVIDERS``), reproducibly from a seed kept with
  the draw.
- The inspector records each item's pass / fail / not applicable with a note and photos, and submits
  once every item is answered; the score is the weighted share of applicable items passed.
- Photos are JPEG or PNG **by their content** (Pillow opens, verifies and decodes them; the name and
  the declared type are ignored), at most ``PISHKHAN_INSPECTION_PHOTO_MAX_BYTES`` and of sane pixel
  dimensions. They are stored as given, byte for byte, with their SHA-256: a photo is evidence in a
  sanction case, and a re-encoded copy would neither match what the inspector's phone took nor keep
  the metadata (time, place) that may be cited. Nothing is stripped; the files are never served to
  anyone but the inspection's readers (views/inspections.py).

Every refusal happens before anything is written, and a refusal inside the transaction deletes the
files it had stored: a refused submission leaves the inspection as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import re
import secrets
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import jdatetime
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import has_perm
from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.common.persian import as_written, has_control_characters, to_latin_digits
from pishkhan.geo.models import Province
from pishkhan.licensing.services import text_clean
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_get
from pishkhan.offices.states import OfficeStatus
from pishkhan.supervision import selectors
from pishkhan.supervision.models import (
    ChecklistItem,
    ChecklistVersion,
    Complaint,
    Inspection,
    InspectionDraw,
    InspectionPhoto,
    InspectionResult,
    ItemOutcome,
    PlannedHow,
)
from pishkhan.supervision.models.inspections import (
    ITEM_CODE_PATTERN,
    ITEM_TEXT_MAX,
    NOTE_MAX,
    SOURCE_PATTERN,
    WEIGHT_MAX,
)
from pishkhan.supervision.states import INSPECTION_TRANSITIONS, InspectionStatus

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
MAX_PHOTOS_PER_INSPECTION = 60
DRAW_MAX = 200
_OPEN = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)


class QuotaExceededError(ConflictError):
    """A random draw asked for more visits than its province's quarter has left."""

    code = "inspection-quota-exceeded"
    title = "The province's quota of random inspections for the quarter is used up"


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: message})


def _user_of(actor: Actor) -> User | None:
    return getattr(actor, "user", None)


def _today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _planned_for_clean(value: object, now: dt.datetime | None) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _invalid("planned_for", _("Give the day of the visit."))
    if value < _today(now):
        raise _invalid("planned_for", _("The day of the visit cannot be in the past."))
    if value > _today(now) + dt.timedelta(days=366):
        raise _invalid("planned_for", _("Plan a visit within a year."))
    return value


def _inspector_clean(username: object, province: str) -> User:
    text = str(username or "").strip()
    if not text:
        raise _invalid("inspector", _("Choose the inspector."))
    inspector = selectors.inspectors_of_province(province=province).filter(username=text).first()
    if inspector is None:
        raise _invalid("inspector", _("This user is not an inspector who may inspect in this province."))
    return inspector


def _note_clean(value: object, field: str) -> str:
    text = text_clean(value, field)
    if len(text) > NOTE_MAX:
        raise _invalid(field, _("Keep it within %(limit)s characters.") % {"limit": NOTE_MAX})
    return text


def jalali_quarter(day: dt.date) -> str:
    """The Jalali quarter a day falls in, as ``1405-Q3`` (Q1 is Farvardin to Khordad)."""
    jalali = jdatetime.date.fromgregorian(date=day)
    return f"{jalali.year}-Q{(jalali.month - 1) // 3 + 1}"


# --- The checklist ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDraft:
    """One item of a checklist version to publish."""

    code: str
    text_fa: str
    text_en: str
    weight: int = 1


def checklist_publish(*, items: Sequence[ItemDraft], actor: Actor, note: str = "") -> ChecklistVersion:
    """Publish a new checklist version with these items (in this order); earlier versions stay as they
    are, for the visits done with them. ``ValidationError`` naming ``items`` for no item, a code that
    is malformed or repeated, an empty or overlong text, a weight outside 1–10."""
    if not items:
        raise _invalid("items", _("A checklist has at least one item."))
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = _("Item %(index)s: ") % {"index": index}
        if not re.match(ITEM_CODE_PATTERN, item.code or "") or item.code in seen:
            raise _invalid("items", where + _("a code is lowercase letters, digits and _, once each."))
        seen.add(item.code)
        for text in (item.text_fa, item.text_en):
            if not (text or "").strip() or len(text) > ITEM_TEXT_MAX or has_control_characters(text):
                raise _invalid("items", where + _("give its text in Persian and English."))
        if (
            not isinstance(item.weight, int)
            or isinstance(item.weight, bool)
            or not 1 <= item.weight <= WEIGHT_MAX
        ):
            raise _invalid("items", where + _("a weight is from 1 to %(max)s.") % {"max": WEIGHT_MAX})
    note = _note_clean(note, "note")[:300]
    try:
        with transaction.atomic():
            latest = ChecklistVersion.objects.select_for_update().order_by("-number").first()
            version = ChecklistVersion.objects.create(number=(latest.number + 1) if latest else 1, note=note)
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    version=version,
                    code=item.code,
                    position=index,
                    text_fa=as_written(item.text_fa),
                    text_en=as_written(item.text_en),
                    weight=item.weight,
                )
                for index, item in enumerate(items, start=1)
            )
            audit_record(
                actor=actor,
                action="inspection.checklist_publish",
                target=version,
                after={"version": version.number, "items": [[i.code, i.weight] for i in items]},
            )
    except IntegrityError:
        raise ConflictError(
            _("Another checklist version was published at the same moment; try again.")
        ) from None
    return version


# --- Planning ---------------------------------------------------------------------------------------


def _source_clean(source: object, office: Office) -> str:
    text = to_latin_digits(str(source or "").strip())
    if not text:
        return ""
    if not re.match(SOURCE_PATTERN, text):
        raise _invalid("source", _("A source is complaint:<number> or alert:<id>."))
    if text.startswith("complaint:"):
        number = text.split(":", 1)[1]
        if not Complaint.objects.filter(number=number, office=office).exists():
            raise _invalid("source", _("No complaint about this office has that number."))
    return text


def inspection_plan(
    *,
    office_code: str,
    planned_for: dt.date,
    inspector: str,
    actor: Actor,
    source: str = "",
    now: dt.datetime | None = None,
) -> Inspection:
    """Plan a visit to an office of the planner's province (the regulator: any office).

    ``NotFoundError`` (on the ``office`` field) for an unknown office or one outside the planner's
    province; ``ValidationError`` for a malformed code, a day in the past, a user who may not inspect
    there, or a source that is neither a complaint about this office nor an alert.
    """
    principal = actor
    if not has_perm(principal, "supervision.inspections"):  # type: ignore[arg-type]
        raise PermissionDeniedError(_("You may not plan inspections."))
    scope = getattr(principal, "scope", None) or None
    try:
        office = office_get(code=str(office_code or ""), scope=scope)
    except ValidationError as error:
        raise _invalid("office", error.detail) from None
    except NotFoundError:
        message = _("No office of your jurisdiction has this code.")
        raise NotFoundError(message, fields={"office": message}) from None
    day = _planned_for_clean(planned_for, now)
    user = _inspector_clean(inspector, office.province.code)
    source_text = _source_clean(source, office)
    checklist = selectors.checklist_current()
    inspection = Inspection(
        office=office,
        province=office.province,
        checklist=checklist,
        planned_for=day,
        planned_how=PlannedHow.DIRECTORATE,
        inspector=user,
        source=source_text,
        planned_at=now or timezone.now(),
        planned_by=actor_label(actor),
    )
    with transaction.atomic():
        inspection.save(force_insert=True)
        audit_record(
            actor=actor,
            action="inspection.plan",
            target=inspection,
            after={
                "office": office.code,
                "planned_for": day,
                "inspector": user.username,
                "checklist": checklist.number,
                "source": source_text,
            },
        )
    return inspection


# --- The random draw -------------------------------------------------------------------------------


def weighted_draw(weights: Mapping[int, float], count: int, seed: int) -> list[int]:
    """``count`` keys drawn without replacement, each with a chance proportional to its weight, the same
    for the same weights and seed (Efraimidis–Spirakis: the largest ``u ** (1 / w)``)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible draw, not a secret)
    keyed = [(rng.random() ** (1.0 / weights[key]), key) for key in sorted(weights)]
    keyed.sort(reverse=True)
    return [key for _key, key in keyed[:count]]


RiskProvider = Callable[..., set[int]]


# The lists of risky offices the draw favours (``province=`` → office ids): each one an office is on
# adds ``PISHKHAN_INSPECTION_RISK_WEIGHT`` to its weight.
RISK_PROVIDERS: tuple[RiskProvider, ...] = (
    selectors.offices_with_open_complaints,
    selectors.offices_with_open_alerts,
)


def draw_weights(
    office_ids: Iterable[int], risky_sets: Sequence[set[int]], *, risk_weight: float
) -> dict[int, float]:
    """Each office's weight in the draw: 1, plus ``risk_weight`` for each provider that names it."""
    return {
        office_id: 1.0 + risk_weight * sum(office_id in risky for risky in risky_sets)
        for office_id in office_ids
    }


def quota_used(*, province: Province, quarter: str) -> int:
    """Random visits of the province's quarter that count against its quota (cancelled ones do not)."""
    return (
        Inspection.objects.filter(draw__province=province, draw__quarter=quarter)
        .exclude(status=InspectionStatus.CANCELLED)
        .count()
    )


@dataclass(frozen=True)
class DrawResult:
    """A draw and the visits it planned."""

    draw: InspectionDraw
    inspections: list[Inspection]


def inspections_draw(
    *,
    province: str,
    count: int,
    planned_for: dt.date,
    actor: Actor,
    inspector: str = "",
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> DrawResult:
    """Draw ``count`` offices of the province at random and plan a visit to each.

    Offices in service without an open visit may be drawn; risky ones weigh more. Visits go to the
    named inspector, or in turn to the province's inspectors. 409 ``inspection-quota-exceeded`` when
    the quarter of ``planned_for`` has fewer visits left than asked; 409 when no office or no inspector
    is there to draw; 422 for a count out of range or a day in the past. The seed (given, or made up
    here) is kept with the draw: the same seed on the same offices draws the same visits.
    """
    code = to_latin_digits(str(province or "").strip())
    if not has_perm(actor, "supervision.inspections", province=code or None):  # type: ignore[arg-type]
        raise PermissionDeniedError(_("You may not draw inspections in this province."))
    place = Province.objects.filter(code=code).first() if code else None
    if place is None:
        raise _invalid("province", _("Choose a province."))
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= DRAW_MAX:
        raise _invalid("count", _("Draw between 1 and %(max)s visits.") % {"max": DRAW_MAX})
    day = _planned_for_clean(planned_for, now)
    if seed is not None and (not isinstance(seed, int) or not 0 <= seed < 2**62):
        raise _invalid("seed", _("A seed is a whole number from 0."))
    chosen_inspector = _inspector_clean(inspector, code) if str(inspector or "").strip() else None
    seed = secrets.randbelow(2**31) if seed is None else seed
    quarter = jalali_quarter(day)
    quota = settings.PISHKHAN_INSPECTION_QUOTA_PER_QUARTER
    checklist = selectors.checklist_current()
    now = now or timezone.now()
    with transaction.atomic():
        # One draw at a time per province: the quota is counted and spent under this lock.
        Province.objects.select_for_update().filter(pk=place.pk).first()
        used = quota_used(province=place, quarter=quarter)
        if used + count > quota:
            raise QuotaExceededError(
                _(
                    "Province %(province)s has %(left)s of its %(quota)s random visits left for %(quarter)s; "
                    "%(count)s were asked for."
                )
                % {
                    "province": code,
                    "left": max(quota - used, 0),
                    "quota": quota,
                    "quarter": quarter,
                    "count": count,
                }
            )
        inspectors = (
            [chosen_inspector] if chosen_inspector else list(selectors.inspectors_of_province(province=code))
        )
        if not inspectors:
            raise ConflictError(_("No inspector may inspect in this province: add one first."))
        busy = Inspection.objects.filter(province=place, status__in=_OPEN).values("office_id")
        office_ids = list(
            Office.objects.filter(province=place, status=OfficeStatus.ACTIVE)
            .exclude(pk__in=busy)
            .values_list("pk", flat=True)
        )
        if not office_ids:
            raise ConflictError(_("No office of this province can be drawn (each has an open visit)."))
        risky_sets = [set(provider(province=code)) for provider in RISK_PROVIDERS]
        weights = draw_weights(office_ids, risky_sets, risk_weight=settings.PISHKHAN_INSPECTION_RISK_WEIGHT)
        picked = weighted_draw(weights, count, seed)
        draw = InspectionDraw.objects.create(
            province=place,
            quarter=quarter,
            seed=seed,
            requested=count,
            candidates=len(office_ids),
            risky=sum(1 for office_id in office_ids if weights[office_id] > 1),
            drawn_at=now,
            drawn_by=actor_label(actor),
        )
        offices = Office.objects.in_bulk(picked)
        inspections = [
            Inspection(
                office=offices[office_id],
                province=place,
                checklist=checklist,
                planned_for=day,
                planned_how=PlannedHow.RANDOM,
                draw=draw,
                inspector=inspectors[index % len(inspectors)],
                planned_at=now,
                planned_by=actor_label(actor),
            )
            for index, office_id in enumerate(picked)
        ]
        Inspection.objects.bulk_create(inspections)
        audit_record(
            actor=actor,
            action="inspection.draw",
            target=draw,
            after={
                "province": code,
                "quarter": quarter,
                "seed": seed,
                "requested": count,
                "candidates": len(office_ids),
                "offices": [offices[office_id].code for office_id in picked],
                "planned_for": day,
            },
        )
    return DrawResult(draw=draw, inspections=inspections)


# --- Carrying a visit out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoFacts:
    """What the content of an accepted photo showed."""

    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def photo_check(upload: Any, field: str = "photo") -> PhotoFacts:
    """Read an uploaded photo and accept it only if it is a JPEG or PNG by its content, within the
    size and pixel limits; ``ValidationError`` on ``field`` otherwise. The name is never trusted."""
    size = getattr(upload, "size", None)
    limit = settings.PISHKHAN_INSPECTION_PHOTO_MAX_BYTES
    if isinstance(size, int) and size > limit:
        raise _invalid(
            field,
            _("A photo may be at most %(mb)s MB; this one is %(size)s bytes.")
            % {"mb": round(limit / (1024 * 1024), 1), "size": size},
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if not content:
        raise _invalid(field, _("The photo is empty."))
    if len(content) > limit:
        raise _invalid(
            field, _("A photo may be at most %(mb)s MB.") % {"mb": round(limit / (1024 * 1024), 1)}
        )
    not_an_image = _("Only JPEG and PNG photos are accepted (checked by their content).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in PHOTO_FORMATS:
                    raise _invalid(field, not_an_image)
                if (
                    max(width, height) > settings.PISHKHAN_INSPECTION_PHOTO_MAX_SIDE
                    or width * height > settings.PISHKHAN_INSPECTION_PHOTO_MAX_PIXELS
                ):
                    raise _invalid(
                        field,
                        _("A photo of %(width)s × %(height)s pixels is too large.")
                        % {"width": width, "height": height},
                    )
                image.verify()
            # verify() leaves the image unusable: decode a fresh copy to catch a truncated file.
            with Image.open(io.BytesIO(content)) as image:
                image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise _invalid(field, not_an_image) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _invalid(field, _("The photo is damaged or incomplete.")) from error
    return PhotoFacts(
        content=content,
        content_type=PHOTO_FORMATS[image_format],
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _inspector_only(inspection: Inspection, actor: Actor) -> None:
    user = _user_of(actor)
    if (
        user is None
        or user.pk != inspection.inspector_id
        or not has_perm(actor, "supervision.inspect", province=inspection.province.code)  # type: ignore[arg-type]
    ):
        raise PermissionDeniedError(_("Only the inspector assigned to this visit carries it out."))


def score_of(results: Iterable[tuple[str, int]]) -> Decimal | None:
    """The weighted share (0–100) of applicable items passed, from (outcome, weight); None when no
    item applied."""
    passed = applicable = 0
    for outcome, weight in results:
        if outcome == ItemOutcome.NOT_APPLICABLE:
            continue
        applicable += weight
        if outcome == ItemOutcome.PASS:
            passed += weight
    if not applicable:
        return None
    return (Decimal(100 * passed) / Decimal(applicable)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Answer:
    """One item's result as the inspector gives it; an empty outcome leaves the item unanswered."""

    outcome: str = ""
    note: str = ""


@dataclass(frozen=True)
class Conducted:
    """The inspection after a conduct, and the photos stored by it."""

    inspection: Inspection
    photos: list[InspectionPhoto]


def inspection_conduct(
    *,
    inspection: Inspection,
    actor: Actor,
    answers: Mapping[str, Answer] | None = None,
    photos: Sequence[tuple[str, Any]] = (),
    note: str | None = None,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Conducted:
    """The inspector's work on a visit, in one go: the answers given (by item code), the photos
    (item code, uploaded file), the overall note; and with ``submit`` the submission, which needs
    every item answered and fixes the score.

    A planned visit is started by the first conduct. Refusals (422 naming ``item_<code>`` or
    ``photo_<code>``, 403 for anyone but its inspector, 409 once submitted or cancelled) change
    nothing and store no file.
    """
    answers = dict(answers or {})
    now = now or timezone.now()
    _inspector_only(inspection, actor)
    items = {item.code: item for item in ChecklistItem.objects.filter(version_id=inspection.checklist_id)}
    cleaned: dict[str, Answer] = {}
    for code, answer in answers.items():
        if code not in items:
            raise _invalid(f"item_{code}", _("This item is not on the visit's checklist."))
        if answer.outcome and answer.outcome not in ItemOutcome.values:
            raise _invalid(f"item_{code}", _("Choose pass, fail or not applicable."))
        cleaned[code] = Answer(answer.outcome, _note_clean(answer.note, f"note_{code}"))
    overall = None if note is None else _note_clean(note, "note")
    checked: list[tuple[ChecklistItem, PhotoFacts]] = []
    for code, upload in photos:
        if code not in items:
            raise _invalid(f"photo_{code}", _("This item is not on the visit's checklist."))
        checked.append((items[code], photo_check(upload, f"photo_{code}")))
    stored: list[InspectionPhoto] = []
    try:
        with transaction.atomic():
            locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
            if locked.status == InspectionStatus.PLANNED:
                transition_apply(
                    locked,
                    table=INSPECTION_TRANSITIONS,
                    to=InspectionStatus.IN_PROGRESS,
                    actor=actor,
                    action="inspection.start",
                    fields={"started_at": now},
                )
                locked.refresh_from_db()
            if locked.status != InspectionStatus.IN_PROGRESS:
                raise ConflictError(
                    _("This inspection is %(status)s: its results can no longer change.")
                    % {"status": InspectionStatus(locked.status).label}
                )
            existing = {
                result.item_id: result for result in InspectionResult.objects.filter(inspection=locked)
            }
            for code, answer in cleaned.items():
                item = items[code]
                result = existing.get(item.pk)
                if not answer.outcome:
                    if result is not None:
                        result.delete()
                        existing.pop(item.pk)
                    continue
                if result is None:
                    existing[item.pk] = InspectionResult.objects.create(
                        inspection=locked,
                        item=item,
                        outcome=answer.outcome,
                        note=answer.note,
                        recorded_at=now,
                    )
                elif (result.outcome, result.note) != (answer.outcome, answer.note):
                    result.outcome, result.note, result.recorded_at = answer.outcome, answer.note, now
                    result.save(update_fields=["outcome", "note", "recorded_at"])
            if checked and InspectionPhoto.objects.filter(inspection=locked).count() + len(checked) > (
                MAX_PHOTOS_PER_INSPECTION
            ):
                raise ConflictError(
                    _("An inspection carries at most %(count)s photos.")
                    % {"count": MAX_PHOTOS_PER_INSPECTION}
                )
            for item, facts in checked:
                photo = InspectionPhoto(
                    inspection=locked,
                    item=item,
                    content_type=facts.content_type,
                    size=len(facts.content),
                    width=facts.width,
                    height=facts.height,
                    sha256=facts.sha256,
                    uploaded_at=now,
                    uploaded_by=actor_label(actor),
                )
                photo.file.save("photo", ContentFile(facts.content), save=False)
                stored.append(photo)
                photo.save(force_insert=True)
            if overall is not None and overall != locked.note:
                locked.note = overall
                locked.save(update_fields=["note"])
            audit_record(
                actor=actor,
                action="inspection.record",
                target=locked,
                after={
                    "answered": {code: answer.outcome for code, answer in cleaned.items()},
                    "photos": [{"item": item.code, "sha256": facts.sha256} for item, facts in checked],
                },
            )
            if submit:
                missing = [code for code, item in items.items() if item.pk not in existing]
                if missing:
                    message = _("Answer every item before submitting.")
                    raise ValidationError(
                        message,
                        fields={
                            f"item_{code}": _("Choose pass, fail or not applicable.") for code in missing
                        },
                    )
                weights = {item.pk: item.weight for item in items.values()}
                score = score_of((result.outcome, weights[result.item_id]) for result in existing.values())
                locked = transition_apply(
                    locked,
                    table=INSPECTION_TRANSITIONS,
                    to=InspectionStatus.SUBMITTED,
                    actor=actor,
                    action="inspection.submit",
                    fields={"submitted_at": now, "score": score},
                )
    except BaseException:
        for photo in stored:  # no row, no file
            photo.file.delete(save=False)
        raise
    return Conducted(inspection=locked, photos=stored)


# --- The directorate's acts -------------------------------------------------------------------------


def _directorate_only(inspection: Inspection, actor: Actor) -> None:
    if not has_perm(actor, "supervision.inspections", province=inspection.province.code):  # type: ignore[arg-type]
        raise PermissionDeniedError(_("Only the province's directorate or the regulator may do this."))


def inspection_cancel(
    *, inspection: Inspection, reason: str, actor: Actor, now: dt.datetime | None = None
) -> Inspection:
    """Cancel a visit not yet submitted, with its reason (409 once submitted)."""
    _directorate_only(inspection, actor)
    reason = text_clean(reason, "reason", required=True)
    return transition_apply(
        inspection,
        table=INSPECTION_TRANSITIONS,
        to=InspectionStatus.CANCELLED,
        actor=actor,
        action="inspection.cancel",
        reason=reason,
        fields={"cancelled_at": now or timezone.now(), "cancel_reason": reason},
    )


def inspection_review(
    *, inspection: Inspection, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> Inspection:
    """The directorate marks a submitted visit reviewed, with an optional note (409 before submission)."""
    _directorate_only(inspection, actor)
    text = _note_clean(note, "note")
    return transition_apply(
        inspection,
        table=INSPECTION_TRANSITIONS,
        to=InspectionStatus.REVIEWED,
        actor=actor,
        action="inspection.review",
        fields={"reviewed_at": now or timezone.now(), "reviewed_by": actor_label(actor), "review_note": text},
        audited=["review_note"],
    )
