"""The states of a working group's sessions and of their agenda items (the group's decisions), and
the moves between them, as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.common.transitions import TransitionTable


class SessionStatus(models.TextChoices):
    """Where a working group's session stands."""

    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A session is scheduled, opened (attendance taken), then closed with its minutes; a scheduled one may
# be cancelled. Closed and cancelled are final.
SESSION_TRANSITIONS = TransitionTable.of(
    "working group session",
    {
        SessionStatus.SCHEDULED: {SessionStatus.OPEN, SessionStatus.CANCELLED},
        SessionStatus.OPEN: {SessionStatus.CLOSED},
        SessionStatus.CLOSED: set(),
        SessionStatus.CANCELLED: set(),
    },
)


class ItemStatus(models.TextChoices):
    """Where an agenda item stands: open to vote, then decided; a carried decision is in force until
    the regulator confirms it or returns it."""

    OPEN = "open", _("Open")
    CARRIED = "carried", _("Carried (in force)")
    NOT_CARRIED = "not_carried", _("Not carried")
    DEFERRED = "deferred", _("Deferred (session closed undecided)")
    CONFIRMED = "confirmed", _("Confirmed by the regulator")
    RETURNED = "returned", _("Returned by the regulator")


# carried → returned puts the quotas back as they were; the county comes up again at a later session.
ITEM_TRANSITIONS = TransitionTable.of(
    "agenda item",
    {
        ItemStatus.OPEN: {ItemStatus.CARRIED, ItemStatus.NOT_CARRIED, ItemStatus.DEFERRED},
        ItemStatus.CARRIED: {ItemStatus.CONFIRMED, ItemStatus.RETURNED},
        ItemStatus.NOT_CARRIED: set(),
        ItemStatus.DEFERRED: set(),
        ItemStatus.CONFIRMED: set(),
        ItemStatus.RETURNED: set(),
    },
)
DECIDED_STATES = frozenset(
    {ItemStatus.CARRIED, ItemStatus.NOT_CARRIED, ItemStatus.CONFIRMED, ItemStatus.RETURNED}
)


class MemberRole(models.TextChoices):
    """Who sits in a province's working group."""

    CHAIR = "chair", _("Director-General of ICT (chair)")
    GOVERNORATE = "governorate", _("Representative of the governorate")
    EMPLOYMENT = "employment", _("Representative of the Administrative and Employment Affairs Organization")
    INVITED = "invited", _("Invited member")


class VoteChoice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")
