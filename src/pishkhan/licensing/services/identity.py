"""An application's identity bound to the applying account (docs/accounts.md, "Identity binding").

An account applies only under the national ID verified for it (sign-up, accounts/identity.py): a
person applicant is that ID (typed or left empty), a company applicant types its own company ID and is
represented by the account's verified person, whose ID the application keeps sealed and its audit
entry masked. Before sign-up verified identities an account could apply under any ID, and one did
under four, another holder's among them.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from pishkhan.accounts.identity import national_id_key
from pishkhan.accounts.models import User
from pishkhan.accounts.selectors import user_national_id
from pishkhan.common.identifiers import national_id_clean, national_id_mask
from pishkhan.licensing.errors import IdentityMismatchError, IdentityUnverifiedError
from pishkhan.licensing.services.holders import ApplicantDraft
from pishkhan.offices.models import OperatorKind

_FIELD = "applicant.national_id"


def applicant_bound(draft: ApplicantDraft, user: User) -> tuple[ApplicantDraft, str]:
    """The applicant as the account may apply, and the national ID of the company's representative
    ("" for a person, who is the applicant).

    A person's empty national ID becomes the account's; another one is refused
    (``IdentityMismatchError``), as is an account that verified none (``IdentityUnverifiedError``).
    """
    own = user_national_id(user=user) if user.national_id_key else ""
    if not own:
        raise IdentityUnverifiedError(
            _(
                "Your account's national ID is not verified. Verify it (a code is texted to the mobile "
                "registered to it) and apply under it."
            )
        )
    if not isinstance(draft, ApplicantDraft) or draft.kind != OperatorKind.PERSON:
        return draft, own
    typed = (draft.national_id or "").strip()
    if not typed:
        return dataclasses.replace(draft, national_id=own), ""
    typed = national_id_clean(typed, field=_FIELD)
    if national_id_key(typed) != user.national_id_key:
        message = _(
            "You may apply only under the national ID verified for your account (%(masked)s), "
            "not under another person's."
        ) % {"masked": user.national_id_masked}
        raise IdentityMismatchError(message, fields={_FIELD: message})
    return draft, ""


def identity_facts(representative: str, *, sealed: bool) -> dict[str, str]:
    """A company's representative: in full for the application's sealed identity, masked for the audit
    log; nothing for a person's application."""
    if not representative:
        return {}
    return {"representative": representative if sealed else national_id_mask(representative)}
