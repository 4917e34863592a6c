"""Registering and changing agencies."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import AGENCY_CODE_LENGTH, Agency, AgencyKind, BackendAdapter
from pishkhan.catalogue.services.checks import (
    Cleaner,
    Problems,
    choice_of,
    clean,
    email_clean,
    flag_clean,
    phone_clean,
    text_of,
    url_clean,
    whole_of,
)
from pishkhan.common.errors import ConflictError
from pishkhan.common.persian import search_key, to_latin_digits
from pishkhan.common.writes import UNSET, insert_or_conflict

# An agency code is also the code of a jurisdiction (accounts accepts 1–16 letters, digits, - and _);
# lowercase Latin keeps URLs and API keys unambiguous.
AGENCY_CODE_SHAPE = re.compile(rf"[a-z][a-z0-9-]{{0,{AGENCY_CODE_LENGTH - 1}}}")
TIMEOUT_RANGE = (1, 120)


def _agency_search_key(agency: Agency) -> str:
    keys = (search_key(agency.name_fa), search_key(agency.name_en), search_key(agency.code))
    return " ".join(key for key in keys if key)


_AGENCY_CLEANERS: dict[str, Cleaner] = {
    "name_fa": text_of(200),
    "name_en": text_of(200),
    "kind": choice_of(AgencyKind),
    "email": email_clean,
    "phone": phone_clean,
    "website": url_clean,
    "adapter": choice_of(BackendAdapter),
    "base_url": url_clean,
    "timeout_seconds": whole_of(*TIMEOUT_RANGE),
    "active": flag_clean,
}


def _agency_facts(agency: Agency) -> dict[str, Any]:
    return {"code": agency.code} | {name: getattr(agency, name) for name in _AGENCY_CLEANERS}


def _agency_backend_check(problems: Problems, agency: Agency) -> None:
    if agency.adapter == BackendAdapter.HTTP and not agency.base_url:
        problems.add("base_url", _("An HTTP back-end needs its base URL."))


def agency_create(
    *,
    code: str,
    name_fa: str,
    name_en: str,
    kind: str,
    email: str = "",
    phone: str = "",
    website: str = "",
    adapter: str = BackendAdapter.SANDBOX,
    base_url: str = "",
    timeout_seconds: int = 10,
    active: bool = True,
    actor: Actor,
) -> Agency:
    """Register an agency. Its code is permanent: users, API keys and service codes refer to it."""
    # The arguments named like a field are that field's value (read before any other local exists).
    given = {name: value for name, value in locals().items() if name in _AGENCY_CLEANERS}
    problems = Problems()
    code = to_latin_digits((code or "").strip().lower()) if isinstance(code, str) else ""
    if not AGENCY_CODE_SHAPE.fullmatch(code):
        problems.add(
            "code",
            _("An agency code is 1 to 16 lowercase Latin letters, digits or '-', starting with a letter."),
        )
    agency = Agency(code=code, **clean(problems, _AGENCY_CLEANERS, given))
    _agency_backend_check(problems, agency)
    problems.raise_if_any()
    agency.search_key = _agency_search_key(agency)
    with transaction.atomic():
        taken = _("An agency with the code %(code)s exists already.") % {"code": code}
        if Agency.objects.filter(code=code).exists():
            raise ConflictError(taken, fields={"code": taken})
        insert_or_conflict(agency, message=taken, field="code")
        audit_record(actor=actor, action="agency.create", target=agency, after=_agency_facts(agency))
    return agency


def agency_update(
    *,
    agency: Agency,
    actor: Actor,
    name_fa: str = UNSET,
    name_en: str = UNSET,
    kind: str = UNSET,
    email: str = UNSET,
    phone: str = UNSET,
    website: str = UNSET,
    adapter: str = UNSET,
    base_url: str = UNSET,
    timeout_seconds: int = UNSET,
    active: bool = UNSET,
    reason: str = "",
) -> Agency:
    """Change an agency's names, contact or back-end settings; only what is passed changes.

    The code never changes (users, keys and service codes refer to it).
    """
    given = {
        name: value for name, value in locals().items() if name in _AGENCY_CLEANERS and value is not UNSET
    }
    problems = Problems()
    values = clean(problems, _AGENCY_CLEANERS, given)
    problems.raise_if_any()
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = _agency_facts(agency)
        changed = {name: value for name, value in values.items() if before[name] != value}
        if not changed:
            return agency
        for name, value in changed.items():
            setattr(agency, name, value)
        _agency_backend_check(problems, agency)
        problems.raise_if_any()
        agency.search_key = _agency_search_key(agency)
        agency.save(update_fields=[*changed, "search_key", "updated_at"])
        audit_record(
            actor=actor,
            action="agency.update",
            target=agency,
            before={name: before[name] for name in changed},
            after=changed,
            reason=reason,
        )
    return agency
