"""Deny by default: every page and every API operation either demands a signed-in, permitted caller
or is public on purpose. A new view without a decision fails here.

Every page route is requested, its parameters filled from one sample of each object (sample.py), as
cisagov's ``test_url_auth.py`` does: signed out, a private page sends the visitor to sign in (never a
200 of private data, never a 500); signed in as someone whose jurisdiction holds none of the sample (a
directorate of Isfahan, an Isfahan office's operator, a licensee who holds nothing), a page about a
Tehran object answers 403 or 404. Public pages are listed here by name, one decision each.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.architecture.sample import outsider, sample_build
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

# Views from Django itself that are public by nature.
DJANGO_PUBLIC_VIEWS = {"django.views.i18n.set_language"}
# Pages anyone may open, signed in or not, decided one by one.
PUBLIC_PAGES = {
    "web:home",
    "catalogue:service_list",
    "catalogue:service_detail",
    "catalogue:agency_list",
    "catalogue:agency_detail",
    "offices:rate_board",
    "offices:find",
    "offices:county_options",
    "transactions:track",
    "frontoffice:rate",
    "frontoffice:display",
    "frontoffice:display_live",
    "frontoffice:book",
    "frontoffice:book_slot",
    "frontoffice:booking_manage",
    "notifications:optout",
    "supervision:complaint_new",
    "supervision:complaint_sent",
    "supervision:complaint_track",
    "licensing:licence_check",
    "licensing:licence_verify",
    "licensing:licence_signboard",
    "accounts:login",
    "accounts:logout",
    "web:signup",
    "web:password_reset",
}
# The parameters of every route that has some, from the sample. A new route with parameters fails
# ``test_every_route_with_parameters_is_filled_from_the_sample`` until it is given its own here.
SAMPLE_KWARGS = {
    "catalogue:service_detail": lambda s: {"code": s.service.code},
    "catalogue:service_edit": lambda s: {"code": s.service.code},
    "catalogue:tariff_new": lambda s: {"code": s.service.code},
    "catalogue:agency_detail": lambda s: {"code": s.agency.code},
    "offices:conversion_detail": lambda s: {"pk": s.conversion.pk},
    "offices:office_detail": lambda s: {"code": s.office.code},
    "frontoffice:display": lambda s: {"code": s.office.code},
    "frontoffice:display_live": lambda s: {"code": s.office.code},
    "frontoffice:book_slot": lambda s: {"code": s.office.code},
    "offices:office_manage": lambda s: {"code": s.office.code},
    "offices:rate_board": lambda s: {"code": s.office.code},
    "transactions:transaction_detail": lambda s: {"code": s.transaction.tracking_code},
    "transactions:receipt": lambda s: {"code": s.transaction.tracking_code},
    "transactions:receipt_thermal": lambda s: {"code": s.transaction.tracking_code},
    "supervision:campaign_detail": lambda s: {"number": s.campaign.number},
    "supervision:campaign_conclude": lambda s: {"number": s.campaign.number},
    "supervision:case_detail": lambda s: {"number": s.campaign.number, "pk": s.case.pk},
    "supervision:complaint_detail": lambda s: {"number": s.complaint.number},
    "supervision:complaint_review": lambda s: {"number": s.complaint.number},
    "supervision:complaint_answer": lambda s: {"number": s.complaint.number},
    "supervision:complaint_close": lambda s: {"number": s.complaint.number},
    "supervision:inspection_detail": lambda s: {"pk": s.inspection.pk},
    "supervision:inspection_conduct": lambda s: {"pk": s.inspection.pk},
    "supervision:inspection_cancel": lambda s: {"pk": s.inspection.pk},
    "supervision:inspection_review": lambda s: {"pk": s.inspection.pk},
    "supervision:inspection_photo": lambda s: {"pk": s.inspection.pk, "photo_id": s.photo_id},
    "supervision:alert_detail": lambda s: {"pk": s.alert.pk},
    "supervision:alert_acknowledge": lambda s: {"pk": s.alert.pk},
    "supervision:alert_resolve": lambda s: {"pk": s.alert.pk},
    "supervision:alert_dismiss": lambda s: {"pk": s.alert.pk},
    "supervision:rule_update": lambda s: {"code": "overcharge"},
    "supervision:office_complaint_detail": lambda s: {"number": s.complaint.number},
    "supervision:office_refund_confirm": lambda s: {"number": s.complaint.number},
    "supervision:board_office": lambda s: {"code": s.office.code},
    "supervision:sanction_detail": lambda s: {"number": s.sanction.number},
    "supervision:sanction_step": lambda s: {"number": s.sanction.number, "step": "minutes"},
    "supervision:my_case": lambda s: {"number": s.sanction.number},
    "supervision:my_case_step": lambda s: {"number": s.sanction.number, "step": "answer"},
    "supervision:score_office": lambda s: {"code": s.office.code},
    "planning:province": lambda s: {"code": s.office.province.code},
    "web:kpis_province": lambda s: {"code": s.office.province.code},
    "web:kpis_county": lambda s: {"code": s.office.county.code},
    "web:kpis_office": lambda s: {"code": s.office.code},
    "web:kpis_province_report": lambda s: {"code": s.office.province.code},
    "planning:group": lambda s: {"code": s.office.province.code},
    "planning:session": lambda s: {"code": s.office.province.code, "number": s.session.number},
    "planning:session_report": lambda s: {"code": s.office.province.code, "number": s.session.number},
    "licensing:licence_detail": lambda s: {"number": s.licence.number},
    "licensing:application_detail": lambda s: {"number": s.application.number},
    "licensing:application_document": lambda s: {
        "number": s.application.number,
        "document_id": s.document_id,
    },
    "licensing:my_application": lambda s: {"number": s.application.number},
    "licensing:my_licence": lambda s: {"number": s.application.licence.number},
    "licensing:licence_verify": lambda s: {"number": s.licence.number},
    "licensing:licence_signboard": lambda s: {"number": s.licence.number},
    "accounts:staff_detail": lambda s: {"pk": s.staff.pk},
}
# Pages about something national (a campaign covers the whole country): an outsider with the
# permission opens them, and sees only the part in their own jurisdiction (checked below).
NATIONAL_PAGES = {"supervision:campaign_detail"}


def _patterns(resolver=None, prefix="", namespace=""):
    """(route, name with namespace, pattern) of every page route (the admin and the API left out)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("admin/", "api/v1/")):
                continue  # the admin guards itself; the API is swept through its schema below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}", entry


def _qualname(view):
    return f"{view.__module__}.{view.__name__}"


def _access(pattern):
    if _qualname(pattern.callback) in DJANGO_PUBLIC_VIEWS:
        return "public"
    return getattr(pattern.callback, "pishkhan_access", None)


def _url(route, name, sample):
    """The route's path with its parameters taken from the sample."""
    kwargs = SAMPLE_KWARGS[name](sample) if "<" in route else {}
    path = route
    for key, value in kwargs.items():
        start = path.index("<")
        end = path.index(">", start)
        assert path[start + 1 : end].split(":")[-1] == key, (name, route)
        path = f"{path[:start]}{value}{path[end + 1 :]}"
    assert "<" not in path, (name, route)
    return "/" + path


def _get_or_post(client, url):
    """GET the page; a route that takes only POST (a form's action) is POSTed to, empty."""
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


def _private():
    return [(route, name) for route, name, pattern in _patterns() if _access(pattern) != "public"]


def test_every_page_declares_who_may_see_it():
    undecided = [route for route, _name, pattern in _patterns() if _access(pattern) is None]
    assert undecided == []


def test_the_public_pages_are_the_listed_ones():
    public = {name for _route, name, pattern in _patterns() if _access(pattern) == "public"}
    assert public - {"web:set_language"} == PUBLIC_PAGES


def test_every_route_with_parameters_is_filled_from_the_sample():
    with_parameters = {name for route, name, _pattern in _patterns() if "<" in route}
    assert with_parameters == set(SAMPLE_KWARGS)


@pytest.fixture
def sample(geo_loaded):
    """One of each object of Tehran province (sample.py)."""
    return sample_build()


@pytest.mark.django_db
def test_every_private_page_sends_a_stranger_to_sign_in(client, sample):
    answers = {}
    for route, name in _private():
        response = _get_or_post(client, _url(route, name, sample))
        answers[name] = (response.status_code, response.get("Location", ""))

    not_sent_to_sign_in = {
        name: status
        for name, (status, location) in answers.items()
        if status != 302 or not location.startswith("/accounts/login/")
    }
    assert not_sent_to_sign_in == {}
    assert {name for name in SAMPLE_KWARGS if name not in PUBLIC_PAGES} <= set(answers)  # none skipped


@pytest.mark.django_db
def test_every_public_page_answers_a_stranger_without_error(client, sample):
    answers = {}
    for route, name, pattern in _patterns():
        if _access(pattern) == "public" and name != "accounts:logout":
            answers[name] = client.get(_url(route, name, sample)).status_code

    # A page or a redirect (the sent-complaint page without a complaint sent, the language switch).
    assert {name: status for name, status in answers.items() if status >= 400} == {}


def _isfahan_operator():
    office = make_office(
        9, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )
    return outsider("office_operator", office.code)


OUTSIDERS = {
    "directorate of Isfahan": lambda: outsider("directorate", ISFAHAN_PROVINCE),
    "inspector of Isfahan": lambda: outsider("inspector", ISFAHAN_PROVINCE),
    "operator of an Isfahan office": _isfahan_operator,
    "licensee holding nothing": lambda: outsider("licensee"),
}


@pytest.mark.django_db
def test_a_page_about_a_tehran_object_is_refused_outside_its_jurisdiction(client, sample):
    # One sample for the four outsiders (building it is the slow part); failures are kept per outsider.
    wrong, checked = {}, set()
    for who, make in OUTSIDERS.items():
        client.force_login(make())
        for route, name in _private():
            if "<" not in route:
                continue
            response = _get_or_post(client, _url(route, name, sample))
            checked.add(name)
            if response.status_code in (403, 404):
                continue
            # Only a national page may answer, and then with nothing of Tehran's: not its case's office.
            shows_tehran = sample.case.office.code in response.content.decode(errors="replace")
            if name not in NATIONAL_PAGES or response.status_code != 200 or shows_tehran:
                wrong[(who, name)] = response.status_code
        client.logout()

    assert wrong == {}
    assert checked == {name for name in SAMPLE_KWARGS if name not in PUBLIC_PAGES}


def _operations(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


# API operations that are public reference data, decided one by one.
PUBLIC_API_OPERATIONS = {
    ("get", "/api/v1/geo/provinces"),
    ("get", "/api/v1/geo/counties"),
    ("get", "/api/v1/geo/places"),
    ("get", "/api/v1/agencies"),
    ("get", "/api/v1/agencies/{code}"),
    ("get", "/api/v1/services"),
    ("get", "/api/v1/services/{code}"),
    ("get", "/api/v1/services/{code}/tariffs"),
    ("get", "/api/v1/tariffs"),
    ("get", "/api/v1/tariffs/in-force"),
    ("get", "/api/v1/offices/near"),
    ("get", "/api/v1/offices/{code}/rate-board"),
    ("get", "/api/v1/licences/{number}/public"),
    ("post", "/api/v1/gateway/callback/{agency_code}"),
    # A citizen files and tracks a complaint without an account (rate-limited per address).
    ("post", "/api/v1/complaints"),
    ("post", "/api/v1/complaints/{number}/track"),
}


@pytest.mark.django_db
def test_every_api_operation_needs_credentials_unless_listed_public(client):
    public = {
        (method, path) for method, path, operation in _operations(client) if not operation.get("security")
    }
    assert public == PUBLIC_API_OPERATIONS


@pytest.mark.django_db
def test_every_protected_api_operation_answers_401_with_a_problem_to_a_stranger(client):
    for method, path, operation in _operations(client):
        if not operation.get("security"):
            continue
        url = path.replace("{", "").replace("}", "")
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 401, (method, path, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
