"""Issue 18's acceptance, in a real Chromium: the Tehran working group holds a session — the chair
seats a member and schedules the session, whose agenda comes from the province's plan; the chair
sets the county's proposed quota, opens the session with the members present; two members vote;
the chair decides the item, carried — and the county quota is in force: the regulator's approval of
one more licence in Tehran county is refused. The session's printable report shows the map, the
agenda, the votes and the decision.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-working-group-*.png).
"""

import datetime as dt

import jdatetime
from django.db import connection
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.geo.models import County, Province
from pishkhan.geo.services import geo_load
from pishkhan.licensing.models import CountyQuota, LicenceApplication
from pishkhan.planning import groups
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.models import Member, Setting
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.licensing.factories import add_documents, approved, licensee, reviewed, submit
from tests.offices.factories import make_office
from tests.planning.test_coverage import TEHRAN, point


def _world() -> str:
    """Tehran's coverage and plan, its working group (chair and governorate's representative), the
    employment organisation's representative not yet seated, the regulator, one licence in force in
    Tehran county and one application recommended there; returns that application's number."""
    geo_load()
    county = County.objects.get(code="2301")
    point(county, Setting.URBAN, TEHRAN[0] + 0.05, TEHRAN[1], 3000)
    point(county, Setting.URBAN, TEHRAN[0] - 0.05, TEHRAN[1], 2000)
    make_office(1)
    coverage_compute()
    users = {}
    for username, role, code in (
        ("dg23", "directorate", "23"),
        ("gov23", "working_group", "23"),
        ("emp23", "working_group", "23"),
        ("cra", "regulator", ""),
    ):
        users[username] = user_create(
            username=username, password=PASSWORD, role=role, jurisdiction_code=code, actor=None
        )
    group = groups.working_group_ensure(province=Province.objects.get(code="23"), actor=None)
    groups.member_add(group=group, username="dg23", role="chair", actor=None)
    groups.member_add(group=group, username="gov23", role="governorate", actor=None)
    approved(licensee(), 1, reviewer=users["dg23"], decider=users["cra"])  # one licence in force
    applicant = licensee()
    application = submit(applicant, 2)
    add_documents(application, applicant)
    reviewed(application, users["dg23"])
    return application.number


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-working-group-{name}.png"), full_page=True)


def _sign_in(browser, live_server, username: str, path: str):
    context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return context, page


def test_the_tehran_working_group_decides_a_quota_that_refuses_an_approval(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    number = _world()
    present = list(Member.objects.filter(user__username__in=["dg23", "gov23"]).values_list("pk", flat=True))
    day = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=3))
    session_url = f"{live_server.url}/planning/working-groups/23/sessions/1/"

    with chromium() as browser:
        # --- The chair seats the third member and schedules a session ---------------------------------
        chair, page = _sign_in(browser, live_server, "dg23", "/planning/working-groups/23/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.fill("#id_username", "emp23")
        page.select_option("#id_role", "employment")
        page.locator("#member-form button[type=submit]").click()
        expect(page.locator("#members tr[data-username=emp23]")).to_have_count(1)
        # A day in the past is refused, what was typed kept.
        page.fill("#id_day", "1390/01/01")
        page.fill("#id_time", "10:30")
        page.fill("#id_place", "استانداری تهران")
        page.locator("#schedule-form button[type=submit]").click()
        expect(page.locator("#group-error")).to_be_visible()
        expect(page.locator("#id_place")).to_have_value("استانداری تهران")
        page.fill("#id_day", day.strftime("%Y/%m/%d"))
        page.locator("#schedule-form button[type=submit]").click()
        page.wait_for_url(session_url)
        expect(page.locator("#session-status")).to_have_attribute("data-status", "scheduled")
        item = page.locator("article.agenda-item[data-county='2301']")
        expect(item).to_have_count(1)
        expect(item.locator(".item-facts")).to_be_visible()  # what the agenda was generated from
        _shoot(page, "agenda")

        # The chair proposes a quota of one Pishkhan office (one is in force), then opens the session.
        item.locator("details.item-edit summary").click()
        item.locator("input[name=pishkhan_quota]").fill("1")
        item.locator("details.item-edit button[type=submit]").click()
        expect(item.locator(".quota-pishkhan")).to_have_text("۱")
        for member_id in present:
            page.check(f"#present-{member_id}")
        page.locator("#open-session").click()
        expect(page.locator("#session-status")).to_have_attribute("data-status", "open")
        expect(page.locator("#present-list li")).to_have_count(2)
        item.locator("button[data-vote=yes]").click()
        expect(item.locator(".tally")).to_contain_text("۱")

        # --- The governorate's representative votes ---------------------------------------------------
        member, member_page = _sign_in(
            browser, live_server, "gov23", "/planning/working-groups/23/sessions/1/"
        )
        member_item = member_page.locator("article.agenda-item[data-county='2301']")
        expect(member_item.locator("button[data-decide]")).to_have_count(0)  # members vote, the chair decides
        member_item.locator("button[data-vote=yes]").click()
        expect(member_item.locator("button[data-vote=yes]")).not_to_have_class("btn btn--secondary")
        member.close()

        # --- The chair decides: carried, the quota is in force -----------------------------------------
        page.reload()
        item.locator("button[data-decide]").click()
        expect(item).to_have_attribute("data-status", "carried")
        page.goto(f"{session_url}report/")
        expect(page.locator("#coverage-map svg")).to_be_visible()
        expect(page.locator("#report-items tr[data-status=carried]")).to_have_count(1)
        expect(page.locator("#report-attendance tr[data-username=gov23]")).to_be_visible()
        _shoot(page, "report")
        chair.close()

        # --- The regulator's approval beyond the quota is refused --------------------------------------
        cra, page = _sign_in(browser, live_server, "cra", f"/licensing/applications/{number}/")
        page.check("input[name='decide-outcome'][value=approved]")
        page.fill("#id_decide-reason", "شرایط احراز شد.")
        page.locator("#step-decide button[type=submit]").click()
        expect(page.locator("#application-state [data-status]")).to_have_attribute(
            "data-status", "recommended"
        )
        expect(page.locator("main")).to_contain_text("2301")
        _shoot(page, "refused")
        cra.close()
        connection.close()

    quota = CountyQuota.objects.get(county__code="2301", office_kind="pishkhan")
    assert quota.maximum == 1
    assert "جلسه 1" in quota.basis  # "Working group of تهران, session 1, item …", in Persian
    assert LicenceApplication.objects.get(number=number).status == "recommended"
