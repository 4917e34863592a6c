"""A real browser runs a sanction case's first steps: the directorate opens it from a complaint's link
(the form prefilled), the office's operator reads it under My cases and answers within the remedy
window, and once the window has closed the directorate sets the hearing with a Jalali date.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
"""

import datetime as dt

import jdatetime
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.geo.services import geo_load
from pishkhan.licensing.models import Proceeding
from pishkhan.supervision.models import SanctionCase
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.licensing.factories import imported
from tests.offices.factories import make_office

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


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


def test_a_case_is_opened_answered_and_set_for_hearing(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    geo_load()
    office = make_office(1)
    imported(office, status="active")
    user_create(username="dir23", password=PASSWORD, role="directorate", jurisdiction_code="23", actor=None)
    user_create(
        username="op1", password=PASSWORD, role="office_operator", jurisdiction_code=office.code, actor=None
    )

    with chromium() as browser:
        link = f"/supervision/sanctions/new/?office={office.code}&source=complaint:C-23-1405-00001"
        staff, page = _sign_in(browser, live_server, "dir23", link)
        expect(page.locator("#id_ground")).to_have_value("complaint_upheld")
        expect(page.locator("#id_office")).to_have_value(office.code)
        page.fill("#id_facts", "شهروند ۲۰۰٬۰۰۰ ریال بیش از تعرفه پرداخت.")
        page.locator("#open").click()
        expect(page.locator("#sanction-state")).to_have_attribute("data-state", "noticed")
        number = SanctionCase.objects.get().number
        expect(page.locator("#step-hearing")).to_have_count(0)  # the remedy window runs
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-sanction-opened.png"), full_page=True)

        holder, mine = _sign_in(browser, live_server, "op1", "/supervision/my-cases/")
        mine.locator(f"[data-sanction='{number}'] a").click()
        expect(mine.locator("#facts")).to_contain_text("بیش از تعرفه")
        mine.fill("#id_statement", "مبلغ اضافه به شهروند بازگردانده شد.")
        mine.check("#id_remedied")
        mine.locator("#step-answer button[type=submit]").click()
        expect(mine.locator("#sanction-state")).to_have_attribute("data-state", "answered")
        expect(mine.locator("#step-answer")).to_have_count(0)
        holder.close()

        # The remedy window has closed (the case's and its proceeding's clocks set back a week).
        week = dt.timedelta(days=7)
        case = SanctionCase.objects.get(number=number)
        SanctionCase.objects.filter(pk=case.pk).update(remedy_by=case.remedy_by - week)
        Proceeding.objects.filter(pk=case.proceeding_id).update(
            noticed_at=case.proceeding.noticed_at - week, respond_by=case.proceeding.respond_by - week
        )
        page.reload()
        expect(page.locator("#answer")).to_contain_text("بازگردانده شد")
        day = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=3))
        page.fill("#id_day", day.strftime("%Y/%m/%d").translate(PERSIAN))
        page.fill("#id_time", "10:30")
        page.fill("#id_place", "اداره کل ارتباطات استان تهران")
        page.locator("#step-hearing button[type=submit]").click()
        expect(page.locator("#sanction-state")).to_have_attribute("data-state", "hearing_scheduled")
        expect(page.locator("#timeline li")).to_have_count(3)
        expect(page.locator("#step-minutes")).to_have_count(0)  # not before the hearing; it may move
        expect(page.locator("#step-hearing")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-sanction-hearing.png"), full_page=True)
        staff.close()
    case = SanctionCase.objects.get()
    assert timezone.localtime(case.hearing_at).time() == dt.time(10, 30)
