"""The API's published contract: valid OpenAPI, and changes to it are deliberate (snapshot)."""

import json
import os
from pathlib import Path

import pytest
from openapi_spec_validator import validate

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["info"]["title"] == "Pishkhan API"


@pytest.mark.django_db
def test_the_schema_matches_the_reviewed_snapshot(schema):
    """A change to the API shows up here; refresh with PISHKHAN_UPDATE_SNAPSHOT=1 after review."""
    rendered = json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("PISHKHAN_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot yet: run with PISHKHAN_UPDATE_SNAPSHOT=1"
    assert rendered == SNAPSHOT.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_interactive_docs_are_served_without_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn." not in page
    assert "unpkg" not in page
    assert "jsdelivr" not in page
