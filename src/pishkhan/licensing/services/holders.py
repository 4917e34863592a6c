"""Who applies for and holds a licence: a person (national ID) or a company (its national company ID).

The identifier is kept as a keyed hash (equal identifiers match, none can be read back: the check
against recently revoked licences) and a mask. An application also keeps the full identifier and
mobile number sealed until its decision, because approving registers the office with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pishkhan.common.errors import ValidationError
from pishkhan.common.identifiers import (
    company_id_clean,
    mobile_clean,
    mobile_mask,
    national_id_clean,
    national_id_mask,
)
from pishkhan.common.persian import as_written, has_control_characters
from pishkhan.offices.models import Operator, OperatorKind, operator_key

NAME_MAX_LENGTH = 200


def holder_key(kind: str, identifier: str) -> str:
    """The keyed hash of a holder's clean identifier: the office registry's operator key, so that a
    licence's holder and the operator of its office match."""
    return operator_key(kind, identifier)


@dataclass(frozen=True)
class ApplicantDraft:
    """An applicant as typed: a person with a national ID, or a company with its national company ID."""

    kind: str
    name: str
    mobile: str
    national_id: str = ""
    company_id: str = ""


@dataclass(frozen=True)
class Holder:
    """A checked applicant or holder: the clean identifier, its keyed hash and mask, name and mobile."""

    kind: str
    name: str
    identifier: str
    mobile: str
    key: str
    masked: str

    @property
    def mobile_masked(self) -> str:
        """The mobile number as shown: ``0912***4567``."""
        return mobile_mask(self.mobile) if self.mobile else ""


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def applicant_clean(draft: ApplicantDraft, *, prefix: str = "applicant.") -> Holder:
    """The checked applicant: kind, name, identifier with its check digit, mobile number."""
    if not isinstance(draft, ApplicantDraft):
        _refuse(prefix.rstrip("."), _("Who applies is required."))
    if draft.kind not in OperatorKind.values:
        _refuse(f"{prefix}kind", _("An applicant is a person or a company."))
    if not isinstance(draft.name, str) or has_control_characters(draft.name):
        _refuse(f"{prefix}name", _("Control characters are not allowed."))
    name = as_written(draft.name)
    if not name:
        _refuse(f"{prefix}name", _("A name is required."))
    if len(name) > NAME_MAX_LENGTH:
        _refuse(f"{prefix}name", _("The name is too long."))
    mobile = mobile_clean(draft.mobile, field=f"{prefix}mobile")
    if draft.kind == OperatorKind.PERSON:
        if (draft.company_id or "").strip():
            _refuse(f"{prefix}company_id", _("A person has a national ID, not a company ID."))
        identifier = national_id_clean(draft.national_id, field=f"{prefix}national_id")
    else:
        if (draft.national_id or "").strip():
            _refuse(f"{prefix}national_id", _("A company has a company ID, not a national ID."))
        identifier = company_id_clean(draft.company_id, field=f"{prefix}company_id")
    return Holder(
        kind=draft.kind,
        name=name,
        identifier=identifier,
        mobile=mobile,
        key=holder_key(draft.kind, identifier),
        masked=national_id_mask(identifier),
    )


def holder_of_operator(operator: Operator) -> Holder:
    """The holder of an office's licence as its registry names it: the office's operator."""
    return Holder(
        kind=operator.kind,
        name=operator.name,
        identifier=operator.identifier,
        mobile=operator.mobile,
        key=operator.identifier_key,
        masked=operator.identifier_masked,
    )
