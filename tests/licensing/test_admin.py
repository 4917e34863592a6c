"""The licensing admin: read-only pages that show neither full identifiers nor the documents' files."""

import pytest

from tests.licensing.factories import approved, licensee
from tests.offices.factories import national_id

pytestmark = pytest.mark.usefixtures("geo")


def test_the_admin_shows_applications_and_licences_read_only_without_identifiers(admin_client):
    application, licence = approved(licensee())
    document = application.documents.first()

    pages = [
        admin_client.get("/admin/licensing/licenceapplication/", {"q": application.number}),
        admin_client.get(f"/admin/licensing/licenceapplication/{application.pk}/change/"),
        admin_client.get("/admin/licensing/licence/"),
        admin_client.get(f"/admin/licensing/licence/{licence.pk}/change/"),
        admin_client.get("/admin/licensing/countyquota/"),
    ]

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert application.applicant_key not in text
        assert licence.holder_key not in text
        assert document.file.name not in text
        assert national_id(5001) not in text
    assert application.number in pages[0].content.decode()
    assert admin_client.get("/admin/licensing/licence/add/").status_code == 403
