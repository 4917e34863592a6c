"""What the licensing pages share: the caller and where they may read, an application or a licence
or 404, choices of places, and the words for a step someone else took first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal
from pishkhan.accounts.permissions import principal_of as principal_of
from pishkhan.common.errors import ApplicationError, TransitionError
from pishkhan.common.languages import in_language
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.selectors import county_names, province_list
from pishkhan.licensing import selectors
from pishkhan.licensing.forms import APPLICATION_STATUS_LABELS
from pishkhan.licensing.models import (
    DOCUMENTS_WITH_EXPIRY,
    REQUIRED_DOCUMENTS,
    DocumentKind,
    Licence,
    LicenceApplication,
)
from pishkhan.licensing.states import LicenceStatus
from pishkhan.licensing.terms import today

PAGE_SIZE = 50
Scope = dict[str, str]


def scope_of(principal: Principal) -> Scope:
    """Where the caller reads licensing rows (``selectors.licensing_scope``); 403 where nowhere."""
    scope = selectors.licensing_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see licences or their applications."))
    return scope


def application_or_404(number: str, scope: Scope) -> LicenceApplication:
    """The application in scope; malformed, unknown or outside it all look missing."""
    try:
        return selectors.application_get(number=number, scope=scope)
    except ApplicationError:
        raise Http404(number) from None


def licence_or_404(number: str, scope: Scope) -> Licence:
    """The licence in scope; malformed, unknown or outside it all look missing."""
    try:
        return selectors.licence_get(number=number, scope=scope)
    except ApplicationError:
        raise Http404(number) from None


# --- Choices of places ----------------------------------------------------------------------------


def province_choices(only: str | None = None) -> list[tuple[str, str]]:
    return [
        (province.code, in_language(province.name_fa, province.name_en))
        for province in province_list()
        if only is None or province.code == only
    ]


def county_choices(province: str = "") -> list[tuple[str, Any]]:
    """The counties of a province, or every county grouped under its province when none is chosen."""
    if province:
        return [(code, in_language(fa, en)) for code, fa, en in county_names(province_code=province)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, fa, en in county_names():
        groups.setdefault(code[:2], []).append((code, in_language(fa, en)))
    return [(name, groups.get(code, [])) for code, name in province_choices()]


def filter_form(form_class: type, request: HttpRequest, scope: dict[str, str]) -> Any:
    """A list page's filter form, its place choices fitted to the caller's reach: provinces for a
    national caller, the counties of its own (or the asked) province, nothing of either for an office."""
    own = scope.get("province")
    national = not scope
    return form_class(
        request.GET or None,
        provinces=province_choices() if national else None,
        counties=county_choices(own or asked_province(request)) if (own or national) else [],
    )


def asked_province(request: HttpRequest, data: Any = None) -> str:
    """The province a form names (or the county's), to offer that province's counties."""
    data = data if data is not None else request.GET
    province = to_latin_digits(str(data.get("province") or "")).strip()
    county = to_latin_digits(str(data.get("county") or "")).strip()
    code = province or county[:2]
    return code if len(code) == 2 and code.isdigit() else ""


# --- What an application carries -----------------------------------------------------------------


def documents_checklist(application: LicenceApplication) -> list[dict[str, Any]]:
    """Each kind of document: whether it is required, and the valid copies and expired ones given.

    Read from the application's documents as loaded (the selector prefetches them): one look at the
    page tells the applicant, and the reviewer, what is still missing.
    """
    on = today()
    required = REQUIRED_DOCUMENTS[application.applicant_kind]
    documents = list(application.documents.all())
    rows = []
    for kind, label in DocumentKind.choices:
        given = [document for document in documents if document.kind == kind]
        valid = [d for d in given if d.expires_on is None or d.expires_on >= on]
        rows.append(
            {
                "kind": kind,
                "label": label,
                "required": kind in required,
                "expires": kind in DOCUMENTS_WITH_EXPIRY,
                "valid": valid,
                "expired": [d for d in given if d not in valid],
                "missing": kind in required and not valid,
            }
        )
    return rows


# --- A step someone else took first ---------------------------------------------------------------


def moved_on_message(exc: ApplicationError, current: Any) -> str:
    """The words for a refusal: a step no longer possible names where the row stands now.

    The transition table's own message is a developer's sentence; a person needs to know that someone
    else acted first, what the row is now, and that nothing was recorded.
    """
    if not isinstance(exc, TransitionError):
        return exc.detail
    if isinstance(current, LicenceApplication):
        status = APPLICATION_STATUS_LABELS.get(current.status, current.status)
        return _(
            "This application has moved on meanwhile: it is now “%(status)s”. Your step was not "
            "recorded; what you typed is kept below."
        ) % {"status": status}
    status = LicenceStatus(current.status).label
    return _(
        "This licence has changed meanwhile: it is now “%(status)s”. Your step was not recorded; what "
        "you typed is kept below."
    ) % {"status": status}
