"""The read-only admin of counter transactions renders and shows no citizen's key."""

from pishkhan.transactions.services import heartbeat_record
from tests.accounts.factories import UserFactory
from tests.transactions.test_services import record


def test_admin_lists_and_shows_a_transaction_read_only(client, counter):
    transaction = record(counter["office"]).transaction
    heartbeat_record(office=counter["office"], terminal_id="T1", software_version="1.0")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for path in (
        "/admin/transactions/countertransaction/",
        f"/admin/transactions/countertransaction/{transaction.pk}/change/",
        "/admin/transactions/heartbeat/",
        "/admin/transactions/officeliveness/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert transaction.citizen_key not in response.content.decode()
    assert client.get("/admin/transactions/countertransaction/add/").status_code == 403
