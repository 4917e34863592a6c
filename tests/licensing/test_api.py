"""The licensing API through the real URLs: the whole application flow with documents, the licence's
actions, scoping (404 outside), permissions (403), the public verification, problems."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services import licence_revoke, licence_signal
from pishkhan.offices.models import Office
from tests.licensing.factories import (
    JPEG,
    PDF,
    PNG,
    approved,
    directorate,
    imported,
    licensee,
    regulator,
    verify,
)
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    make_office,
    national_id,
    operator_draft,
)

PROBLEM = "application/problem+json"

pytestmark = pytest.mark.usefixtures("catalogue")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _applicant(identifier: int = 321):
    """A licensee whose account verified the national ID the application body names."""
    return verify(licensee(), national_id(identifier))


def _application_body(**overrides):
    body = {
        "applicant": {
            "kind": "person",
            "name": "زهرا احمدی",
            "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
            "national_id": national_id(321),
        },
        "office_kind": "pishkhan",
        "province": "23",
        "county": "2301",
        "place": "1576",
        "office_name": "دفتر پیشخوان انقلاب",
        "address": "خیابان انقلاب، پلاک ۱۰",
        "postal_code": "1315763111",
    }
    return body | overrides


def _upload(client, number, kind, content, name, **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content)} | extra
    return client.post(f"/api/v1/licence-applications/{number}/documents", data)


def test_an_application_from_submission_to_an_active_licence():
    applicant, reviewer, boss = _applicant(), directorate("23"), regulator()
    me, them, cra = _client(applicant), _client(reviewer), _client(boss)

    # the applicant submits and uploads the documents (a PDF, a PNG and a JPEG)
    created = _post(me, "/api/v1/licence-applications", _application_body())
    assert created.status_code == 201, created.content
    application = created.json()
    number = application["number"]
    assert application["status"] == "submitted"
    assert application["applicant_identifier"] == national_id(321)[:3] + "*****" + national_id(321)[-2:]
    assert national_id(321) not in created.content.decode()
    expiry = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    for kind, content, name in (
        ("identity", PNG, "card.png"),
        ("premises", PDF, "lease.pdf"),
        ("education", JPEG, "degree.jpg"),
    ):
        response = _upload(me, number, kind, content, name)
        assert response.status_code == 201, response.content
    clearance = _upload(me, number, "clearance", PDF, "clearance.pdf", expires_on=expiry)
    assert clearance.status_code == 201
    assert clearance.json()["content_type"] == "application/pdf"

    # the directorate takes it, reads a document and recommends it; the regulator approves
    assert _post(them, f"/api/v1/licence-applications/{number}/take").status_code == 200
    document_id = clearance.json()["id"]
    download = them.get(f"/api/v1/licence-applications/{number}/documents/{document_id}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    reviewed = _post(
        them, f"/api/v1/licence-applications/{number}/review", {"outcome": "recommended", "reason": "ok"}
    )
    assert reviewed.json()["status"] == "recommended"
    decided = _post(
        cra, f"/api/v1/licence-applications/{number}/decide", {"outcome": "approved", "reason": "احراز شرایط"}
    )
    assert decided.status_code == 200, decided.content
    licence_number = decided.json()["licence_number"]

    # the holder sees the licence issued; the office's system connects and it becomes active
    licence = me.get(f"/api/v1/licences/{licence_number}").json()
    assert licence["status"] == "issued"
    office_code = licence["office_code"]
    assert _post(cra, f"/api/v1/licences/{licence_number}/activate").status_code == 409
    _key, plain = apikey_create(holder_kind="office", holder_code=office_code, actor=None)
    licence_signal(office=Office.objects.get(code=office_code), at=timezone.now(), actor=None)
    assert me.get(f"/api/v1/licences/{licence_number}").json()["status"] == "active"
    office_system = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert office_system.get(f"/api/v1/licences/{licence_number}").json()["status"] == "active"
    timeline = me.get(f"/api/v1/licences/{licence_number}/timeline").json()
    assert [step["action"] for step in timeline] == [
        "licence.issue",
        "licence.first_signal",
        "licence.activate",
    ]
    assert audit_chain_verify().intact


def test_documents_refused_by_type_size_and_expiry_over_the_api():
    applicant = _applicant()
    me = _client(applicant)
    number = _post(me, "/api/v1/licence-applications", _application_body()).json()["number"]
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    renamed = _upload(me, number, "premises", b"plain text, not a PDF", "deed.pdf")
    oversize = _upload(me, number, "premises", PDF + b"0" * (5 * 1024 * 1024), "deed.pdf")
    expired = _upload(me, number, "clearance", PDF, "clearance.pdf", expires_on=yesterday)

    for response, field in ((renamed, "file"), (oversize, "file"), (expired, "expires_on")):
        assert response.status_code == 422, response.content
        assert response["Content-Type"] == PROBLEM
        assert field in response.json()["errors"]
    assert me.get(f"/api/v1/licence-applications/{number}").json()["documents"] == []


def test_a_county_of_another_province_is_a_422_naming_the_county():
    response = _post(
        _client(_applicant()), "/api/v1/licence-applications", _application_body(county=ARDESTAN_COUNTY)
    )

    assert response.status_code == 422
    assert "county" in response.json()["errors"]


def test_a_recently_revoked_applicant_is_told_the_rule():
    office = make_office(1, operator=operator_draft(1, national_id=national_id(321)))
    licence_revoke(licence=imported(office, status="active"), reason="تخلف", basis="ماده ۱۲", actor=None)

    response = _post(_client(_applicant()), "/api/v1/licence-applications", _application_body())

    assert response.status_code == 422
    assert response.json()["type"] == "urn:pishkhan:problem:recently-revoked"


def test_an_account_cannot_apply_under_another_national_id_over_the_api():
    me = _client(_applicant(321))

    theirs = _post(
        me,
        "/api/v1/licence-applications",
        _application_body(
            applicant={
                "kind": "person",
                "name": "دیگری",
                "mobile": "09121112233",
                "national_id": national_id(322),
            }
        ),
    )
    unverified = _post(_client(licensee()), "/api/v1/licence-applications", _application_body())
    own_by_default = _post(
        me,
        "/api/v1/licence-applications",
        _application_body(
            applicant={
                "kind": "person",
                "name": "زهرا احمدی",
                "mobile": "09121112233",
            }
        ),
    )

    assert theirs.status_code == 403
    assert theirs.json()["type"] == "urn:pishkhan:problem:identity-mismatch"
    assert "applicant.national_id" in theirs.json()["errors"]
    assert unverified.status_code == 403
    assert unverified.json()["type"] == "urn:pishkhan:problem:identity-unverified"
    assert own_by_default.status_code == 201, own_by_default.content
    mine = national_id(321)
    assert own_by_default.json()["applicant_identifier"] == mine[:3] + "*****" + mine[-2:]
    assert Licence.objects.count() == 0


# --- Who sees what --------------------------------------------------------------------------------


@pytest.fixture
def two_provinces():
    """A licence applied for in Tehran (with its holder) and one imported in Isfahan."""
    holder = licensee()
    application, tehran = approved(holder)
    isfahan_office = make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )
    isfahan = imported(isfahan_office, status="active")
    return {"holder": holder, "application": application, "tehran": tehran, "isfahan": isfahan}


def test_anonymous_callers_get_401(two_provinces):
    for url in (
        "/api/v1/licences",
        "/api/v1/licence-applications",
        f"/api/v1/licences/{two_provinces['tehran'].number}",
    ):
        response = Client().get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM


def test_a_licensee_sees_only_their_own(two_provinces):
    me = _client(two_provinces["holder"])
    stranger = _client(licensee())

    assert [row["number"] for row in me.get("/api/v1/licences").json()["items"]] == [
        two_provinces["tehran"].number
    ]
    assert me.get(f"/api/v1/licences/{two_provinces['isfahan'].number}").status_code == 404
    assert stranger.get("/api/v1/licences").json()["count"] == 0
    assert stranger.get(f"/api/v1/licences/{two_provinces['tehran'].number}").status_code == 404
    assert (
        stranger.get(f"/api/v1/licence-applications/{two_provinces['application'].number}").status_code == 404
    )


def test_a_directorate_sees_its_province_only(two_provinces):
    tehran = _client(directorate("23"))

    numbers = [row["number"] for row in tehran.get("/api/v1/licences").json()["items"]]
    assert numbers == [two_provinces["tehran"].number]
    assert tehran.get(f"/api/v1/licences/{two_provinces['isfahan'].number}").status_code == 404
    assert (
        _client(directorate("10"))
        .get(f"/api/v1/licence-applications/{two_provinces['application'].number}")
        .status_code
        == 404
    )


def test_the_regulator_sees_all(two_provinces):
    assert _client(regulator()).get("/api/v1/licences").json()["count"] == 2


def test_an_office_operator_sees_its_office_licence(two_provinces):
    office = two_provinces["isfahan"].office
    _key, plain = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    system = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert [row["number"] for row in system.get("/api/v1/licences").json()["items"]] == [
        two_provinces["isfahan"].number
    ]
    assert system.get(f"/api/v1/licences/{two_provinces['tehran'].number}").status_code == 404
    assert _post(system, f"/api/v1/licences/{two_provinces['isfahan'].number}/suspend").status_code in (
        403,
        422,
    )


def test_actions_need_their_permission(two_provinces):
    number = two_provinces["tehran"].number
    holder, reviewer = _client(two_provinces["holder"]), _client(directorate("23"))
    body = {"reason": "تخلف", "basis": "ماده ۱۲"}

    assert _post(holder, f"/api/v1/licences/{number}/revoke", body).status_code == 403
    assert _post(reviewer, f"/api/v1/licences/{number}/revoke", body).status_code == 403
    assert _post(reviewer, f"/api/v1/licences/{number}/surrender", {"reason": "x"}).status_code == 403
    assert (
        _post(_client(regulator()), f"/api/v1/licences/{number}/surrender", {"reason": "x"}).status_code
        == 403
    )
    assert Licence.objects.get(number=number).status == "issued"


def test_a_directorate_of_another_province_cannot_review(two_provinces):
    applicant = _applicant(900)
    me = _client(applicant)
    number = _post(
        me,
        "/api/v1/licence-applications",
        _application_body(
            applicant={
                "kind": "person",
                "name": "علی",
                "mobile": "09121112233",
                "national_id": national_id(900),
            }
        ),
    ).json()["number"]

    assert _post(_client(directorate("10")), f"/api/v1/licence-applications/{number}/take").status_code == 404
    assert _post(_client(regulator()), f"/api/v1/licence-applications/{number}/take").status_code == 403
    assert me.get(f"/api/v1/licence-applications/{number}/documents/1").status_code == 403


def test_the_regulator_suspends_revokes_with_a_basis_and_an_illegal_move_is_409(two_provinces):
    licence = two_provinces["isfahan"]
    cra = _client(regulator())
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    suspended = _post(
        cra,
        f"/api/v1/licences/{licence.number}/suspend",
        {"until": until, "reason": "تخلف", "basis": "ماده ۸"},
    )
    assert suspended.status_code == 200
    assert suspended.json()["suspended_until"] == until
    no_basis = _post(cra, f"/api/v1/licences/{licence.number}/revoke", {"reason": "تخلف"})
    assert no_basis.status_code == 422
    assert "basis" in no_basis.json()["errors"]
    assert (
        _post(
            cra, f"/api/v1/licences/{licence.number}/revoke", {"reason": "تخلف", "basis": "ماده ۱۲"}
        ).status_code
        == 200
    )
    again = _post(cra, f"/api/v1/licences/{licence.number}/revoke", {"reason": "تخلف", "basis": "ماده ۱۲"})
    assert again.status_code == 409
    assert again.json()["type"] == "urn:pishkhan:problem:illegal-transition"


def test_the_holder_surrenders_their_licence(two_provinces):
    number = two_provinces["tehran"].number

    response = _post(
        _client(two_provinces["holder"]), f"/api/v1/licences/{number}/surrender", {"reason": "بازنشستگی"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "surrendered"


# --- Public verification --------------------------------------------------------------------------


def test_anyone_verifies_a_licence_without_learning_who_holds_it(two_provinces):
    licence = two_provinces["tehran"]

    response = Client().get(f"/api/v1/licences/{licence.number}/public")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "issued"
    assert body["office"]["code"] == licence.office.code
    assert body["services"] == ["tamin.pension-statement"]
    text = response.content.decode()
    for secret in (licence.holder_name, licence.holder_masked, national_id(5001), "holder"):
        assert secret not in text


def test_the_public_view_of_an_unknown_or_malformed_number():
    assert Client().get("/api/v1/licences/L-23-1405-99999/public").status_code == 404
    assert Client().get("/api/v1/licences/nonsense/public").status_code == 422


# --- Quotas ---------------------------------------------------------------------------------------


def test_the_regulator_sets_quotas_and_a_directorate_reads_its_province():
    cra = _client(regulator())
    body = {"county": "2301", "office_kind": "pishkhan", "maximum": 40, "reason": "مصوبه کارگروه"}

    assert _post(cra, "/api/v1/county-quotas", body).json()["maximum"] == 40
    assert _post(cra, "/api/v1/county-quotas", body | {"county": "1001", "maximum": 3}).status_code == 200
    assert _post(_client(directorate("23")), "/api/v1/county-quotas", body).status_code == 403

    tehran = _client(directorate("23")).get("/api/v1/county-quotas").json()
    assert [(q["county_code"], q["maximum"]) for q in tehran] == [("2301", 40)]
    assert len(cra.get("/api/v1/county-quotas").json()) == 2
    assert _client(licensee()).get("/api/v1/county-quotas").status_code == 403
