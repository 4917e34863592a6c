"""Writes of citizens' complaints about offices: receiving one, taking it under review, closing it.

A complaint comes from the public page that a licence's verification links to; the office is named by
its code. The citizen stays anonymous: an optional mobile for the reply is checked, then kept only
masked and sealed. Each change is audited (the submission under the system's name: a citizen is not
an account); no audit entry holds the description or the mobile.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask
from pishkhan.common.persian import as_written, has_control_characters
from pishkhan.common.sealing import seal
from pishkhan.licensing.services import insert_numbered, number_prefix, text_clean
from pishkhan.offices.selectors import office_get
from pishkhan.supervision.models import COMPLAINT_TEXT_MAX, Complaint, ComplaintCategory
from pishkhan.supervision.states import COMPLAINT_TRANSITIONS, ComplaintStatus

COMPLAINT_LETTER = "C"


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: message})


def _description_clean(value: str) -> str:
    if has_control_characters(value or ""):
        raise _invalid("description", _("Control characters are not allowed."))
    text = as_written(value or "", lines=True)
    if not text:
        raise _invalid("description", _("Describe what happened."))
    if len(text) > COMPLAINT_TEXT_MAX:
        raise _invalid(
            "description",
            _("Keep the description within %(limit)s characters.") % {"limit": COMPLAINT_TEXT_MAX},
        )
    return text


def _mobile_clean(value: str) -> str:
    """The mobile in its national form, or "" when none was given."""
    if not (value or "").strip():
        return ""
    try:
        return mobile_clean(value)
    except ValidationError as error:
        raise _invalid("mobile", error.detail) from None


def complaint_submit(
    *, office_code: str, category: str, description: str, mobile: str = "", actor: Actor = None
) -> Complaint:
    """Receive a citizen's complaint about the office with this code; returns it with its number.

    ``ValidationError`` (naming the field) for a malformed or unknown office, an unknown category, an
    empty or overlong description, or a mobile that is not one; nothing is stored then.
    """
    try:
        office = office_get(code=office_code)
    except ValidationError:
        raise _invalid("office", _("An office code looks like P23-0001.")) from None
    except NotFoundError:
        raise _invalid("office", _("No office has this code.")) from None
    if category not in ComplaintCategory.values:
        raise _invalid("category", _("Choose what the complaint is about."))
    text = _description_clean(description)
    number = _mobile_clean(mobile)
    now = timezone.now()
    complaint = Complaint(
        office=office,
        category=category,
        description=text,
        mobile_masked=mobile_mask(number) if number else "",
        mobile_sealed=seal(number) if number else "",
        created_at=now,
    )
    with transaction.atomic():
        insert_numbered(complaint, prefix=number_prefix(COMPLAINT_LETTER, office.province.code, now))
        audit_record(actor=actor, action="complaint.submit", target=complaint, after=complaint.status)
    return complaint


def _move(
    complaint: Complaint, target: str, *, actor: Actor, action: str, reason: str = "", **fields: Any
) -> Complaint:
    """Change a complaint's status (and ``fields``) as ``COMPLAINT_TRANSITIONS`` allows; its audit entry
    holds the status before and after (never the description)."""
    return transition_apply(
        complaint,
        table=COMPLAINT_TRANSITIONS,
        to=target,
        rows=Complaint.objects.select_related("office"),
        fields=fields,
        record="state",
        actor=actor,
        action=action,
        reason=reason,
    )


def complaint_review(*, complaint: Complaint, actor: Actor) -> Complaint:
    """Take a received complaint under review (``TransitionError`` from any other state)."""
    return _move(
        complaint,
        ComplaintStatus.UNDER_REVIEW,
        actor=actor,
        action="complaint.review",
        reviewed_at=timezone.now(),
        reviewed_by=actor_label(actor),
    )


def complaint_close(*, complaint: Complaint, reason: str, actor: Actor) -> Complaint:
    """Close a complaint under review with its reason (required): what was found and what was done."""
    reason = text_clean(reason, "reason", required=True)
    return _move(
        complaint,
        ComplaintStatus.CLOSED,
        actor=actor,
        action="complaint.close",
        reason=reason,
        close_reason=reason,
        closed_at=timezone.now(),
        closed_by=actor_label(actor),
    )
