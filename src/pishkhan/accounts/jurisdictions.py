"""Jurisdiction codes: their shape, and whether the thing they name exists.

Existence is answered by the domain that owns the codes (geo for provinces, offices for offices),
named in ``settings.PISHKHAN_JURISDICTION_RESOLVERS`` by dotted path, so accounts, a low layer,
never imports them. A resolver takes a collection of codes and returns those that exist, so a batch
of thousands is checked in one question. A kind without a resolver is checked for shape only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from pishkhan.accounts.roles import JurisdictionKind, Role, role_jurisdiction_kind
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits

CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,16}")
PROVINCE_CODE_SHAPE = re.compile(r"[0-9]{2}")


def _resolver(kind: str) -> Callable[[Collection[str]], set[str]] | None:
    # Read at call time, so a test or a later domain can change the mapping without a restart.
    resolver = getattr(settings, "PISHKHAN_JURISDICTION_RESOLVERS", {}).get(kind)
    if resolver is None or callable(resolver):
        return resolver
    return import_string(resolver)


def jurisdiction_code_clean(kind: str, code: str, *, field: str = "jurisdiction_code") -> str:
    """The code in its stored form (trimmed, Latin digits) after checking its shape and existence.

    Raises ``ValidationError`` (naming ``field``) when the code is malformed or unknown, or given
    for the national jurisdiction, which has none.
    """
    code = to_latin_digits((code or "").strip())
    if kind not in JurisdictionKind.values:
        raise ValidationError(
            _("Unknown jurisdiction kind."), fields={field: _("Unknown jurisdiction kind.")}
        )
    if kind == JurisdictionKind.NATIONAL:
        if code:
            message = _("The national jurisdiction takes no code.")
            raise ValidationError(message, fields={field: message})
        return ""
    _shape_check(kind, code, field)
    if jurisdiction_codes_unknown(kind, {code}):
        _refuse_unknown(kind, code, field)
    return code


def jurisdiction_codes_clean(kind: str, codes: Collection[str], *, field: str) -> list[str]:
    """:func:`jurisdiction_code_clean` for many codes of one kind (not national): their existence is
    one question. The first malformed or unknown code refuses them all."""
    cleaned = [to_latin_digits((code or "").strip()) for code in codes]
    for code in sorted(set(cleaned)):
        _shape_check(kind, code, field)
    unknown = jurisdiction_codes_unknown(kind, set(cleaned))
    if unknown:
        _refuse_unknown(kind, min(unknown), field)
    return cleaned


def _shape_check(kind: str, code: str, field: str) -> None:
    shape = PROVINCE_CODE_SHAPE if kind == JurisdictionKind.PROVINCE else CODE_SHAPE
    if not shape.fullmatch(code):
        message = (
            _("A province code is two digits.")
            if kind == JurisdictionKind.PROVINCE
            else _("A code is 1 to 16 letters, digits, '-' or '_'.")
        )
        raise ValidationError(message, fields={field: message})


def _refuse_unknown(kind: str, code: str, field: str) -> None:
    message = _("No %(kind)s has the code %(code)s.") % {"kind": JurisdictionKind(kind).label, "code": code}
    raise ValidationError(message, fields={field: message})


def jurisdiction_codes_unknown(kind: str, codes: Collection[str]) -> set[str]:
    """Those of ``codes`` (already shaped) that name nothing of ``kind``; none when it has no resolver."""
    resolver = _resolver(kind)
    if resolver is None or not codes:
        return set()
    return set(codes) - set(resolver(codes))


def role_jurisdiction_clean(role: str, code: str) -> tuple[str, str, str]:
    """(role, jurisdiction kind, code) for a role and a code, checked against the roles table.

    The kind follows from the role and the code (see ``roles.role_jurisdiction_kind``); an empty
    role ("no role yet") is national with no code. Raises ``ValidationError`` naming ``role`` or
    ``jurisdiction_code``.
    """
    role, kind, code = _role_kind(role, code)
    return role, kind, jurisdiction_code_clean(kind, code)


def _role_kind(role: str, code: str) -> tuple[str, str, str]:
    """(role, kind, code with Latin digits): the roles-table half of ``role_jurisdiction_clean``."""
    code = to_latin_digits((code or "").strip())
    if role == "":
        # No role yet: the user may sign in and do nothing, anywhere in particular.
        if code:
            message = _("A user without a role has no jurisdiction.")
            raise ValidationError(message, fields={"jurisdiction_code": message})
        return "", JurisdictionKind.NATIONAL.value, ""
    if role not in Role.values:
        message = _("Unknown role.")
        raise ValidationError(message, fields={"role": message})
    try:
        kind = role_jurisdiction_kind(role, code)
    except LookupError:
        message = (
            _("This role needs a jurisdiction code.")
            if not code
            else _("This role cannot have a jurisdiction of this kind.")
        )
        raise ValidationError(message, fields={"jurisdiction_code": message}) from None
    return role, kind.value, code


def role_jurisdictions_clean(
    pairs: Collection[tuple[str, str]],
) -> dict[tuple[str, str], tuple[str, str, str]]:
    """``role_jurisdiction_clean`` for many (role, code) pairs, asking each resolver once for all codes."""
    shaped: dict[tuple[str, str], tuple[str, str, str]] = {}
    by_kind: dict[str, set[str]] = {}
    for role, code in pairs:
        role_, kind, clean = _role_kind(role, code)
        if kind != JurisdictionKind.NATIONAL:
            _shape_check(kind, clean, "jurisdiction_code")
            by_kind.setdefault(kind, set()).add(clean)
        shaped[(role, code)] = (role_, kind, clean)
    for kind, codes in by_kind.items():
        unknown = jurisdiction_codes_unknown(kind, codes)
        if unknown:
            _refuse_unknown(kind, sorted(unknown)[0], "jurisdiction_code")
    return shaped
