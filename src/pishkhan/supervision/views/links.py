"""The one way a page of supervision links to another part's form opened from it: a sanction case
or an inspection opened from a complaint, an alert or an inspection carries the office and its source
(``complaint:C-23-1405-00001``, ``alert:17``, ``inspection:4``), which the form prefills."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from pishkhan.accounts.permissions import Principal, has_perm

# What each follow-up needs of its caller, and the page that opens it.
FOLLOW_UPS = {
    "sanction": ("supervision.sanction", "supervision:sanction_new"),
    "inspection": ("supervision.inspections", "supervision:inspection_plan"),
}


def follow_up_url(
    principal: Principal, follow_up: str, *, office_code: str, province: str, source: str
) -> str:
    """The form that opens ``follow_up`` ("sanction" or "inspection") about an office of ``province``
    from ``source``, when the caller may open one there; "" otherwise."""
    perm, route = FOLLOW_UPS[follow_up]
    if not has_perm(principal, perm, province=province):
        return ""
    return f"{reverse(route)}?{urlencode({'office': office_code, 'source': source}, safe=':')}"
