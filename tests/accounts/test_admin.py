"""The admin: user changes go through the services (so are audited); keys and audit entries are read-only."""

import pytest

from pishkhan.accounts.models import ApiKey, User
from pishkhan.accounts.services import apikey_create
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.services import audit_record
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", role="", is_staff=True, is_superuser=True))
    return client


def test_the_user_pages_of_the_admin_open(admin_client):
    user = UserFactory(role="directorate", jurisdiction_code="23")

    pages = ["/admin/accounts/user/", "/admin/accounts/user/add/", f"/admin/accounts/user/{user.pk}/change/"]

    assert [admin_client.get(page).status_code for page in pages] == [200, 200, 200]


def test_adding_a_user_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "tehran",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "email": "",
            "role": "directorate",
            "jurisdiction_code": "23",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="tehran")
    assert (user.role, user.jurisdiction_kind, user.jurisdiction_code) == ("directorate", "province", "23")
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor_label == "user:root"


def test_the_admin_form_reports_a_role_outside_its_jurisdiction(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "op",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "office_operator",
            "jurisdiction_code": "",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["jurisdiction_code"]
    assert not User.objects.filter(username="op").exists()


def test_changing_a_role_in_the_admin_is_audited(admin_client):
    user = UserFactory(username="inspector", role="inspector", jurisdiction_code="")

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": "",
            "first_name": "",
            "last_name": "",
            "role": "inspector",
            "jurisdiction_code": "07",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (user.jurisdiction_kind, user.jurisdiction_code) == ("province", "07")
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.after == {"jurisdiction_kind": "province", "jurisdiction_code": "07"}


def test_a_superuser_without_a_role_can_be_edited_in_the_admin(admin_client):
    root = User.objects.get(username="root")

    response = admin_client.post(
        f"/admin/accounts/user/{root.pk}/change/",
        {
            "email": "root@example.ir",
            "role": "",
            "jurisdiction_code": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    root.refresh_from_db()
    assert root.email == "root@example.ir"


def test_setting_a_password_in_the_admin_is_audited(admin_client):
    user = UserFactory()
    new_password = "another-Long-passphrase-7"

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/", {"password1": new_password, "password2": new_password}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert AuditEntry.objects.get(action="user.password_set").actor_label == "user:root"


def test_changing_ones_own_password_in_the_admin_keeps_one_signed_in(admin_client):
    root = User.objects.get(username="root")
    new_password = "another-Long-passphrase-7"

    admin_client.post(
        f"/admin/accounts/user/{root.pk}/password/", {"password1": new_password, "password2": new_password}
    )

    assert admin_client.get("/admin/").status_code == 200


def test_users_cannot_be_deleted_in_the_admin(admin_client):
    user = UserFactory()

    response = admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_keys_cannot_be_added_or_edited_in_the_admin(admin_client):
    key, _ = apikey_create(holder_kind="office", holder_code="10001", actor=None)

    assert admin_client.get("/admin/accounts/apikey/add/").status_code == 403
    page = admin_client.get(f"/admin/accounts/apikey/{key.pk}/change/").content.decode()
    assert 'name="secret_hash"' not in page
    assert 'name="prefix"' not in page


def test_keys_are_revoked_from_the_admin_through_the_service(admin_client):
    key, _ = apikey_create(holder_kind="office", holder_code="10001", actor=None)

    admin_client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})

    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.get(action="apikey.revoke").actor_label == "user:root"


def test_audit_entries_are_read_only_in_the_admin(admin_client):
    entry = audit_record(actor=None, action="test.admin")

    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditentry/{entry.seq}/change/").status_code == 200
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/audit/auditentry/{entry.seq}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.count() == 1
    assert ApiKey.objects.count() == 0
