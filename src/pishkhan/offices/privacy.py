"""The registry's personal data for a subject access request (``pishkhan.privacy`` calls it): the
offices whose operator is this person. Operators are kept while their office is registered; their
national ID and mobile are sealed, and found by the keyed hash of the national ID."""

from __future__ import annotations

from typing import Any

from pishkhan.offices.models import Operator, OperatorKind, operator_key


def operator_export(*, national_id: str) -> list[dict[str, Any]]:
    """The offices run by the person with this (clean) national ID, with what the registry holds."""
    key = operator_key(OperatorKind.PERSON, national_id)
    rows = Operator.objects.filter(identifier_key=key).select_related("office").order_by("office__code")
    return [
        {
            "office": row.office.code,
            "office_name": row.office.name,
            "kind": row.kind,
            "name": row.name,
            "national_id": row.national_id,
            "mobile": row.mobile,
        }
        for row in rows
    ]
