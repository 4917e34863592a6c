"""Managing an office through its page: status, counters, hours, staff and a conversion request, each
for those who hold its permission in the office's place, refusals shown on the form."""

from __future__ import annotations

import pytest

from pishkhan.accounts.services import user_create
from pishkhan.offices.models import Conversion, Office, StaffMember
from pishkhan.offices.states import ConversionState
from tests.offices.pages_data import PASSWORD, network_build, signed_in

MANAGE = "/offices/P23-0001/manage/"


@pytest.fixture
def network(geo_loaded):
    return network_build()


@pytest.fixture
def directorate(db):
    return signed_in("dir23", "directorate", "23")


def _office(code: str = "P23-0001") -> Office:
    return Office.objects.get(code=code)


def test_a_directorate_gets_every_form_of_its_provinces_office(directorate, network):
    html = directorate.get(MANAGE).content.decode()

    for form in ("status", "counters", "hours", "staff"):
        assert f'name="form" value="{form}"' in html
    assert 'name="form" value="conversion"' not in html  # already a Pishkhan office


def test_the_office_page_links_to_its_management_for_those_who_may(directorate, network):
    inspector = signed_in("inspector23", "inspector", "23")

    assert f'href="{MANAGE}"' in directorate.get("/offices/P23-0001/").content.decode()
    assert f'href="{MANAGE}"' not in inspector.get("/offices/P23-0001/").content.decode()


@pytest.mark.parametrize(
    ("username", "role", "code", "status"),
    [
        ("inspector23", "inspector", "23", 403),  # may only look
        ("dir10", "directorate", "10", 404),  # another province: the office does not exist for it
        ("op2", "office_operator", "P23-0002", 404),  # another office
    ],
)
def test_who_may_not_change_the_office_is_refused(network, username, role, code, status):
    browser = signed_in(username, role, code)

    assert browser.get(MANAGE).status_code == status
    assert browser.post(MANAGE, {"form": "counters", "counters-counters": "9"}).status_code == status
    assert _office().counters == 1


def test_the_office_operator_manages_staff_and_hours_but_not_the_status(network):
    operator = signed_in("op1", "office_operator", "P23-0001")

    page = operator.get(MANAGE).content.decode()
    refused = operator.post(MANAGE, {"form": "status", "status-status": "closed"})

    assert 'name="form" value="hours"' in page
    assert 'name="form" value="status"' not in page
    assert refused.status_code == 403
    assert _office().status == "active"


def test_counters_are_set_and_a_bad_number_is_a_form_error(directorate, network):
    saved = directorate.post(MANAGE, {"form": "counters", "counters-counters": "۴"})
    refused = directorate.post(MANAGE, {"form": "counters", "counters-counters": "0"})

    assert saved.status_code == 302
    assert _office().counters == 4
    assert refused.status_code == 422
    assert 'id="id_counters-counters_error"' in refused.content.decode()


def _week(**days: object) -> dict[str, str]:
    """The hours form's fields for a week: ``day_N=None`` closed, else a list of (opens, closes)."""
    posted = {"form": "hours"}
    for day in range(7):
        shifts = days.get(f"day_{day}", [("08:00", "16:00")])
        if shifts is None:
            posted[f"hours-day_{day}_closed"] = "on"
            continue
        for shift, (opens, closes) in enumerate(shifts, start=1):
            posted[f"hours-day_{day}_opens_{shift}"] = opens
            posted[f"hours-day_{day}_closes_{shift}"] = closes
    return posted


def test_the_hours_form_shows_each_day_with_its_times_in_persian_digits(directorate, network):
    html = directorate.get(MANAGE).content.decode()

    # This office is open round the clock: every day's first shift reads 00:00 to 24:00.
    assert 'name="hours-day_0_opens_1" value="۰۰:۰۰"' in html
    assert 'name="hours-day_6_closes_1" value="۲۴:۰۰"' in html
    assert 'name="hours-day_0_opens_2"' in html  # room for a second shift
    assert "<legend>شنبه</legend>" in html
    assert "08:00-16:00" not in html  # no range typed as text, to read backwards in RTL


def test_hours_are_set_day_by_day_with_a_second_shift_and_a_closed_day(directorate, network):
    week = _week(day_5=[("۰۸:۰۰", "۱۲:۰۰"), ("14", "16:30")], day_6=None)

    response = directorate.post(MANAGE, week)

    assert response.status_code == 302
    hours = _office().opening_hours
    assert hours["0"] == [["08:00", "16:00"]]
    assert hours["5"] == [["08:00", "12:00"], ["14:00", "16:30"]]
    assert "6" not in hours
    page = directorate.get(MANAGE).content.decode()
    assert 'id="id_hours-day_6_closed" checked' in page


@pytest.mark.parametrize(
    ("friday", "field", "message"),
    [
        ([("8am", "16:00")], "day_6_opens_1", "ساعت ۲۴"),
        ([("08:00", "25:00")], "day_6_closes_1", "ساعت ۲۴"),
        ([("16:00", "08:00")], "day_6_closes_1", "ساعت بسته شدن باید بعد از ساعت باز شدن باشد"),
        ([("08:00", "12:00"), ("11:00", "13:00")], "day_6_opens_2", "پس از بسته شدن نوبت پیش از آن"),
        ([("08:00", "")], "day_6_closes_1", "هر دو ساعت"),
        ([], "day_6_opens_1", "یا روز را تعطیل بزنید"),
    ],
)
def test_bad_hours_are_shown_beside_their_field_in_persian_and_nothing_changes(
    directorate, network, friday, field, message
):
    response = directorate.post(MANAGE, _week(day_6=friday))

    assert response.status_code == 422
    html = response.content.decode()
    error = html[html.index(f'id="id_hours-{field}_error"') :]
    assert message in error[: error.index("</ul>")]
    assert _office().opening_hours["6"] == [["00:00", "24:00"]]


def test_suspending_an_office_shows_on_its_public_board(directorate, network, anon_client):
    response = directorate.post(
        MANAGE, {"form": "status", "status-status": "suspended", "status-reason": "بازرسی"}
    )

    assert response.status_code == 302
    assert _office().status == "suspended"
    assert "rate-board__closed" in anon_client.get("/offices/P23-0001/rates/").content.decode()


def test_staff_are_added_by_login_and_removed(directorate, network):
    user_create(
        username="clerk1", password=PASSWORD, role="office_operator", jurisdiction_code="P23-0001", actor=None
    )

    added = directorate.post(MANAGE, {"form": "staff", "staff-username": "clerk1", "staff-position": "clerk"})
    member = StaffMember.objects.get(user__username="clerk1")
    asked = directorate.post(MANAGE, {"form": "remove", "member": str(member.pk)})
    member.refresh_from_db()
    kept = member.active
    removed = directorate.post(MANAGE, {"form": "remove", "member": str(member.pk), "confirmed": "yes"})

    assert added.status_code == 302
    assert asked.status_code == 200  # the confirmation page: the first POST removes no one
    assert kept is True
    html = asked.content.decode()
    assert '<input type="hidden" name="form" value="remove">' in html
    assert f'<input type="hidden" name="member" value="{member.pk}">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert 'href="/offices/P23-0001/manage/"' in html
    assert removed.status_code == 302
    member.refresh_from_db()
    assert member.active is False


@pytest.mark.parametrize(
    ("username", "field_error"),
    [("nobody", True), ("clerk-of-p2", False)],  # unknown login; a login of another office
)
def test_a_login_that_cannot_join_the_staff_is_a_form_error(directorate, network, username, field_error):
    user_create(
        username="clerk-of-p2",
        password=PASSWORD,
        role="office_operator",
        jurisdiction_code="P23-0002",
        actor=None,
    )

    response = directorate.post(
        MANAGE, {"form": "staff", "staff-username": username, "staff-position": "clerk"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert ('id="id_staff-username_error"' in html) is field_error
    assert ('class="notice notice--error"' in html) is not field_error
    assert not StaffMember.objects.exists()


def test_a_conversion_is_requested_for_a_parallel_office_once(directorate, network):
    manage = "/offices/S23-0001/manage/"

    first = directorate.post(manage, {"form": "conversion", "conversion-reason": "تکلیف قانونی"})
    again = directorate.post(manage, {"form": "conversion", "conversion-reason": "دوباره"})

    assert first.status_code == 302
    assert Conversion.objects.get().state == ConversionState.REQUESTED
    # The form is no longer offered once a case is open: posting it anyway is refused.
    assert again.status_code == 403
    assert Conversion.objects.count() == 1


def test_closing_an_office_for_good_asks_for_confirmation_first(directorate, network):
    closing = {"form": "status", "status-status": "closed", "status-reason": "پایان فعالیت"}

    asked = directorate.post(MANAGE, closing)
    still = _office().status
    closed = directorate.post(MANAGE, closing | {"confirmed": "yes"})

    assert asked.status_code == 200  # the confirmation page: the first POST closes nothing
    assert still == "active"
    html = asked.content.decode()
    assert '<input type="hidden" name="status-status" value="closed">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert closed.status_code == 302
    assert _office().status == "closed"
