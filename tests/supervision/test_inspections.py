"""Inspections: the seeded checklist, planning (and its refusals), the inspector's work with photos
checked by content, the score, the random draw (weighted, reproducible, within the quota), who sees
what, the pages and their export, and the per-office mean score for the monthly score."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.supervision import selectors
from pishkhan.supervision.models import (
    ChecklistItem,
    ChecklistVersion,
    Inspection,
    InspectionPhoto,
    InspectionResult,
)
from pishkhan.supervision.services import (
    Answer,
    QuotaExceededError,
    complaint_submit,
    inspection_cancel,
    inspection_conduct,
    inspection_plan,
    inspection_review,
    inspections_draw,
)
from pishkhan.supervision.services.inspections import draw_weights, jalali_quarter, score_of, weighted_draw
from pishkhan.supervision.states import INSPECTION_TRANSITIONS, InspectionStatus
from tests.accounts.factories import UserFactory
from tests.licensing.factories import as_principal, directorate, regulator
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office
from tests.supervision.inspection_factories import image_bytes, photo

CODES = [
    "licence_displayed",
    "signboard",
    "rate_board",
    "staff_identified",
    "opening_hours",
    "equipment",
    "catalogue_only",
    "citizen_data",
]


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.PISHKHAN_INSPECTION_PHOTO_DIR = tmp_path / "photos"
    return tmp_path / "photos"


def stored_files(directory) -> list:
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


@pytest.fixture
def tehran(geo_loaded):
    return [make_office(n) for n in range(1, 6)]


@pytest.fixture
def isfahan_office(geo_loaded):
    return make_office(
        9, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )


@pytest.fixture
def people(db):
    return {
        "directorate": directorate("23"),
        "inspector": UserFactory(role="inspector", jurisdiction_code="23", username="insp23"),
        "other_inspector": UserFactory(role="inspector", jurisdiction_code="23", username="insp23b"),
        "isfahan_inspector": UserFactory(role="inspector", jurisdiction_code="10", username="insp10"),
        "isfahan_directorate": directorate("10"),
        "regulator": regulator(),
    }


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def plan(office, people, **overrides) -> Inspection:
    values = {
        "office_code": office.code,
        "planned_for": tomorrow(),
        "inspector": people["inspector"].username,
        "actor": as_principal(people["directorate"]),
    }
    return inspection_plan(**values | overrides)


def all_answers(outcome: str = "pass", **overrides: str) -> dict[str, Answer]:
    return {code: Answer(overrides.get(code, outcome)) for code in CODES}


# --- The checklist --------------------------------------------------------------------------------


def test_the_migration_seeds_the_regulators_checklist_as_version_one(db):
    version = selectors.checklist_current()
    assert version.number == 1
    items = list(version.items.all())
    assert [item.code for item in items] == CODES
    assert all(item.text_fa and item.text_en and 1 <= item.weight <= 10 for item in items)


def test_a_new_version_is_new_rows_and_an_inspection_keeps_its_own(tehran, people):
    inspection = plan(tehran[0], people)
    version = ChecklistVersion.objects.create(number=2)
    ChecklistItem.objects.create(
        version=version, code="signboard", position=1, text_fa="تابلو", text_en="Sign"
    )
    assert selectors.checklist_current().number == 2
    inspection.refresh_from_db()
    assert inspection.checklist.number == 1
    # the old visit is still answered and scored against version 1's eight items
    done = inspection_conduct(
        inspection=inspection, actor=as_principal(people["inspector"]), answers=all_answers(), submit=True
    )
    assert done.inspection.score == Decimal("100.00")


# --- Planning -------------------------------------------------------------------------------------


def test_the_directorate_plans_a_visit_for_an_inspector_of_its_province(tehran, people):
    inspection = plan(tehran[0], people)
    assert (inspection.status, inspection.planned_how, inspection.province.code) == (
        "planned",
        "directorate",
        "23",
    )
    assert inspection.inspector == people["inspector"]
    assert AuditEntry.objects.filter(action="inspection.plan", target_id=str(inspection.pk)).exists()


@pytest.mark.parametrize(
    ("override", "error", "field"),
    [
        ({"office_code": "P23-9999"}, NotFoundError, "office"),
        ({"office_code": "nonsense"}, ValidationError, "office"),
        ({"planned_for": dt.date(2020, 1, 1)}, ValidationError, "planned_for"),
        ({"inspector": "insp10"}, ValidationError, "inspector"),
        ({"inspector": "nobody"}, ValidationError, "inspector"),
        ({"source": "complaint:C-23-1405-99999"}, ValidationError, "source"),
        ({"source": "rumour"}, ValidationError, "source"),
    ],
)
def test_planning_refuses_bad_input_and_stores_nothing(tehran, people, override, error, field):
    with pytest.raises(error) as refused:
        plan(tehran[0], people, **override)
    assert field in refused.value.fields
    assert not Inspection.objects.exists()


def test_another_provinces_directorate_cannot_plan_a_tehran_visit(tehran, people):
    with pytest.raises(NotFoundError):
        plan(tehran[0], people, actor=as_principal(people["isfahan_directorate"]))
    with pytest.raises(PermissionDeniedError):
        plan(tehran[0], people, actor=as_principal(people["inspector"]))


def test_a_visit_opened_from_a_complaint_names_it(tehran, people):
    complaint = complaint_submit(office_code=tehran[0].code, category="overcharging", description="گران")
    inspection = plan(tehran[0], people, source=f"complaint:{complaint.number}")
    assert inspection.source == f"complaint:{complaint.number}"


# --- Carrying it out ------------------------------------------------------------------------------


def test_score_is_the_weighted_share_of_applicable_items_passed():
    assert score_of([("pass", 3), ("fail", 1), ("na", 5)]) == Decimal("75.00")
    assert score_of([("pass", 2), ("fail", 1)]) == Decimal("66.67")
    assert score_of([("na", 2)]) is None


def test_the_inspector_answers_every_item_adds_a_photo_and_submits_with_a_score(tehran, people, photo_dir):
    inspection = plan(tehran[0], people)
    actor = as_principal(people["inspector"])
    # weights: licence 3, signboard 2, rate board 3, staff 2, hours 2, equipment 1, catalogue 3, data 3
    answers = all_answers(signboard="fail", equipment="na")
    done = inspection_conduct(
        inspection=inspection,
        actor=actor,
        answers=answers,
        photos=[("signboard", photo(image_bytes("JPEG"), "sign.jpg"))],
        submit=True,
    )
    assert done.inspection.status == InspectionStatus.SUBMITTED
    assert done.inspection.score == Decimal("88.89")  # 16 of 18 (equipment n.a.)
    assert done.inspection.started_at
    assert done.inspection.submitted_at
    stored = InspectionPhoto.objects.get()
    assert (stored.content_type, stored.item.code, stored.width, stored.height) == (
        "image/jpeg",
        "signboard",
        8,
        6,
    )
    assert stored.file.name.endswith(".jpg")
    assert "sign" not in stored.file.name
    assert len(stored_files(photo_dir)) == 1
    assert {e.action for e in AuditEntry.objects.filter(target_id=str(inspection.pk))} >= {
        "inspection.start",
        "inspection.record",
        "inspection.submit",
    }


def test_submitting_with_an_item_unanswered_is_refused_and_what_was_saved_stays(tehran, people):
    inspection = plan(tehran[0], people)
    actor = as_principal(people["inspector"])
    inspection_conduct(inspection=inspection, actor=actor, answers={"signboard": Answer("fail", "کج")})
    with pytest.raises(ValidationError) as refused:
        inspection_conduct(
            inspection=inspection, actor=actor, answers={"rate_board": Answer("pass")}, submit=True
        )
    assert set(refused.value.fields) == {
        f"item_{code}" for code in CODES if code not in {"signboard", "rate_board"}
    }
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    assert inspection.score is None
    # the refused submission rolled back its own answers too; the earlier save is kept
    assert [(r.item.code, r.outcome, r.note) for r in InspectionResult.objects.all()] == [
        ("signboard", "fail", "کج")
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"this is not a photo at all", "evidence.jpg", "JPEG and PNG"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "x.png", "JPEG and PNG"),
        (None, "huge.png", "at most"),
        (b"", "empty.png", "empty"),
    ],
)
def test_a_photo_that_is_not_a_jpeg_or_png_or_too_big_is_refused_and_nothing_is_stored(
    tehran, people, photo_dir, settings, content, name, message
):
    settings.PISHKHAN_INSPECTION_PHOTO_MAX_BYTES = 2048
    if content is None:
        content = image_bytes("PNG", (300, 300)).ljust(4096, b"\0")  # a real PNG, over the limit
    inspection = plan(tehran[0], people)
    actor = as_principal(people["inspector"])
    inspection_conduct(inspection=inspection, actor=actor, answers={"signboard": Answer("pass")})
    with pytest.raises(ValidationError) as refused:
        inspection_conduct(
            inspection=inspection,
            actor=actor,
            answers=all_answers(),
            photos=[("signboard", photo(image_bytes())), ("rate_board", photo(content, name))],
            submit=True,
        )
    assert message in refused.value.fields["photo_rate_board"][0]
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    assert not InspectionPhoto.objects.exists()
    assert stored_files(photo_dir) == []
    assert [r.item.code for r in InspectionResult.objects.all()] == ["signboard"]


def test_absurd_pixel_dimensions_and_a_truncated_image_are_refused(tehran, people, settings):
    settings.PISHKHAN_INSPECTION_PHOTO_MAX_SIDE = 100
    inspection = plan(tehran[0], people)
    actor = as_principal(people["inspector"])
    with pytest.raises(ValidationError, match="too large"):
        inspection_conduct(
            inspection=inspection, actor=actor, photos=[("equipment", photo(image_bytes("PNG", (101, 2))))]
        )
    truncated = image_bytes("PNG", (60, 60))[:-30]
    with pytest.raises(ValidationError):
        inspection_conduct(inspection=inspection, actor=actor, photos=[("equipment", photo(truncated))])
    assert not InspectionPhoto.objects.exists()


def test_a_failure_inside_the_transaction_removes_the_files_it_stored(tehran, people, photo_dir, monkeypatch):
    inspection = plan(tehran[0], people)
    actor = as_principal(people["inspector"])
    from pishkhan.supervision.services import inspections as module

    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(module, "audit_record", broken)
    with pytest.raises(RuntimeError):
        inspection_conduct(inspection=inspection, actor=actor, photos=[("equipment", photo())])
    assert stored_files(photo_dir) == []
    assert not InspectionPhoto.objects.exists()


def test_only_the_assigned_inspector_carries_it_out_and_a_submitted_visit_is_final(tehran, people):
    inspection = plan(tehran[0], people)
    for someone in ("other_inspector", "directorate", "regulator"):
        with pytest.raises(PermissionDeniedError):
            inspection_conduct(
                inspection=inspection, actor=as_principal(people[someone]), answers=all_answers()
            )
    actor = as_principal(people["inspector"])
    inspection_conduct(inspection=inspection, actor=actor, answers=all_answers(), submit=True)
    with pytest.raises(ConflictError):
        inspection_conduct(inspection=inspection, actor=actor, answers=all_answers("fail"))
    assert set(InspectionResult.objects.values_list("outcome", flat=True)) == {"pass"}


def test_cancel_and_review_follow_the_transition_table(tehran, people):
    directorate_actor = as_principal(people["directorate"])
    first, second = plan(tehran[0], people), plan(tehran[1], people)
    with pytest.raises(ValidationError):
        inspection_cancel(inspection=first, reason="", actor=directorate_actor)
    cancelled = inspection_cancel(inspection=first, reason="دفتر تعطیل بود", actor=directorate_actor)
    assert cancelled.status == InspectionStatus.CANCELLED
    with pytest.raises(ConflictError):
        inspection_review(inspection=second, actor=directorate_actor)  # not submitted yet
    inspection_conduct(
        inspection=second, actor=as_principal(people["inspector"]), answers=all_answers(), submit=True
    )
    with pytest.raises(ConflictError):
        inspection_cancel(inspection=second, reason="دیر شد", actor=directorate_actor)
    reviewed = inspection_review(inspection=second, note="تأیید", actor=directorate_actor)
    assert (reviewed.status, reviewed.review_note) == ("reviewed", "تأیید")
    assert not INSPECTION_TRANSITIONS.allows("submitted", "in_progress")


# --- The random draw ------------------------------------------------------------------------------


def test_the_weighted_draw_is_reproducible_and_favours_heavy_offices():
    weights = {1: 1.0, 2: 1.0, 3: 10.0, 4: 1.0}
    assert weighted_draw(weights, 2, seed=7) == weighted_draw(weights, 2, seed=7)
    firsts = [weighted_draw(weights, 1, seed=seed)[0] for seed in range(400)]
    assert firsts.count(3) > 250  # 10 of 13 expected: about 308
    assert weighted_draw(weights, 10, seed=1)
    assert len(weighted_draw(weights, 10, seed=1)) == 4
    assert draw_weights([1, 2, 3], [{2}, {2, 3}], risk_weight=3) == {1: 1.0, 2: 7.0, 3: 4.0}


def test_a_draw_plans_visits_weighted_by_open_complaints_and_is_audited_with_its_seed(tehran, people):
    risky = tehran[2]
    complaint_submit(office_code=risky.code, category="overcharging", description="گران")
    assert selectors.offices_with_open_complaints(province="23") == {risky.pk}
    actor = as_principal(people["directorate"])
    result = inspections_draw(province="23", count=2, planned_for=tomorrow(), seed=42, actor=actor)
    assert (result.draw.seed, result.draw.candidates, result.draw.risky) == (42, 5, 1)
    assert len(result.inspections) == 2
    assert {i.planned_how for i in result.inspections} == {"random"}
    # the province's inspectors in turn
    assert {i.inspector.username for i in result.inspections} == {"insp23", "insp23b"}
    entry = AuditEntry.objects.get(action="inspection.draw")
    assert entry.after["seed"] == 42
    assert len(entry.after["offices"]) == 2
    # the same seed on the same offices draws the same visits
    drawn = sorted(i.office_id for i in result.inspections)
    for inspection in result.inspections:
        inspection_cancel(inspection=inspection, reason="آزمون", actor=actor)
    again = inspections_draw(province="23", count=2, planned_for=tomorrow(), seed=42, actor=actor)
    assert sorted(i.office_id for i in again.inspections) == drawn


def test_a_draw_beyond_the_quarters_quota_is_refused_with_409_and_stores_nothing(tehran, people, settings):
    settings.PISHKHAN_INSPECTION_QUOTA_PER_QUARTER = 3
    actor = as_principal(people["directorate"])
    inspections_draw(province="23", count=2, planned_for=tomorrow(), actor=actor)
    with pytest.raises(QuotaExceededError) as refused:
        inspections_draw(province="23", count=2, planned_for=tomorrow(), actor=actor)
    assert refused.value.status == 409
    assert Inspection.objects.count() == 2
    assert inspections_draw(province="23", count=1, planned_for=tomorrow(), actor=actor).inspections
    assert jalali_quarter(dt.date(2026, 3, 21)) == "1405-Q1"
    assert jalali_quarter(dt.date(2026, 12, 6)) == "1405-Q3"


def test_a_draw_is_refused_outside_ones_province_and_for_bad_input(tehran, people):
    with pytest.raises(PermissionDeniedError):
        inspections_draw(
            province="23", count=1, planned_for=tomorrow(), actor=as_principal(people["isfahan_directorate"])
        )
    actor = as_principal(people["directorate"])
    with pytest.raises(ValidationError):
        inspections_draw(province="23", count=0, planned_for=tomorrow(), actor=actor)
    with pytest.raises(ValidationError):
        inspections_draw(province="23", count=1, planned_for=dt.date(2020, 1, 1), actor=actor)
    assert not Inspection.objects.exists()


# --- Reach ----------------------------------------------------------------------------------------


def test_an_inspector_sees_only_their_visits_a_directorate_its_province_the_regulator_all(
    tehran, isfahan_office, people
):
    mine = plan(tehran[0], people)
    theirs = plan(tehran[1], people, inspector="insp23b")
    isfahan = inspection_plan(
        office_code=isfahan_office.code,
        planned_for=tomorrow(),
        inspector="insp10",
        actor=as_principal(people["regulator"]),
    )

    def seen(who):
        scope = selectors.inspection_scope(as_principal(people[who]))
        return set(selectors.inspection_list(scope=scope).values_list("pk", flat=True))

    assert seen("inspector") == {mine.pk}
    assert seen("other_inspector") == {theirs.pk}
    assert seen("directorate") == {mine.pk, theirs.pk}
    assert seen("isfahan_directorate") == {isfahan.pk}
    assert seen("regulator") == {mine.pk, theirs.pk, isfahan.pk}
    assert selectors.inspection_scope(as_principal(UserFactory(role="licensee"))) is None


def test_inspections_for_score_is_the_mean_score_per_office_in_the_period(tehran, people):
    actor = as_principal(people["inspector"])
    for outcome_of_equipment in ("pass", "fail"):
        inspection = plan(tehran[0], people)
        inspection_conduct(
            inspection=inspection,
            actor=actor,
            answers=all_answers(equipment=outcome_of_equipment),
            submit=True,
        )
    planned_only = plan(tehran[1], people)
    assert planned_only.score is None
    now = timezone.now()
    scores = selectors.inspections_for_score(
        start=now - dt.timedelta(days=1), end=now + dt.timedelta(minutes=1)
    )
    assert scores == {tehran[0].pk: pytest.approx((100 + 100 * 18 / 19) / 2, abs=0.01)}
    assert (
        selectors.inspections_for_score(start=now - dt.timedelta(days=9), end=now - dt.timedelta(days=1))
        == {}
    )


# --- Pages ----------------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_plan_page_refuses_an_unknown_office_and_a_past_day_with_form_errors(tehran, people):
    client = _client(people["directorate"])
    assert client.get("/supervision/inspections/plan/").status_code == 200
    unknown = client.post(
        "/supervision/inspections/plan/",
        {"office": "P23-9999", "planned_for": tomorrow().isoformat(), "inspector": "insp23"},
    )
    assert unknown.status_code == 404
    assert "هیچ دفتری در حوزهٔ شما این کد را ندارد." in unknown.content.decode()
    past = client.post(
        "/supervision/inspections/plan/",
        {"office": tehran[0].code, "planned_for": "2020-01-01", "inspector": "insp23"},
    )
    assert past.status_code == 422
    assert "روز بازدید نمی‌تواند در گذشته باشد." in past.content.decode()
    assert not Inspection.objects.exists()
    done = client.post(
        "/supervision/inspections/plan/",
        {"office": tehran[0].code, "planned_for": tomorrow().isoformat(), "inspector": "insp23"},
    )
    assert done.status_code == 302
    assert Inspection.objects.get().office == tehran[0]


def test_the_draw_page_refuses_beyond_the_quota_with_409(tehran, people, settings):
    settings.PISHKHAN_INSPECTION_QUOTA_PER_QUARTER = 1
    client = _client(people["directorate"])
    data = {"province": "23", "count": 2, "planned_for": tomorrow().isoformat()}
    refused = client.post("/supervision/inspections/draw/", data)
    assert refused.status_code == 409
    assert not Inspection.objects.exists()
    assert client.post("/supervision/inspections/draw/", data | {"count": 1}).status_code == 302


def test_the_conduct_page_submits_with_a_photo_and_refuses_a_text_file_named_jpg(tehran, people, photo_dir):
    inspection = plan(tehran[0], people)
    client = _client(people["inspector"])
    url = f"/supervision/inspections/{inspection.pk}/conduct/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    answers = {f"item_{code}": "pass" for code in CODES} | {
        "item_rate_board": "fail",
        "note_rate_board": "نرخ‌نامه قدیمی",
    }
    refused = client.post(
        url, answers | {"action": "submit", "photo_rate_board": photo(b"hello", "board.jpg")}
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "JPEG" in body
    assert "نرخ‌نامه قدیمی" in body
    inspection.refresh_from_db()
    assert (
        inspection.status == InspectionStatus.PLANNED
    )  # the refused post changed nothing, not even its start
    assert not InspectionResult.objects.exists()
    assert not InspectionPhoto.objects.exists()
    assert stored_files(photo_dir) == []
    done = client.post(
        url, answers | {"action": "submit", "photo_rate_board": photo(image_bytes("PNG"), "b.png")}
    )
    assert done.status_code == 302
    detail = client.get(done["Location"])
    inspection.refresh_from_db()
    assert inspection.score == Decimal("84.21")  # 16 of 19
    assert 'data-score="84"' in detail.content.decode()
    # an inspector has no sanction permission: no link
    assert "/supervision/sanctions/new/" not in detail.content.decode()
    board = _client(people["directorate"]).get(done["Location"]).content.decode()
    assert (
        f"/supervision/sanctions/new/?office={tehran[0].code}&amp;source=inspection:{inspection.pk}" in board
    )


def test_a_photo_is_served_only_to_the_inspections_readers_with_its_type_and_nosniff(tehran, people):
    inspection = plan(tehran[0], people)
    done = inspection_conduct(
        inspection=inspection,
        actor=as_principal(people["inspector"]),
        photos=[("signboard", photo(image_bytes("PNG")))],
    )
    url = f"/supervision/inspections/{inspection.pk}/photos/{done.photos[0].pk}/"
    for who in ("inspector", "directorate", "regulator"):
        answer = _client(people[who]).get(url)
        assert answer.status_code == 200, who
        assert answer["Content-Type"] == "image/png"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert b"".join(answer.streaming_content) == image_bytes("PNG")
    for who in ("other_inspector", "isfahan_directorate", "isfahan_inspector"):
        assert _client(people[who]).get(url).status_code == 404, who
    assert Client().get(url).status_code == 302  # signed out: to sign in
    assert _client(UserFactory(role="licensee")).get(url).status_code == 403


def test_the_list_pages_and_exports_follow_the_readers_reach(tehran, people):
    mine = plan(tehran[0], people)
    plan(tehran[1], people, inspector="insp23b")
    page = _client(people["inspector"]).get("/supervision/inspections/")
    assert page.status_code == 200
    assert page.content.decode().count("data-inspection=") == 1
    assert f'data-inspection="{mine.pk}"' in page.content.decode()
    export = _client(people["directorate"]).get("/supervision/inspections/?export=csv&status=planned")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3
    assert {row[1] for row in rows[1:]} == {tehran[0].code, tehran[1].code}
    xlsx = _client(people["regulator"]).get("/supervision/inspections/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert _client(people["directorate"]).get("/supervision/inspections/?status=nonsense").status_code == 422


# --- Publishing a checklist version ---------------------------------------------------------------


def test_publishing_a_checklist_makes_a_new_version_and_refuses_bad_items(db, tmp_path):
    from django.core.management import call_command

    from pishkhan.supervision.services import ItemDraft, checklist_publish

    with pytest.raises(ValidationError):
        checklist_publish(items=[], actor=None)
    with pytest.raises(ValidationError):
        checklist_publish(items=[ItemDraft("a_b", "الف", "A"), ItemDraft("a_b", "ب", "B")], actor=None)
    with pytest.raises(ValidationError):
        checklist_publish(items=[ItemDraft("ok_code", "الف", "A", weight=11)], actor=None)
    with pytest.raises(ValidationError):
        checklist_publish(items=[ItemDraft("Bad Code", "الف", "A")], actor=None)
    assert selectors.checklist_current().number == 1
    version = checklist_publish(
        items=[ItemDraft("signboard", "تابلو", "Signboard", 4)], actor=None, note="v2"
    )
    assert version.number == 2
    assert AuditEntry.objects.filter(action="inspection.checklist_publish").count() == 1
    source = tmp_path / "items.json"
    source.write_text('[{"code": "rate_board", "text_fa": "نرخ", "text_en": "Rates", "weight": 2}]')
    out = io.StringIO()
    call_command("inspection_checklist", "--publish", str(source), stdout=out)
    assert "Published checklist version 3" in out.getvalue()
    assert [item.code for item in selectors.checklist_current().items.all()] == ["rate_board"]
    assert ChecklistItem.objects.filter(version__number=1).count() == len(CODES)
