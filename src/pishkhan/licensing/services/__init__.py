"""Every write of licensing. One module per concept; import from here.

- ``holders``: who applies and holds (identifier checked, kept as a keyed hash and a mask)
- ``documents``: an application's documents (type by content, size, expiry)
- ``applications``: submit, take under review, recommend or not, decide, withdraw
- ``licences``: issue, activate (equipped and connected), suspend, reinstate, revoke, surrender,
  expire, renew, and the sign of life from the office's system
- ``quotas``: counties' quotas and the check an approval makes
- ``conversions``: the Pishkhan licence of a converted office
- ``imports``: licences by the thousand (an import, the demo)
- ``proceedings``: the due process before a measure: notice, response window, hearing, appeal, decision

For the domains above licensing (supervision's complaints and campaigns): ``text_clean``, the check
of a reason or legal basis every licensing write makes, and ``insert_numbered``/``number_prefix``,
the dense yearly numbers per province (``C-23-1405-00007``) licences and applications carry.
"""

from pishkhan.licensing.services.applications import (
    application_decide,
    application_review,
    application_submit,
    application_take,
    application_withdraw,
)
from pishkhan.licensing.services.conversions import (
    licence_issue_for_conversion,
    licences_issue_for_conversions,
)
from pishkhan.licensing.services.documents import MAX_DOCUMENT_BYTES, application_document_add
from pishkhan.licensing.services.holders import ApplicantDraft, holder_key
from pishkhan.licensing.services.imports import BASIS_IMPORT, LicenceDraft, licences_issue_many
from pishkhan.licensing.services.inputs import text_clean
from pishkhan.licensing.services.licences import (
    licence_activate,
    licence_expire,
    licence_reinstate,
    licence_renew,
    licence_revoke,
    licence_signal,
    licence_surrender,
    licence_suspend,
    licences_expire_ended,
    licences_reinstate_ended,
)
from pishkhan.licensing.services.numbers import insert_numbered, number_prefix
from pishkhan.licensing.services.proceedings import (
    proceeding_appeal_decide,
    proceeding_appeal_lodge,
    proceeding_decide,
    proceeding_drop,
    proceeding_enforce,
    proceeding_hearing_hold,
    proceeding_hearing_schedule,
    proceeding_open,
)
from pishkhan.licensing.services.quotas import MAX_QUOTA, county_quota_clear, county_quota_set

__all__ = [
    "BASIS_IMPORT",
    "MAX_DOCUMENT_BYTES",
    "MAX_QUOTA",
    "ApplicantDraft",
    "LicenceDraft",
    "application_decide",
    "application_document_add",
    "application_review",
    "application_submit",
    "application_take",
    "application_withdraw",
    "county_quota_clear",
    "county_quota_set",
    "holder_key",
    "insert_numbered",
    "licence_activate",
    "licence_expire",
    "licence_issue_for_conversion",
    "licence_reinstate",
    "licence_renew",
    "licence_revoke",
    "licence_signal",
    "licence_surrender",
    "licence_suspend",
    "licences_expire_ended",
    "licences_issue_for_conversions",
    "licences_issue_many",
    "licences_reinstate_ended",
    "number_prefix",
    "proceeding_appeal_decide",
    "proceeding_appeal_lodge",
    "proceeding_decide",
    "proceeding_drop",
    "proceeding_enforce",
    "proceeding_hearing_hold",
    "proceeding_hearing_schedule",
    "proceeding_open",
    "text_clean",
]
