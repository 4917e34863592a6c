"""The site's main navigation, as data: which pages each signed-in principal sees in the menu, and
in which of the header's few menus (so that every entry a role has fits at any width).

A domain that adds a page adds its entry to ``MENU`` with the permission the page's view demands
(the same string it passes to ``permission_required``), so the menu never offers a page that would
answer 403, and names the menu it belongs in (a new top-level entry must still fit a 1024 px bar:
tests/web/test_browser_navigation.py checks every role). Whether a principal holds a permission is
decided by accounts' permission layer alone; nothing here tests a role by name.
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


# The menus of the header; they are drawn in the order of their first entry in MENU. An entry names
# its menu; one without stands alone. A menu of which a principal sees a single entry shows that entry
# alone, so no menu opens on one link.
PUBLIC_SERVICES = _("Public services")
NETWORK = _("Office network")
LICENSING = _("Licensing")
SUPERVISION = _("Supervision")
ACCOUNT = _("Account")


@dataclass(frozen=True)
class MenuEntry:
    """One menu entry: its label, the URL name it links to, who sees it, and the menu it sits in."""

    label: str | Promise
    url_name: str
    audience: str = EVERYONE  # EVERYONE, SIGNED_IN, STAFF or a permission such as "audit.view"
    # The kinds of jurisdiction whose principals see it (JurisdictionKind values); empty: any. One page
    # may serve an office's own people under one name and supervisors under another.
    jurisdictions: frozenset[str] = frozenset()
    group: str | Promise = ""  # the menu's label (one of the names above); "" for an entry of its own


@dataclass(frozen=True)
class NavItem:
    """An entry as shown to one request: resolved URL and whether it is the current page."""

    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    """What the header's bar shows in one place: a menu of items, or (``label`` empty) one item."""

    label: str
    items: list[NavItem]

    @property
    def current(self) -> bool:
        """Whether the current page is one of its items."""
        return any(item.current for item in self.items)

    @property
    def single(self) -> NavItem | None:
        """The item shown alone, when the group is one entry and no menu."""
        return self.items[0] if len(self.items) == 1 else None


@dataclass(frozen=True)
class Navigation:
    """What the header shows a request: the menu (flat, and grouped as drawn) and the principal's role."""

    items: list[NavItem]
    groups: list[NavGroup]
    role_label: str


MENU: list[MenuEntry] = [
    MenuEntry(_("National picture"), "web:home"),
    MenuEntry(_("Service catalogue"), "catalogue:service_list", group=PUBLIC_SERVICES),
    MenuEntry(_("Find an office"), "offices:find", group=PUBLIC_SERVICES),
    MenuEntry(_("Track a transaction"), "transactions:track", group=PUBLIC_SERVICES),
    MenuEntry(_("Check a licence"), "licensing:licence_check", group=PUBLIC_SERVICES),
    MenuEntry(_("Track a complaint"), "supervision:complaint_track", group=PUBLIC_SERVICES),
    MenuEntry(_("API for integrators"), "api:openapi-view", group=PUBLIC_SERVICES),
    MenuEntry(_("Offices"), "offices:office_list", audience="offices.view", group=NETWORK),
    MenuEntry(_("Conversions"), "offices:conversion_board", audience="offices.view", group=NETWORK),
    MenuEntry(
        _("Counter"),
        "transactions:counter",
        audience="transactions.view",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
        group=NETWORK,
    ),
    MenuEntry(
        _("Record a transaction"),
        "transactions:record",
        audience="transactions.record",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
        group=NETWORK,
    ),
    MenuEntry(
        _("Queue"),
        "frontoffice:queue",
        audience="transactions.record",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
        group=NETWORK,
    ),
    MenuEntry(
        _("Ticket kiosk"),
        "frontoffice:kiosk",
        audience="transactions.record",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
        group=NETWORK,
    ),
    MenuEntry(
        _("Transactions"),
        "transactions:transaction_list",
        audience="transactions.view",
        jurisdictions=frozenset({JurisdictionKind.NATIONAL, JurisdictionKind.PROVINCE}),
        group=NETWORK,
    ),
    MenuEntry(_("Performance indicators"), "web:kpis", audience="kpis.view", group=NETWORK),
    MenuEntry(_("Coverage and needs"), "planning:home", audience="planning.view", group=NETWORK),
    MenuEntry(_("Working groups"), "planning:groups", audience="planning.view", group=NETWORK),
    MenuEntry(_("Licences"), "licensing:licence_list", audience="licensing.view", group=LICENSING),
    MenuEntry(_("My licences"), "licensing:my_licences", audience="licensing.view_own", group=LICENSING),
    # Supervision as a directorate's day goes: the board, what the rules raised, what citizens
    # complained of, the visits, the cases, the month's scores; then the campaigns and the rules.
    MenuEntry(_("Network board"), "supervision:board", audience="supervision.board", group=SUPERVISION),
    MenuEntry(_("Alerts"), "supervision:alert_list", audience="supervision.view", group=SUPERVISION),
    MenuEntry(_("Complaints"), "supervision:complaint_list", audience="supervision.view", group=SUPERVISION),
    MenuEntry(
        _("Inspections"), "supervision:inspection_list", audience="supervision.view", group=SUPERVISION
    ),
    MenuEntry(_("Sanctions"), "supervision:sanction_list", audience="supervision.view", group=SUPERVISION),
    MenuEntry(_("Office scores"), "supervision:score_list", audience="supervision.scores", group=SUPERVISION),
    MenuEntry(
        _("Inactive licences"), "supervision:candidates", audience="supervision.view", group=SUPERVISION
    ),
    MenuEntry(_("Rules"), "supervision:rule_list", audience="supervision.view", group=SUPERVISION),
    MenuEntry(
        _("Complaints about your office"),
        "supervision:office_complaints",
        audience="supervision.respond",
        jurisdictions=frozenset({JurisdictionKind.OFFICE}),
        group=SUPERVISION,
    ),
    MenuEntry(_("Your account"), "accounts:account_detail", audience="accounts.view_self", group=ACCOUNT),
    MenuEntry(_("Change password"), "accounts:password_change", audience="accounts.view_self", group=ACCOUNT),
    MenuEntry(_("Staff accounts"), "accounts:staff_list", audience="accounts.manage_users", group=ACCOUNT),
    MenuEntry(_("Personal data"), "privacy:home", audience="privacy.export", group=ACCOUNT),
    MenuEntry(_("Administration"), "admin:index", audience=STAFF, group=ACCOUNT),
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


def _grouped(shown: list[tuple[MenuEntry, NavItem]]) -> list[NavGroup]:
    groups: list[NavGroup] = []
    by_label: dict[str, NavGroup] = {}
    for entry, item in shown:
        label = str(entry.group)
        if not label:
            groups.append(NavGroup(label="", items=[item]))
        elif label in by_label:
            by_label[label].items.append(item)
        else:
            by_label[label] = NavGroup(label=label, items=[item])
            groups.append(by_label[label])
    return groups


def navigation_for(request: HttpRequest, *, menu: list[MenuEntry] | None = None) -> Navigation:
    """The entries of ``menu`` (the site's ``MENU``) this request's principal may see, and its role."""
    principal = principal_from_request(request)
    entries = [(entry, reverse(entry.url_name)) for entry in (MENU if menu is None else menu)]
    entries = [(entry, url) for entry, url in entries if _sees(entry, request, principal)]
    # One entry is current: the closest (longest) one above the page, so /offices/conversions/
    # marks "Conversions" and not "Offices" as well.
    current = max((url for _entry, url in entries if _is_current(url, request.path)), key=len, default=None)
    shown = [
        (entry, NavItem(label=str(entry.label), url=url, current=url == current)) for entry, url in entries
    ]
    role_label = ""
    if principal is not None and principal.role in Role.values:
        role_label = str(Role(principal.role).label)
    return Navigation(items=[item for _entry, item in shown], groups=_grouped(shown), role_label=role_label)
