"""Roles, jurisdictions and permissions, as data: who may hold which jurisdiction and do what.

A permission is a plain string ``"<domain>.<action>"``. A domain that adds a capability adds its
permission to ``PERMISSIONS`` and to the roles that hold it here; code asks
``pishkhan.accounts.permissions.has_perm`` and never tests a role by name.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the network."""

    REGULATOR = "regulator", _("Regulator (CRA)")
    DIRECTORATE = "directorate", _("Provincial ICT directorate")
    WORKING_GROUP = "working_group", _("Working-group member")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    OFFICE_OPERATOR = "office_operator", _("Office operator")
    INSPECTOR = "inspector", _("Inspector")
    LICENSEE = "licensee", _("Licence applicant or holder")


class JurisdictionKind(models.TextChoices):
    """Where a role's powers reach."""

    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    AGENCY = "agency", _("Agency")
    OFFICE = "office", _("Office")


# Every permission that exists, with what it allows. A name missing here is a typo.
PERMISSIONS: dict[str, str] = {
    "accounts.view_self": _("See one's own account: role, jurisdiction, permissions and API keys"),
    "geo.view": _("See the geography of Iran: provinces, counties and places"),
    "audit.view": _("Read the audit log"),
    "accounts.manage_keys": _("Create and revoke API keys of machine clients"),
    "accounts.manage_users": _(
        "Manage staff accounts in one's jurisdiction: create them, assign roles, deactivate, reset passwords"
    ),
    "catalogue.edit": _("Publish and change an agency's services and tariffs"),
    "catalogue.report_visits": _("Report an agency's monthly in-person visits"),
    "offices.view": _("See offices, their operators, staff and conversions"),
    "offices.edit": _("Register offices and change their details"),
    "offices.manage_staff": _("Add and remove an office's staff, set its hours and counters"),
    "conversions.request": _("Ask for an office to be converted into a Pishkhan office"),
    "conversions.decide": _("Review conversions and decide them"),
    "transactions.record": _("Record counter transactions and heartbeats for one's office"),
    "transactions.view": _("See counter transactions, their history and receipts"),
    "licensing.apply": _("Apply for a licence, add its documents and withdraw the application"),
    "licensing.view_own": _("See one's own licence applications and licences"),
    "licensing.surrender": _("Surrender one's own licence"),
    "licensing.view": _("See licence applications, licences, their timelines and county quotas"),
    "licensing.review": _("Take licence applications under review and recommend them or not"),
    "licensing.decide": _("Approve or refuse licence applications"),
    "licensing.act": _("Activate, suspend, reinstate, revoke and renew licences"),
    "licensing.set_quota": _("Set the quota of licensed offices of a county"),
    "supervision.view": _("See licences that look inactive, inactivity campaigns, their cases and reports"),
    "supervision.campaign": _("Start and conclude inactivity campaigns, and decide appeals in them"),
    "supervision.respond": _(
        "Answer notices, sanction cases and refund orders about one's own licence or office, and appeal"
    ),
    "supervision.complaints": _("Handle citizens' complaints about offices: review, answer and close them"),
    "supervision.board": _("See the network board: offices online, quiet and offline, their terminals"),
    "supervision.alerts": _("Acknowledge, resolve and dismiss supervision's alerts"),
    "supervision.configure": _("Edit supervision's rules, checklist, fine table and score weights"),
    "supervision.inspections": _("Plan inspections, draw them at random and assign inspectors"),
    "supervision.inspect": _("Carry out the inspections assigned to one"),
    "supervision.sanction": _("Open sanction cases and take their steps: notice, hearing, decision"),
    "supervision.appeals": _("Decide appeals against sanctions"),
    "supervision.scores": _("See offices' monthly scores and rankings"),
    "privacy.export": _(
        "See the retention policy of personal data and export everything held about a person "
        "(subject access requests)"
    ),
    "planning.view": _("See demand, coverage and proposed plans"),
    "planning.vote": _("Vote in one's province's working group, as a member present at its session"),
    "planning.sessions": _(
        "Manage a province's working group: its members, sessions, agenda, attendance, decisions and minutes"
    ),
    "planning.confirm": _("Confirm or return the decisions of provinces' working groups"),
    "kpis.view": _("See the key performance indicators: trips avoided, visits, outsourcing, the network"),
}

# Which jurisdiction kinds each role may be given.
ROLE_JURISDICTIONS: dict[Role, frozenset[JurisdictionKind]] = {
    Role.REGULATOR: frozenset({JurisdictionKind.NATIONAL}),
    Role.DIRECTORATE: frozenset({JurisdictionKind.PROVINCE}),
    Role.WORKING_GROUP: frozenset({JurisdictionKind.PROVINCE}),
    Role.INSPECTOR: frozenset({JurisdictionKind.PROVINCE, JurisdictionKind.NATIONAL}),
    Role.AGENCY_STAFF: frozenset({JurisdictionKind.AGENCY}),
    Role.OFFICE_OPERATOR: frozenset({JurisdictionKind.OFFICE}),
    # National without a code: one may apply in any county. What a licensee sees is narrowed to its own
    # applications and licences by the licensing selectors, not by a jurisdiction.
    Role.LICENSEE: frozenset({JurisdictionKind.NATIONAL}),
}

# Which permissions each role holds (inside its jurisdiction).
_EVERYONE = {"accounts.view_self", "geo.view"}
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.REGULATOR: frozenset(
        _EVERYONE
        | {"audit.view", "accounts.manage_keys", "accounts.manage_users"}
        | {"catalogue.edit", "catalogue.report_visits"}
        | {
            "offices.view",
            "offices.edit",
            "offices.manage_staff",
            "conversions.request",
            "conversions.decide",
        }
        | {"transactions.view"}
        | {"licensing.view", "licensing.decide", "licensing.act", "licensing.set_quota"}
        | {"supervision.view", "supervision.campaign", "supervision.complaints"}
        | {"supervision.board", "supervision.alerts", "supervision.configure", "supervision.inspections"}
        | {"supervision.sanction", "supervision.appeals", "supervision.scores"}
        | {"planning.view", "planning.confirm", "kpis.view"}
        | {"privacy.export"}
    ),
    Role.DIRECTORATE: frozenset(
        _EVERYONE
        | {"audit.view", "offices.view", "offices.edit", "offices.manage_staff"}
        | {"accounts.manage_users"}  # the staff of its own province only (ROLE_GRANTS)
        | {"conversions.request", "conversions.decide"}
        | {"transactions.view"}
        | {"licensing.view", "licensing.review"}
        | {"supervision.view", "supervision.complaints"}
        | {"supervision.board", "supervision.alerts", "supervision.inspections", "supervision.sanction"}
        | {"supervision.scores"}
        | {"planning.view", "planning.vote", "planning.sessions", "kpis.view"}
    ),
    Role.WORKING_GROUP: frozenset(_EVERYONE | {"offices.view", "planning.view", "planning.vote"}),
    Role.INSPECTOR: frozenset(
        _EVERYONE
        | {"audit.view", "offices.view", "transactions.view", "licensing.view"}
        | {"supervision.view", "supervision.board", "supervision.inspect", "supervision.scores"}
        | {"planning.view"}
    ),
    Role.AGENCY_STAFF: frozenset(_EVERYONE | {"catalogue.edit", "catalogue.report_visits", "kpis.view"}),
    Role.OFFICE_OPERATOR: frozenset(
        _EVERYONE
        | {"offices.view", "offices.manage_staff", "conversions.request"}
        | {"transactions.record", "transactions.view"}
        | {"licensing.view"}
        | {"supervision.respond", "supervision.scores"}
        | {"kpis.view"}
    ),
    Role.LICENSEE: frozenset(
        _EVERYONE | {"licensing.apply", "licensing.view_own", "licensing.surrender"} | {"supervision.respond"}
    ),
}

# Which roles a holder of ``accounts.manage_users`` may give (and so which accounts it manages), inside
# its own jurisdiction: the regulator its national staff and every province's; a directorate its own
# province's directorate staff, working-group members and inspectors. Licensees sign up themselves
# (docs/accounts.md); an office's people are the office's to manage; nobody grants superuser here.
ROLE_GRANTS: dict[Role, frozenset[Role]] = {
    Role.REGULATOR: frozenset(
        {Role.REGULATOR, Role.DIRECTORATE, Role.WORKING_GROUP, Role.INSPECTOR, Role.AGENCY_STAFF}
    ),
    Role.DIRECTORATE: frozenset({Role.DIRECTORATE, Role.WORKING_GROUP, Role.INSPECTOR}),
}

# A superuser acts as a regulator: national reach, the regulator's permissions.
SUPERUSER_ROLE = Role.REGULATOR


def role_permissions(role: str) -> frozenset[str]:
    """The permissions of a role; none for an unknown or empty role."""
    return ROLE_PERMISSIONS.get(role, frozenset())  # type: ignore[call-overload]


def role_grants(role: str) -> frozenset[Role]:
    """The roles a holder of ``role`` may give to staff it manages; none for a role that manages none."""
    return ROLE_GRANTS.get(role, frozenset())  # type: ignore[call-overload]


def role_jurisdiction_kind(role: str, code: str) -> JurisdictionKind:
    """The jurisdiction kind a role takes for a code: national when the code is empty and allowed.

    Every role may hold at most one kind other than national, so the code alone decides.
    Raises ``LookupError`` when the role cannot have that jurisdiction.
    """
    kinds = ROLE_JURISDICTIONS.get(role)  # type: ignore[call-overload]
    if kinds is None:
        raise LookupError(f"unknown role {role!r}")
    if not code:
        if JurisdictionKind.NATIONAL in kinds:
            return JurisdictionKind.NATIONAL
        raise LookupError(f"role {role!r} needs a jurisdiction code")
    local = sorted(kinds - {JurisdictionKind.NATIONAL})
    if not local:
        raise LookupError(f"role {role!r} is national and takes no jurisdiction code")
    return local[0]
