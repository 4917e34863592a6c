"""Request bodies the API reads: JSON only as application/json (415 otherwise), and never in chunks
(411, through a real server)."""

import http.client
import json
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.django_db

COMPLAINT = {"office_code": "P23-0001", "category": "overcharging", "description": "x"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]
)
def test_a_json_body_sent_as_another_type_is_refused_with_415(client, content_type):
    response = client.post("/api/v1/complaints", data=json.dumps(COMPLAINT), content_type=content_type)

    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:pishkhan:problem:unsupported-media-type"


def test_the_same_body_as_application_json_is_read(client):
    response = client.post("/api/v1/complaints", data=json.dumps(COMPLAINT), content_type="application/json")

    assert response.status_code not in (400, 415)  # read: the office is unknown here, which it says


def _chunked(live_server, path, body, headers):
    url = urlparse(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("POST", path)
    for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    answer = connection.getresponse()
    result = answer.status, dict(answer.getheaders()), answer.read()
    connection.close()
    return result


def test_a_chunked_body_is_refused_with_411_by_the_real_server(live_server, transactional_db):
    body = json.dumps(COMPLAINT).encode()

    status, headers, content = _chunked(
        live_server, "/api/v1/complaints", body, {"Content-Type": "application/json"}
    )
    page_status, _headers, _content = _chunked(
        live_server,
        "/accounts/login/",
        b"username=a&password=b",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert status == 411
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(content)["type"] == "urn:pishkhan:problem:length-required"
    assert page_status == 411
