"""The front office's writes: a citizen rates a completed transaction, once.

Only whoever holds the tracking code *and* the citizen's national ID may rate (the tracking page's
test, ``transactions.selectors.transaction_track``), and only once the transaction is completed; the
rating then counts in the office's monthly score (supervision's ``ratings`` component) and in the
aggregate on the office's public page.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pishkhan.audit.services import audit_record
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.persian import as_written, has_control_characters
from pishkhan.frontoffice.models import COMMENT_MAX, Rating
from pishkhan.transactions.selectors import transaction_track
from pishkhan.transactions.states import TransactionState


def _stars_clean(value: object) -> int:
    try:
        stars = int(str(value).strip())
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        message = _("Give from 1 to 5 stars.")
        raise ValidationError(message, fields={"stars": message})
    return stars


def _comment_clean(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if has_control_characters(text):
        message = _("The comment holds characters that cannot be stored.")
        raise ValidationError(message, fields={"comment": message})
    text = as_written(text, lines=True)
    if len(text) > COMMENT_MAX:
        message = _("A comment is at most %(max)d characters.") % {"max": COMMENT_MAX}
        raise ValidationError(message, fields={"comment": message})
    return text


def rating_submit(*, tracking_code: str, national_id: str, stars: object, comment: object = "") -> Rating:
    """Record a citizen's rating of a completed transaction; returns it.

    ``NotFoundError`` when the code and national ID do not match a transaction (alike for either
    wrong), ``ConflictError`` when it is not completed or already rated, ``ValidationError`` (naming
    the field) for stars outside 1–5 or an overlong comment. Nothing is stored on a refusal.
    """
    stars, text = _stars_clean(stars), _comment_clean(comment)
    tracked = transaction_track(tracking_code=tracking_code, national_id=national_id)
    if tracked is None:
        raise NotFoundError(_("No transaction matches this tracking code and national ID."))
    if tracked.state != TransactionState.COMPLETED:
        raise ConflictError(_("A transaction can be rated once it is completed."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                transaction_id=tracked.transaction_id, office_id=tracked.office_id, stars=stars, comment=text
            )
            audit_record(actor=None, action="rating.submit", target=rating, after={"stars": stars})
    except IntegrityError:
        raise ConflictError(_("This transaction has already been rated. Thank you!")) from None
    return rating
