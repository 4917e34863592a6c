"""A real browser in the waiting room: the display shows a ticket called after it was opened, without
a reload (htmx polls its live part)."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from pishkhan.common.persian import to_persian_digits
from pishkhan.frontoffice.tickets import ticket_call_next, ticket_issue
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP
from tests.licensing.factories import imported
from tests.offices.factories import make_agency, make_office, make_service


def test_the_display_updates_after_a_call_without_reload(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    cache.clear()
    geo_load()
    service = make_service(make_agency(), "pension-statement")
    office = make_office(1, name="دفتر پیشخوان آزادی")
    imported(office, status="active")
    ticket = ticket_issue(office=office, service_code=service.code)

    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        page.goto(f"{live_server.url}/frontoffice/display/{office.code}/")
        expect(page.locator("#display-empty")).to_be_visible()
        page.evaluate("window.__sameDocument = true")

        ticket_call_next(office=office, counter=1)

        expect(page.locator("#display-number")).to_have_text(to_persian_digits(ticket.label), timeout=10_000)
        expect(page.locator("#display-counter")).to_have_text(to_persian_digits("1"))
        assert page.evaluate("window.__sameDocument") is True  # not reloaded


def test_the_display_follows_the_demo_queue_the_worker_moves(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    from pishkhan.demo.queues import queue_offices, queues_step
    from pishkhan.frontoffice.models import Ticket

    cache.clear()
    geo_load()
    make_service(make_agency(), "pension-statement")
    office = make_office(1, name="دفتر پیشخوان انقلاب")
    imported(office, status="active")
    assert queue_offices(seed=7, count=1) == [office]

    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        page.goto(f"{live_server.url}/frontoffice/display/{office.code}/")
        expect(page.locator("#display-empty")).to_be_visible()
        page.evaluate("window.__sameDocument = true")

        for n in range(30):  # the worker's rounds, until one calls a ticket
            queues_step(seed=7, count=1, now=timezone.now() + dt.timedelta(seconds=n))
            if Ticket.objects.exclude(called_at=None).exists():
                break
        called = Ticket.objects.exclude(called_at=None).order_by("called_at").first()

        expect(page.locator("#display-number")).to_have_text(to_persian_digits(called.label), timeout=10_000)
        assert page.evaluate("window.__sameDocument") is True  # not reloaded
