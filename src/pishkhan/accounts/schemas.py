"""API shapes of accounts."""

from __future__ import annotations

from ninja import Schema


class PrincipalOut(Schema):
    """Who the caller is, as the API sees it."""

    label: str
    role: str
    jurisdiction_kind: str
    jurisdiction_code: str
    permissions: list[str]
