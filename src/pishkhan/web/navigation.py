"""The site's main navigation, as data: which pages each signed-in principal sees in the menu.

A domain that adds a page adds its entry to ``MENU`` with the permission the page's view demands
(the same string it passes to ``permission_required``), so the menu never offers a page that would
answer 403. Whether a principal holds a permission is decided by accounts' permission layer alone;
nothing here tests a role by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.permissions import Principal, has_perm, principal_from_request
from pishkhan.accounts.roles import JurisdictionKind, Role

# Who may see an entry: everyone, anyone signed in, staff of the Django admin, or holders of a permission.
EVERYONE = "everyone"
SIGNED_IN = "signed_in"
STAFF = "staff"


@dataclass(frozen=True)
class MenuEntry:
    """One menu entry: its label, the URL name it links to, and who sees it."""

    label: str | Promise
    url_name: str
    audience: str = EVERYONE  # EVERYONE, SIGNED_IN, STAFF or a permission such as "audit.view"
    # The kinds of jurisdiction whose principals see it (JurisdictionKind values); empty: any. One page
    # may serve an office's own people under one name and supervisors under another.
    jurisdictions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NavItem:
    """An entry as shown to one request: resolved URL and whether it is the current page."""

    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Navigation:
    """What the header shows a request: the menu and the principal's role."""

    items: list[NavItem]
    role_label: str


MENU: list[MenuEntry] = [
    MenuEntry(_("National picture"), "web:home"),
    MenuEntry(_("Service catalogue"), "catalogue:service_list"),
    MenuEntry(_("Find an office"), "offices:find"),
    MenuEntry(_("Track a transaction"), "transactions:track"),
    MenuEntry(_("Check a licence"), "licensing:licence_check"),
    MenuEntry(_("Offices"), "offices:office_list", audience="offices.view"),
    MenuEntry(_("Conversions"), "offices:conversion_board", audience="offices.view"),
    MenuEntry(
        _("Counter"),
        "transactions:counter",
        audience="transactions.view",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
    ),
    MenuEntry(
        _("Transactions"),
        "transactions:transaction_list",
        audience="transactions.view",
        jurisdictions=frozenset({JurisdictionKind.NATIONAL, JurisdictionKind.PROVINCE}),
    ),
    MenuEntry(_("Licences"), "licensing:licence_list", audience="licensing.view"),
    MenuEntry(_("My licences"), "licensing:my_licences", audience="licensing.view_own"),
    MenuEntry(_("Inactive licences"), "supervision:candidates", audience="supervision.view"),
    MenuEntry(_("Complaints"), "supervision:complaint_list", audience="supervision.view"),
    MenuEntry(_("API for integrators"), "api:openapi-view"),
    MenuEntry(_("Your account"), "accounts:account_detail", audience="accounts.view_self"),
    MenuEntry(_("Administration"), "admin:index", audience=STAFF),
]


def _sees(entry: MenuEntry, request: HttpRequest, principal: Principal | None) -> bool:
    if entry.jurisdictions and (principal is None or principal.jurisdiction_kind not in entry.jurisdictions):
        return False
    if entry.audience == EVERYONE:
        return True
    if entry.audience == SIGNED_IN:
        return principal is not None
    if entry.audience == STAFF:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_staff)
    return has_perm(principal, entry.audience)


def _is_current(url: str, path: str) -> bool:
    # The home page is current only on itself; any other entry also for the pages below it.
    return path == url or (url != "/" and path.startswith(url))


def navigation_for(request: HttpRequest, *, menu: list[MenuEntry] | None = None) -> Navigation:
    """The entries of ``menu`` (the site's ``MENU``) this request's principal may see, and its role."""
    principal = principal_from_request(request)
    items = []
    for entry in MENU if menu is None else menu:
        if _sees(entry, request, principal):
            url = reverse(entry.url_name)
            items.append(NavItem(label=str(entry.label), url=url, current=_is_current(url, request.path)))
    role_label = ""
    if principal is not None and principal.role in Role.values:
        role_label = str(Role(principal.role).label)
    return Navigation(items=items, role_label=role_label)
