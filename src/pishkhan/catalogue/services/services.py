"""Publishing and changing an agency's services, their office kinds and outsourcing status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import SERVICE_CODE_LENGTH, Agency, OutsourcingStatus, Service
from pishkhan.catalogue.selectors import kinds_key
from pishkhan.catalogue.services.checks import (
    Cleaner,
    Problems,
    choice_of,
    clean,
    flag_clean,
    text_clean,
    text_of,
    today_in_iran,
    whole_of,
)
from pishkhan.common.errors import ConflictError
from pishkhan.common.persian import search_key
from pishkhan.common.writes import UNSET, insert_or_conflict

SERVICE_SLUG_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TRIPS_SAVED = 20
MAX_TARGET_MINUTES = 60 * 24 * 90  # a quarter of a year: anything longer is a typo
MAX_DOCUMENTS, MAX_DOCUMENT_LENGTH = 30, 200
MAX_TEXT_LENGTH = 5000


def _service_search_key(service: Service) -> str:
    keys = (search_key(service.title_fa), search_key(service.title_en), search_key(service.code))
    return " ".join(key for key in keys if key)


_KIND_ORDER = {kind: position for position, kind in enumerate(OfficeKind.values)}


def _office_kinds_clean(problems: Problems, field: str, kinds: object) -> list[str]:
    """The kinds in their canonical order; a service no kind of office may deliver is refused."""
    if isinstance(kinds, str) or not isinstance(kinds, Iterable):
        problems.add(field, _("Give a list of office kinds."))
        return []
    kinds = list(kinds)
    if not kinds:
        problems.add(field, _("A service must be deliverable by at least one kind of office."))
        return []
    unknown = [str(kind) for kind in kinds if not isinstance(kind, str) or kind not in _KIND_ORDER]
    if unknown:
        problems.add(field, _("Unknown office kind: %(kinds)s.") % {"kinds": ", ".join(unknown)[:200]})
        return []
    if len(set(kinds)) != len(kinds):
        problems.add(field, _("An office kind is listed twice."))
        return []
    return sorted((str(kind) for kind in kinds), key=_KIND_ORDER.__getitem__)


def _documents_clean(problems: Problems, field: str, documents: object) -> list[str]:
    if isinstance(documents, str) or not isinstance(documents, Iterable):
        problems.add(field, _("Give a list of documents."))
        return []
    cleaned = []
    for document in documents:
        text = text_clean(problems, field, document, max_length=MAX_DOCUMENT_LENGTH, required=False)
        if text:
            cleaned.append(text)
    if len(cleaned) > MAX_DOCUMENTS:
        problems.add(field, _("At most %(count)d documents.") % {"count": MAX_DOCUMENTS})
    return cleaned


def _legal_date_clean(problems: Problems, field: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problems.add(field, _("Give a date."))
        return None
    if value > today_in_iran():
        problems.add(field, _("The legal basis cannot be dated in the future."))
    return value


_SERVICE_CLEANERS: dict[str, Cleaner] = {
    "title_fa": text_of(200),
    "title_en": text_of(200),
    "description_fa": text_of(MAX_TEXT_LENGTH, required=False),
    "description_en": text_of(MAX_TEXT_LENGTH, required=False),
    "required_documents": _documents_clean,
    "trips_saved": whole_of(0, MAX_TRIPS_SAVED),
    "target_minutes": whole_of(1, MAX_TARGET_MINUTES),
    "office_kinds": _office_kinds_clean,
    "outsourcing": choice_of(OutsourcingStatus),
    "legal_basis": text_of(MAX_TEXT_LENGTH, required=False),
    "legal_date": _legal_date_clean,
    "active": flag_clean,
}


def _service_facts(service: Service) -> dict[str, Any]:
    return {"code": service.code, "agency": service.agency.code} | {
        name: getattr(service, name) for name in _SERVICE_CLEANERS
    }


def _prohibition_check(problems: Problems, service: Service) -> None:
    if service.outsourcing == OutsourcingStatus.PROHIBITED and not service.legal_basis:
        problems.add("legal_basis", _("A prohibition of outsourcing must cite the law that prohibits it."))


def service_create(
    *,
    agency: Agency,
    code: str,
    title_fa: str,
    title_en: str,
    trips_saved: int,
    target_minutes: int,
    office_kinds: Iterable[str],
    outsourcing: str = OutsourcingStatus.OUTSOURCED,
    legal_basis: str = "",
    legal_date: dt.date | None = None,
    description_fa: str = "",
    description_en: str = "",
    required_documents: Iterable[str] = (),
    active: bool = True,
    actor: Actor,
) -> Service:
    """Publish a service of an agency.

    ``code`` is the agency's code, a dot and a slug (``sabt.birth-certificate-copy``); the slug alone
    is accepted and prefixed. At least one kind of office must be allowed to deliver it; a
    prohibited service cites its legal basis.
    """
    given = {name: value for name, value in locals().items() if name in _SERVICE_CLEANERS}
    problems = Problems()
    code = (code or "").strip().lower() if isinstance(code, str) else ""
    prefix = agency.code + "."
    slug = code.removeprefix(prefix)
    if not SERVICE_SLUG_SHAPE.fullmatch(slug) or len(prefix + slug) > SERVICE_CODE_LENGTH:
        problems.add(
            "code",
            _("A service code is %(prefix)s followed by lowercase Latin letters, digits and single dashes.")
            % {"prefix": prefix},
        )
    code = prefix + slug
    service = Service(agency=agency, code=code, **clean(problems, _SERVICE_CLEANERS, given))
    _prohibition_check(problems, service)
    problems.raise_if_any()
    service.office_kinds_key = kinds_key(service.office_kinds)
    service.search_key = _service_search_key(service)
    with transaction.atomic():
        taken = _("A service with the code %(code)s exists already.") % {"code": code}
        if Service.objects.filter(code=code).exists():
            raise ConflictError(taken, fields={"code": taken})
        insert_or_conflict(service, message=taken, field="code")
        audit_record(
            actor=actor,
            action="service.create",
            target=service,
            after=_service_facts(service),
            basis=service.legal_basis,
        )
    return service


def service_update(
    *,
    service: Service,
    actor: Actor,
    title_fa: str = UNSET,
    title_en: str = UNSET,
    description_fa: str = UNSET,
    description_en: str = UNSET,
    required_documents: Iterable[str] = UNSET,
    trips_saved: int = UNSET,
    target_minutes: int = UNSET,
    office_kinds: Iterable[str] = UNSET,
    outsourcing: str = UNSET,
    legal_basis: str = UNSET,
    legal_date: dt.date | None = UNSET,
    active: bool = UNSET,
    reason: str = "",
) -> Service:
    """Change a service; only what is passed changes.

    A change of outsourcing status must come with the new legal basis that allows it (passed in the
    same call, different from the old one), which the audit entry records as its basis.
    """
    given = {
        name: value for name, value in locals().items() if name in _SERVICE_CLEANERS and value is not UNSET
    }
    problems = Problems()
    values = clean(problems, _SERVICE_CLEANERS, given)
    problems.raise_if_any()
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("agency").get(pk=service.pk)
        before = _service_facts(service)
        changed = {name: value for name, value in values.items() if before[name] != value}
        if not changed:
            return service
        # A new status rests on a new instrument (a law, a decision): the basis of the old status
        # cannot justify it.
        if "outsourcing" in changed and "legal_basis" not in changed:
            problems.add(
                "legal_basis", _("A change of outsourcing status must cite the legal basis for the change.")
            )
        for name, value in changed.items():
            setattr(service, name, value)
        _prohibition_check(problems, service)
        problems.raise_if_any()
        service.office_kinds_key = kinds_key(service.office_kinds)
        service.search_key = _service_search_key(service)
        service.save(update_fields=[*changed, "office_kinds_key", "search_key", "updated_at"])
        audit_record(
            actor=actor,
            action="service.outsourcing_change" if "outsourcing" in changed else "service.update",
            target=service,
            before={name: before[name] for name in changed},
            after=changed,
            reason=reason,
            basis=service.legal_basis if "outsourcing" in changed else "",
        )
    return service
