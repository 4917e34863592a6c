"""The inspections API through its real URLs: the checklist, planning, the draw, results, photo
upload (checked by content), submission with its score, reach (404) and problems (problem+json)."""

# ruff: noqa: F811 (the fixtures of test_inspections, imported, are this module's parameters)

from __future__ import annotations

import json

import pytest
from django.test import Client

from pishkhan.supervision.models import Inspection, InspectionPhoto
from tests.accounts.factories import UserFactory
from tests.supervision.test_inspections import (  # noqa: F401 (fixtures)
    CODES,
    image_bytes,
    people,
    photo,
    photo_dir,
    stored_files,
    tehran,
    tomorrow,
)

PROBLEM = "application/problem+json"
BASE = "/api/v1/inspections"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _plan(client, place, **overrides):
    body = {"office": place.code, "planned_for": tomorrow().isoformat(), "inspector": "insp23"}
    return _post(client, BASE, body | overrides)


def test_the_checklist_is_readable_by_supervisors_and_not_by_others(people):
    answer = _client(people["inspector"]).get("/api/v1/inspection-checklist")
    assert answer.status_code == 200
    assert answer.json()["version"] == 1
    assert [item["code"] for item in answer.json()["items"]] == CODES
    assert _client(UserFactory(role="licensee")).get("/api/v1/inspection-checklist").status_code == 403


def test_plan_then_the_inspector_records_uploads_and_submits(tehran, people, photo_dir):
    planned = _plan(_client(people["directorate"]), tehran[0])
    assert planned.status_code == 201, planned.content
    number = planned.json()["id"]
    assert planned.json()["status"] == "planned"
    inspector = _client(people["inspector"])
    assert [row["id"] for row in inspector.get(BASE).json()["items"]] == [number]

    bad = inspector.post(
        f"{BASE}/{number}/photos", {"item": "signboard", "file": photo(b"not an image, honest", "x.jpg")}
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM
    assert "photo_signboard" in bad.json()["errors"]
    assert not InspectionPhoto.objects.exists()
    assert stored_files(photo_dir) == []

    uploaded = inspector.post(f"{BASE}/{number}/photos", {"item": "signboard", "file": photo(image_bytes())})
    assert uploaded.status_code == 201, uploaded.content
    assert (uploaded.json()["item"], uploaded.json()["content_type"]) == ("signboard", "image/png")
    fetched = inspector.get(f"{BASE}/{number}/photos/{uploaded.json()['id']}")
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "image/png"
    assert fetched["X-Content-Type-Options"] == "nosniff"

    partial = _post(
        inspector, f"{BASE}/{number}/results", {"results": [{"item": "signboard", "outcome": "fail"}]}
    )
    assert partial.status_code == 200
    assert partial.json()["status"] == "in_progress"
    early = _post(inspector, f"{BASE}/{number}/submit")
    assert early.status_code == 422
    assert len(early.json()["errors"]) == len(CODES) - 1

    results = [{"item": code, "outcome": "pass"} for code in CODES if code != "signboard"]
    done = _post(inspector, f"{BASE}/{number}/results", {"results": results, "submit": True})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    assert float(done.json()["score"]) == pytest.approx(100 * 17 / 19, abs=0.01)
    assert len(done.json()["photos"]) == 1
    again = _post(
        inspector, f"{BASE}/{number}/results", {"results": [{"item": "signboard", "outcome": "pass"}]}
    )
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM


def test_planning_an_unknown_office_is_404_and_a_past_day_422(tehran, people):
    client = _client(people["directorate"])
    unknown = _plan(client, tehran[0], office="P23-9999")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == PROBLEM
    past = _plan(client, tehran[0], planned_for="2020-01-01")
    assert past.status_code == 422
    assert "planned_for" in past.json()["errors"]
    assert _plan(_client(people["inspector"]), tehran[0]).status_code == 403
    assert not Inspection.objects.exists()


def test_a_draw_beyond_the_quota_is_409(tehran, people, settings):
    settings.PISHKHAN_INSPECTION_QUOTA_PER_QUARTER = 2
    client = _client(people["directorate"])
    body = {"province": "23", "count": 2, "planned_for": tomorrow().isoformat(), "seed": 5}
    drawn = _post(client, f"{BASE}/draw", body)
    assert drawn.status_code == 201, drawn.content
    assert drawn.json()["seed"] == 5
    assert len(drawn.json()["inspections"]) == 2
    refused = _post(client, f"{BASE}/draw", body | {"count": 1})
    assert refused.status_code == 409
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["type"].endswith("inspection-quota-exceeded")
    assert Inspection.objects.count() == 2


def test_an_inspection_outside_ones_reach_is_404(tehran, people):
    number = _plan(_client(people["directorate"]), tehran[0]).json()["id"]
    assert _client(people["regulator"]).get(f"{BASE}/{number}").status_code == 200
    for who in ("other_inspector", "isfahan_directorate", "isfahan_inspector"):
        answer = _client(people[who]).get(f"{BASE}/{number}")
        assert answer.status_code == 404, who
    cancelled = _post(_client(people["directorate"]), f"{BASE}/{number}/cancel", {"reason": "تعطیل"})
    assert cancelled.json()["status"] == "cancelled"


def test_a_photo_over_five_megabytes_is_refused_with_422_and_nothing_is_stored(tehran, people, photo_dir):
    number = _plan(_client(people["directorate"]), tehran[0]).json()["id"]
    oversize = image_bytes().ljust(5 * 1024 * 1024 + 1, b"\0")  # a real PNG, then padding past 5 MB
    answer = _client(people["inspector"]).post(
        f"{BASE}/{number}/photos", {"item": "equipment", "file": photo(oversize, "big.png")}
    )
    assert answer.status_code == 422
    assert "5" in answer.json()["errors"]["photo_equipment"][0]
    assert not InspectionPhoto.objects.exists()
    assert stored_files(photo_dir) == []
    assert Inspection.objects.get().status == "planned"
