"""The roles table: which jurisdictions each role may hold and which permissions it carries."""

import pytest
from django.db import IntegrityError, transaction

from pishkhan.accounts.jurisdictions import jurisdiction_code_clean, role_jurisdiction_clean
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import (
    PERMISSIONS,
    ROLE_GRANTS,
    ROLE_JURISDICTIONS,
    ROLE_PERMISSIONS,
    JurisdictionKind,
    Role,
    role_jurisdiction_kind,
)
from pishkhan.common.errors import ValidationError


def test_every_role_has_jurisdictions_and_permissions():
    assert set(ROLE_JURISDICTIONS) == set(Role)
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_every_permission_a_role_holds_is_a_known_permission():
    held = set().union(*ROLE_PERMISSIONS.values())

    assert held <= set(PERMISSIONS)


def test_roles_reach_the_jurisdictions_of_the_design():
    kinds = {role.value: sorted(kind.value for kind in ROLE_JURISDICTIONS[role]) for role in Role}

    assert kinds == {
        "regulator": ["national"],
        "directorate": ["province"],
        "working_group": ["province"],
        "inspector": ["national", "province"],
        "agency_staff": ["agency"],
        "office_operator": ["office"],
        "licensee": ["national"],
    }


def test_the_regulator_and_directorates_manage_staff_and_only_the_regulator_keys():
    managers = {role for role, perms in ROLE_PERMISSIONS.items() if "accounts.manage_users" in perms}
    key_managers = {role for role, perms in ROLE_PERMISSIONS.items() if "accounts.manage_keys" in perms}

    assert managers == set(ROLE_GRANTS) == {Role.REGULATOR, Role.DIRECTORATE}
    assert key_managers == {Role.REGULATOR}


def test_a_directorate_grants_only_provincial_roles_below_the_regulator():
    assert ROLE_GRANTS[Role.DIRECTORATE] == {Role.DIRECTORATE, Role.WORKING_GROUP, Role.INSPECTOR}
    assert Role.REGULATOR in ROLE_GRANTS[Role.REGULATOR]
    # Nobody grants licensee (they sign up) or an office's operator (the office's to manage).
    granted = set().union(*ROLE_GRANTS.values())
    assert Role.LICENSEE not in granted
    assert Role.OFFICE_OPERATOR not in granted


@pytest.mark.parametrize(
    ("role", "code", "kind"),
    [
        (Role.REGULATOR, "", JurisdictionKind.NATIONAL),
        (Role.DIRECTORATE, "23", JurisdictionKind.PROVINCE),
        (Role.INSPECTOR, "", JurisdictionKind.NATIONAL),
        (Role.INSPECTOR, "07", JurisdictionKind.PROVINCE),
        (Role.AGENCY_STAFF, "sabt", JurisdictionKind.AGENCY),
        (Role.OFFICE_OPERATOR, "10001", JurisdictionKind.OFFICE),
    ],
)
def test_the_code_decides_the_jurisdiction_kind(role, code, kind):
    assert role_jurisdiction_kind(role, code) == kind


@pytest.mark.parametrize(("role", "code"), [(Role.REGULATOR, "23"), (Role.DIRECTORATE, ""), ("mayor", "")])
def test_a_role_outside_its_jurisdictions_is_refused(role, code):
    with pytest.raises(LookupError):
        role_jurisdiction_kind(role, code)


@pytest.mark.parametrize(
    ("kind", "code", "cleaned"),
    [
        ("province", "۲۳", "23"),
        ("province", " 07 ", "07"),
        ("office", "KHR-0012", "KHR-0012"),
        ("agency", "tamin_ejtemaei", "tamin_ejtemaei"),
        ("national", "", ""),
    ],
)
def test_well_formed_codes_are_cleaned(kind, code, cleaned):
    assert jurisdiction_code_clean(kind, code) == cleaned


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("province", "7"),
        ("province", "99"),  # well formed, but no such province
        ("province", "ab"),
        ("office", ""),
        ("office", "x" * 17),
        ("office", "<script>"),
        ("agency", "1; DROP TABLE"),
        ("national", "23"),
        ("planet", "3"),
    ],
)
def test_malformed_or_unknown_codes_are_refused_on_the_field(kind, code):
    with pytest.raises(ValidationError) as refused:
        jurisdiction_code_clean(kind, code)

    assert list(refused.value.fields) == ["jurisdiction_code"]


def test_role_and_code_are_checked_together():
    assert role_jurisdiction_clean("directorate", "۰۵") == ("directorate", "province", "05")
    with pytest.raises(ValidationError) as refused:
        role_jurisdiction_clean("office_operator", "")
    assert list(refused.value.fields) == ["jurisdiction_code"]


def test_no_role_means_no_jurisdiction():
    assert role_jurisdiction_clean("", "") == ("", "national", "")
    with pytest.raises(ValidationError):
        role_jurisdiction_clean("", "23")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "kind", "code"),
    [
        ("regulator", "national", "23"),  # national has no code
        ("directorate", "province", ""),  # a province needs one
        ("directorate", "national", ""),  # a directorate is provincial
        ("office_operator", "agency", "sabt"),
        ("regulator", "galaxy", "x"),
    ],
)
def test_the_database_refuses_a_role_outside_its_jurisdiction(role, kind, code):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="bad", role=role, jurisdiction_kind=kind, jurisdiction_code=code)
