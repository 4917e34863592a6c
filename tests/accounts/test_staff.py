"""The staff screen: the regulator manages every staff account, a directorate its own province's; each
act (create, role, deactivate, reactivate, reset) is audited; anything out of reach is refused."""

import pytest

from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import principal_for_user
from pishkhan.accounts.services import (
    staff_active_set,
    staff_create,
    staff_password_reset,
    staff_queryset,
    staff_role_set,
    staff_roles_grantable,
)
from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import NotFoundError, PermissionDeniedError
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator():
    return UserFactory(username="cra", role="regulator")


@pytest.fixture
def tehran():
    """A member of Tehran's directorate (province 23)."""
    return UserFactory(username="tehran", role="directorate", jurisdiction_code="23")


def _as(user):
    return principal_for_user(user)


def test_a_directorate_grants_its_provinces_roles_the_regulator_more():
    tehran = UserFactory(role="directorate", jurisdiction_code="23")

    grantable = [role.value for role in staff_roles_grantable(_as(tehran))]
    assert grantable == ["directorate", "working_group", "inspector"]
    assert "regulator" in staff_roles_grantable(_as(UserFactory(role="regulator")))
    assert staff_roles_grantable(_as(UserFactory(role="licensee"))) == []
    assert staff_roles_grantable(_as(UserFactory(role="inspector", jurisdiction_code="23"))) == []


def test_a_directorate_creates_staff_of_its_own_province_only(tehran):
    user, password = staff_create(username="inspector23", role="inspector", actor=_as(tehran))

    assert (user.role, user.jurisdiction_kind, user.jurisdiction_code) == ("inspector", "province", "23")
    assert user.must_change_password
    assert user.check_password(password)
    assert len(password) >= 12
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor_label == "user:tehran"
    assert password not in str(entry.after)
    with pytest.raises(PermissionDeniedError):
        staff_create(username="boss", role="regulator", actor=_as(tehran))
    with pytest.raises(PermissionDeniedError) as elsewhere:
        staff_create(username="fars-inspector", role="inspector", jurisdiction_code="17", actor=_as(tehran))
    assert "jurisdiction_code" in elsewhere.value.fields
    assert not User.objects.filter(username__in=["boss", "fars-inspector"]).exists()


def test_the_regulator_creates_national_and_provincial_staff_with_a_sealed_mobile(regulator):
    national, _password = staff_create(username="boss2", role="regulator", actor=_as(regulator))
    fars, _password = staff_create(
        username="fars1",
        role="directorate",
        jurisdiction_code="17",
        mobile="۰۹۱۲۱۲۳۴۵۶۷",
        actor=_as(regulator),
    )

    assert national.jurisdiction_kind == "national"
    assert fars.jurisdiction_code == "17"
    assert fars.mobile_masked == "0912***4567"
    assert "09121234567" not in fars.mobile_sealed


def test_each_manager_lists_only_the_accounts_it_manages(regulator, tehran):
    mine = UserFactory(username="wg23", role="working_group", jurisdiction_code="23")
    fars = UserFactory(username="wg17", role="working_group", jurisdiction_code="17")
    national_inspector = UserFactory(username="nat", role="inspector")
    UserFactory(username="a-licensee", role="licensee")
    UserFactory(username="root", role="regulator", is_superuser=True)

    assert set(staff_queryset(_as(tehran))) == {mine}
    assert set(staff_queryset(_as(regulator))) == {tehran, mine, fars, national_inspector}


def test_a_directorate_cannot_touch_another_provinces_account_nor_raise_one_to_regulator(tehran):
    fars = UserFactory(role="inspector", jurisdiction_code="17")
    mine = UserFactory(role="inspector", jurisdiction_code="23")

    with pytest.raises(NotFoundError):
        staff_active_set(user=fars, active=False, actor=_as(tehran))
    with pytest.raises(NotFoundError):
        staff_password_reset(user=fars, actor=_as(tehran))
    with pytest.raises(PermissionDeniedError):
        staff_role_set(user=mine, role="regulator", actor=_as(tehran))

    assert User.objects.get(pk=fars.pk).is_active
    assert User.objects.get(pk=mine.pk).role == "inspector"
    assert not AuditEntry.objects.exists()


def test_role_deactivation_and_reset_are_each_audited(tehran):
    member = UserFactory(role="working_group", jurisdiction_code="23")

    staff_role_set(user=member, role="inspector", reason="انتقال", actor=_as(tehran))
    staff_active_set(user=member, active=False, actor=_as(tehran))
    staff_active_set(user=member, active=True, actor=_as(tehran))
    _user, password = staff_password_reset(user=member, actor=_as(tehran))

    stored = User.objects.get(pk=member.pk)
    assert stored.role == "inspector"
    assert stored.is_active
    assert stored.must_change_password
    assert stored.check_password(password)
    assert not stored.check_password(PASSWORD)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["user.role_set", "user.deactivate", "user.activate", "user.password_reset"]


def test_nobody_manages_themself_here(regulator):
    with pytest.raises(NotFoundError):
        staff_active_set(user=regulator, active=False, actor=_as(regulator))


# --- The pages ---------------------------------------------------------------------------------------


def test_the_staff_pages_list_create_and_act_for_a_directorate(client, tehran):
    member = UserFactory(username="wg23", role="working_group", jurisdiction_code="23")
    UserFactory(username="wg17", role="working_group", jurisdiction_code="17")
    client.force_login(tehran)

    listing = client.get("/accounts/staff/")
    created = client.post(
        "/accounts/staff/new/", {"username": "new-inspector", "role": "inspector", "first_name": "علی"}
    )
    deactivated = client.post(f"/accounts/staff/{member.pk}/", {"act": "deactivate", "reason": "بازنشستگی"})
    reset = client.post(f"/accounts/staff/{member.pk}/", {"act": "reset"})
    refused_role = client.post(f"/accounts/staff/{member.pk}/", {"act": "role", "role": "regulator"})

    assert listing.status_code == 200
    assert "wg23" in listing.content.decode()
    assert "wg17" not in listing.content.decode()
    assert created.status_code == 200
    assert 'id="temporary-password"' in created.content.decode()
    assert User.objects.get(username="new-inspector").jurisdiction_code == "23"
    assert deactivated.status_code == 302
    assert not User.objects.get(pk=member.pk).is_active
    assert reset.status_code == 200
    assert 'id="temporary-password"' in reset.content.decode()
    assert refused_role.status_code == 422  # not among the choices a directorate is offered
    assert User.objects.get(pk=member.pk).role == "working_group"


def test_another_provinces_account_is_404_and_a_licensee_403(client, tehran):
    fars = UserFactory(role="inspector", jurisdiction_code="17")
    client.force_login(tehran)
    outside = client.get(f"/accounts/staff/{fars.pk}/")
    outside_post = client.post(f"/accounts/staff/{fars.pk}/", {"act": "deactivate"})
    client.force_login(UserFactory(role="licensee"))
    licensee = client.get("/accounts/staff/")

    assert outside.status_code == 404
    assert outside_post.status_code == 404
    assert licensee.status_code == 403
    assert User.objects.get(pk=fars.pk).is_active


def test_a_new_account_must_change_its_password_before_any_page(client, tehran):
    user, password = staff_create(username="fresh", role="inspector", actor=_as(tehran))
    client.force_login(user)

    elsewhere = client.get("/accounts/me/")
    page = client.get("/accounts/me/password/")
    changed = client.post(
        "/accounts/me/password/",
        {
            "old_password": password,
            "new_password": "my-Own-passphrase-2024",
            "new_password_again": "my-Own-passphrase-2024",
        },
    )
    after = client.get("/accounts/me/")

    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == "/accounts/me/password/"
    assert page.status_code == 200
    assert 'id="must-change"' in page.content.decode()
    assert changed.status_code == 302
    assert after.status_code == 200  # still signed in, and free to go on
    assert AuditEntry.objects.filter(action="user.password_change").count() == 1


def test_a_wrong_current_password_is_refused_on_the_page(client, tehran):
    client.force_login(tehran)

    response = client.post(
        "/accounts/me/password/",
        {
            "old_password": "nope",
            "new_password": "x-Long-passphrase-1",
            "new_password_again": "x-Long-passphrase-1",
        },
    )

    assert response.status_code == 422
    assert User.objects.get(pk=tehran.pk).check_password(PASSWORD)
