"""A real browser at a phone's size: a citizen complains about an office from its licence page, keeps
the number, tracks it with the number alone (the state) and with the mobile given (the story, once the
directorate answered), in Persian with Jalali dates and Persian digits."""

from django.core.cache import cache

from pishkhan.geo.services import geo_load
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.services import complaint_answer, complaint_review
from tests.browser import PHONE, SCREENSHOTS
from tests.licensing.factories import imported
from tests.offices.factories import make_office


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-complaint-{name}.png"), full_page=True)


def test_a_citizen_complains_then_tracks_the_answer_on_a_phone(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    cache.clear()
    geo_load()
    office = make_office(1, name="دفتر پیشخوان آزادی")
    licence = imported(office, status="active")

    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="fa-IR")
        page = context.new_page()
        page.goto(f"{live_server.url}/licences/{licence.number}/")
        page.locator('a[href^="/complaints/new/"]').first.click()
        page.wait_for_url("**/complaints/new/**")
        page.select_option("select[name=category]", "overcharging")
        page.fill("textarea[name=description]", "برای گذرنامه دو برابر تعرفه گرفتند.")
        page.fill("input[name=mobile]", "۰۹۱۲۱۲۳۴۵۶۷")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/complaints/sent/")
        number = page.locator("#complaint-number").inner_text().strip()
        page.locator("#track-link").click()
        page.wait_for_url("**/complaints/track/?number=*")
        page.locator("main form.track-form button[type=submit]").click()
        expect(page.locator("#tracked")).to_have_attribute("data-full", "no")
        expect(page.locator("#tracked-state")).to_have_attribute("data-state", "received")
        _shoot(page, "state-only")

    complaint = Complaint.objects.get(number=number)
    complaint_review(complaint=complaint, actor="user:test-directorate")
    complaint_answer(
        complaint=complaint, answer="مبلغ اضافه باید بازگردانده شود.", actor="user:test-directorate"
    )

    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="fa-IR")
        page = context.new_page()
        page.goto(f"{live_server.url}/complaints/track/?number={number}")
        page.fill("input[name=mobile]", "09121234567")
        page.locator("main form.track-form button[type=submit]").click()
        expect(page.locator("#tracked")).to_have_attribute("data-full", "yes")
        expect(page.locator("#tracked-answer")).to_contain_text("مبلغ اضافه باید بازگردانده شود.")
        expect(page.locator("#tracked-steps li")).to_have_count(3)
        text = page.locator("#tracked").inner_text()
        assert "۱۴۰" in text  # a Jalali year, in Persian digits
        assert page.evaluate("document.documentElement.dir") == "rtl"
        _shoot(page, "answered")
        wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8)
                .map((e) => `${e.tagName}#${e.id}.${e.className}`)"""
        )
        # Nothing scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
