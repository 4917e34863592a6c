"""The catalogue admin: rows to browse, changes only through the services' actions."""

import pytest

from pishkhan.audit.selectors import audit_entry_list_for_target
from tests.catalogue.factories import ServiceFactory, TariffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["agency", "service", "tariff", "visitreport"])
def test_staff_browse_every_catalogue_table(admin_client, model, sabt):
    TariffFactory(service=ServiceFactory(agency=sabt))

    assert admin_client.get(f"/admin/catalogue/{model}/").status_code == 200


def test_nothing_is_added_or_edited_in_place(admin_client, sabt):
    service = ServiceFactory(agency=sabt)

    assert admin_client.get("/admin/catalogue/service/add/").status_code == 403
    admin_client.post(f"/admin/catalogue/service/{service.pk}/change/", {"title_fa": "x"})
    service.refresh_from_db()
    assert service.title_fa != "x"


def test_withdrawing_a_service_goes_through_the_service_and_is_audited(admin_client, sabt):
    service = ServiceFactory(agency=sabt)

    response = admin_client.post(
        "/admin/catalogue/service/", {"action": "withdraw", "_selected_action": [service.pk]}
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.active is False
    assert audit_entry_list_for_target(target=service).last().action == "service.update"
