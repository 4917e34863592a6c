"""Jurisdiction codes: their shape, and whether the thing they name exists.

Existence is answered by the domain that owns the codes, through a *resolver* registered here when
Django starts: the catalogue registers its agencies and the offices registry its offices from their
``AppConfig.ready()`` (they sit above accounts, which never imports them), and accounts registers
geo's provinces in its own (geo sits below accounts). A resolver takes a collection of codes and
returns those that exist, so a batch of thousands is checked in one question. Every kind but the
national one must have a resolver: a code of a kind nobody registered is an error, never taken on
trust nor refused in silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from pishkhan.accounts.roles import JurisdictionKind, Role, role_jurisdiction_kind
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits

CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,16}")
PROVINCE_CODE_SHAPE = re.compile(r"[0-9]{2}")


Resolver = Callable[[Collection[str]], set[str]]

_RESOLVERS: dict[str, Resolver] = {}


def resolver_register(kind: str, resolver: Resolver, *, replace: bool = False) -> Resolver | None:
    """Make ``resolver`` the one that says which codes of ``kind`` exist; returns the one it replaced.

    A second, different resolver of a kind is refused unless ``replace`` is given (a test standing in
    for the owning domain): two domains each claiming the same codes would be a wiring mistake.
    """
    if kind not in JurisdictionKind.values or kind == JurisdictionKind.NATIONAL:
        raise ImproperlyConfigured(f"No resolver can be registered for the jurisdiction kind {kind!r}.")
    previous = _RESOLVERS.get(kind)
    if previous is not None and previous is not resolver and not replace:
        raise ImproperlyConfigured(
            f"{previous.__module__}.{previous.__qualname__} already resolves {kind!r} jurisdiction codes."
        )
    _RESOLVERS[kind] = resolver
    return previous


def resolver_unregister(kind: str) -> Resolver | None:
    """Forget the resolver of ``kind`` (a test of a kind nobody registered); returns it."""
    return _RESOLVERS.pop(kind, None)


def resolver_registered(kind: str) -> Resolver | None:
    """The resolver registered for ``kind``, or None."""
    return _RESOLVERS.get(kind)


def _resolver(kind: str) -> Resolver:
    resolver = _RESOLVERS.get(kind)
    if resolver is None:
        raise ImproperlyConfigured(
            f"No resolver of {kind!r} jurisdiction codes is registered: the domain that owns them "
            "registers one in its AppConfig.ready() (see pishkhan.accounts.jurisdictions)."
        )
    return resolver


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
    """Those of ``codes`` (already shaped) that name nothing of ``kind``.

    Raises ``ImproperlyConfigured`` when no resolver of ``kind`` is registered.
    """
    if not codes:
        return set()
    return set(codes) - set(_resolver(kind)(codes))


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
