"""The demo's working groups: every province's, Tehran's held by the demo logins with one scheduled
session whose agenda came from the plan; built twice, nothing doubles."""

from pishkhan.accounts.models import User
from pishkhan.demo.services import demo_users_ensure
from pishkhan.demo.workgroups import working_groups_build
from pishkhan.geo.models import Province
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.models import Member, Session, WorkingGroup
from pishkhan.planning.states import SessionStatus
from tests.offices.factories import make_agency, make_office


def test_every_province_has_its_group_and_tehran_a_session(geo_loaded):
    make_agency("sabt", "National Organization for Civil Registration")  # the demo agency user's
    make_office(1)
    coverage_compute()

    working_groups_build()
    working_groups_build()  # again: nothing doubles

    assert WorkingGroup.objects.count() == Province.objects.count()
    assert Member.objects.count() == 3 * Province.objects.count()
    tehran = Member.objects.filter(group__province__code="23")
    assert set(tehran.values_list("user__username", flat=True)) == {
        "directorate",
        "working_group",
        "wg23-emp",
    }
    assert tehran.get(role="chair").user.role == "directorate"
    session = Session.objects.get()
    assert session.status == SessionStatus.SCHEDULED
    assert session.group.province.code == "23"
    # The demo logins printed by `up` are the same users, their passwords set anew.
    logins = {login.username for login in demo_users_ensure()}
    assert {"directorate", "working_group"} <= logins
    # The demo licensee applies at once: its national ID (a sandbox identity) is verified and bound.
    assert User.objects.get(username="licensee").national_id_masked == "001*****11"
