"""The offices admin: read-only rows; its actions go through the services."""

from pishkhan.audit.models import AuditEntry
from pishkhan.offices.models import Office
from tests.offices.factories import make_office


def test_admin_lists_offices_and_shows_one_with_its_operator_masked(geo_loaded, admin_client):
    office = make_office(1)
    full_id = office.operator.national_id

    listing = admin_client.get("/admin/offices/office/", {"q": "P23"})
    page = admin_client.get(f"/admin/offices/office/{office.pk}/change/")

    assert "P23-0001" in listing.content.decode()
    assert page.status_code == 200
    assert full_id[:3] + "*****" + full_id[-2:] in page.content.decode()
    assert full_id not in page.content.decode()
    assert admin_client.get("/admin/offices/office/add/").status_code == 403


def test_the_suspend_action_goes_through_the_service(geo_loaded, admin_client):
    office = make_office(1)

    response = admin_client.post(
        "/admin/offices/office/", {"action": "suspend", "_selected_action": [office.pk]}, follow=True
    )

    assert response.status_code == 200
    assert Office.objects.get(pk=office.pk).status == "suspended"
    assert AuditEntry.objects.filter(action="office.set_status").count() == 1
