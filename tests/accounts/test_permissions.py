"""The permission layer: principals, scoping by jurisdiction, and the page decorators."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from pishkhan.accounts.models import ApiKey, HolderKind
from pishkhan.accounts.permissions import (
    Principal,
    has_perm,
    permission_required,
    principal_for_apikey,
    principal_for_user,
    principal_from_request,
    principal_of,
    public,
    require,
)
from pishkhan.accounts.roles import Role
from pishkhan.common.errors import PermissionDeniedError
from tests.accounts.factories import UserFactory


def _principal(role, kind="national", code=""):
    return Principal(label=f"test:{role}", role=role, jurisdiction_kind=kind, jurisdiction_code=code)


REGULATOR = _principal("regulator")
TEHRAN_DIRECTORATE = _principal("directorate", "province", "23")
OFFICE_10001 = _principal("office_operator", "office", "10001")
SABT_STAFF = _principal("agency_staff", "agency", "sabt")


def test_a_national_principal_acts_in_every_province():
    assert has_perm(REGULATOR, "audit.view", province="23")
    assert has_perm(REGULATOR, "audit.view", province="07", office="10001")


def test_a_province_principal_acts_only_in_its_province():
    assert has_perm(TEHRAN_DIRECTORATE, "audit.view", province="23")
    assert not has_perm(TEHRAN_DIRECTORATE, "audit.view", province="07")


def test_a_province_principal_reaches_an_office_only_through_the_office_province():
    assert has_perm(TEHRAN_DIRECTORATE, "geo.view", province="23", office="10001")
    # Deny by default: an office named without its province is not known to lie in province 23.
    assert not has_perm(TEHRAN_DIRECTORATE, "geo.view", office="10001")


def test_an_office_principal_acts_only_for_its_office():
    assert has_perm(OFFICE_10001, "geo.view", province="23", office="10001")
    assert not has_perm(OFFICE_10001, "geo.view", province="23", office="10002")
    assert not has_perm(OFFICE_10001, "geo.view", province="23")


def test_an_agency_principal_acts_only_for_its_agency():
    assert has_perm(SABT_STAFF, "geo.view", agency="sabt")
    assert not has_perm(SABT_STAFF, "geo.view", agency="tamin")


def test_a_check_without_a_place_asks_only_whether_the_role_holds_the_permission():
    assert has_perm(TEHRAN_DIRECTORATE, "audit.view")
    assert not has_perm(OFFICE_10001, "audit.view")


def test_a_permission_the_role_lacks_is_refused_even_at_home():
    assert not has_perm(TEHRAN_DIRECTORATE, "accounts.manage_keys", province="23")
    assert not has_perm(_principal("", "national"), "geo.view")


def test_nobody_is_refused_everything():
    assert not has_perm(None, "geo.view")


def test_the_scope_names_the_place_a_selector_should_narrow_to():
    assert REGULATOR.scope == {}
    assert TEHRAN_DIRECTORATE.scope == {"province": "23"}
    assert OFFICE_10001.scope == {"office": "10001"}


def test_require_raises_a_403_error_outside_the_jurisdiction():
    require(TEHRAN_DIRECTORATE, "audit.view", province="23")

    with pytest.raises(PermissionDeniedError) as refused:
        require(TEHRAN_DIRECTORATE, "audit.view", province="07")
    assert refused.value.status == 403


@pytest.mark.django_db
def test_a_users_principal_carries_role_jurisdiction_and_label():
    user = UserFactory(username="tehran", role=Role.DIRECTORATE, jurisdiction_code="23")

    principal = principal_for_user(user)

    assert principal == Principal(
        label="user:tehran",
        role="directorate",
        jurisdiction_kind="province",
        jurisdiction_code="23",
        user=user,
    )
    assert (principal.audit_label, principal.audit_user) == ("user:tehran", user)


@pytest.mark.django_db
def test_a_superuser_acts_as_a_national_regulator():
    root = UserFactory(role="", is_superuser=True)

    principal = principal_for_user(root)

    assert (principal.role, principal.jurisdiction_kind) == ("regulator", "national")
    assert has_perm(principal, "accounts.manage_users", province="12")


@pytest.mark.django_db
def test_a_user_without_a_role_may_do_nothing():
    newcomer = principal_for_user(UserFactory(role=""))

    assert newcomer.permissions == frozenset()


@pytest.mark.django_db
def test_a_keys_principal_acts_as_its_holder():
    user = UserFactory(username="inspector7", role=Role.INSPECTOR, jurisdiction_code="07")

    office = principal_for_apikey(
        ApiKey(prefix="0000000a", holder_kind=HolderKind.OFFICE, holder_code="10001")
    )
    agency = principal_for_apikey(
        ApiKey(prefix="0000000b", holder_kind=HolderKind.AGENCY, holder_code="sabt")
    )
    personal = principal_for_apikey(ApiKey(prefix="0000000c", holder_kind=HolderKind.USER, user=user))

    assert (office.label, office.role, office.jurisdiction_kind, office.jurisdiction_code, office.user) == (
        "apikey:0000000a",
        "office_operator",
        "office",
        "10001",
        None,
    )
    assert (agency.role, agency.jurisdiction_kind, agency.jurisdiction_code) == (
        "agency_staff",
        "agency",
        "sabt",
    )
    assert (personal.label, personal.role, personal.jurisdiction_code, personal.user) == (
        "apikey:0000000c",
        "inspector",
        "07",
        user,
    )


@pytest.mark.django_db
def test_the_requests_principal_is_its_signed_in_user():
    user = UserFactory(username="op", role=Role.OFFICE_OPERATOR, jurisdiction_code="10001")
    signed_in, stranger = RequestFactory().get("/"), RequestFactory().get("/")
    signed_in.user, stranger.user = user, AnonymousUser()

    assert principal_from_request(signed_in).label == "user:op"
    assert principal_from_request(stranger) is None


@pytest.mark.django_db
def test_a_guarded_page_gets_its_caller_and_a_stranger_is_refused():
    user = UserFactory(username="op", role=Role.OFFICE_OPERATOR, jurisdiction_code="10001")
    signed_in, stranger = RequestFactory().get("/"), RequestFactory().get("/")
    signed_in.user, stranger.user = user, AnonymousUser()

    assert principal_of(signed_in).label == "user:op"
    with pytest.raises(PermissionDenied):
        principal_of(stranger)


def _page(request):
    return HttpResponse("secret page")


def test_the_decorators_mark_the_view_with_its_access():
    assert public(_page).pishkhan_access == "public"
    assert permission_required("audit.view")(_page).pishkhan_access == "audit.view"


def test_a_misspelt_permission_fails_at_import_time():
    with pytest.raises(ImproperlyConfigured):
        permission_required("audit.veiw")


def test_a_stranger_is_sent_to_sign_in():
    request = RequestFactory().get("/audit/?page=2")
    request.user = AnonymousUser()

    response = permission_required("audit.view")(_page)(request)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/audit/%3Fpage%3D2"


@pytest.mark.django_db
def test_a_signed_in_user_without_the_permission_is_refused():
    request = RequestFactory().get("/audit/")
    request.user = UserFactory(role=Role.OFFICE_OPERATOR, jurisdiction_code="10001")

    with pytest.raises(PermissionDenied):
        permission_required("audit.view")(_page)(request)


@pytest.mark.django_db
def test_a_signed_in_user_with_the_permission_sees_the_page():
    request = RequestFactory().get("/audit/")
    request.user = UserFactory(role=Role.DIRECTORATE, jurisdiction_code="23")

    response = permission_required("audit.view")(_page)(request)

    assert response.content == b"secret page"
