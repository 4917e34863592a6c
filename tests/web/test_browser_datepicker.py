"""A real browser with the Jalali date picker: its calendar arithmetic is jdatetime's for every day the
server accepts; an operator picks a day at the counter with the keyboard alone and the server shows
that day; in English the picker speaks English and a day is picked with the mouse.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-datepicker-*.png), to look at after a run.
"""

import datetime as dt

import jdatetime
from django.utils import timezone

from pishkhan.common.calendar import FIRST_DAY, LAST_DAY, format_jalali_date
from pishkhan.common.persian import to_persian_digits
from tests.browser import DESKTOP, PASSWORD, PHONE, SCREENSHOTS
from tests.transactions.test_browser import _counter


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-datepicker-{name}.png"), full_page=True)


def _sign_in(page, url: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", "op1")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_the_pickers_calendar_is_jdatetimes_for_every_day_the_server_accepts(
    live_server, transactional_db, chromium
):
    # given every day from Farvardin 1300 to Esfand 1499, as jdatetime converts them
    days = (LAST_DAY - FIRST_DAY).days + 1
    expected = []
    for offset in range(days):
        day = FIRST_DAY + dt.timedelta(days=offset)
        jalali = jdatetime.date.fromgregorian(date=day)
        expected.append(f"{jalali.year}/{jalali.month}/{jalali.day}={day.isoformat()}")

    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/")
        # when the page's script converts each Jalali day to Gregorian and back
        found = page.evaluate(
            """([first, count]) => {
                const J = window.PishkhanJalali, out = [];
                const start = new Date(first + "T00:00:00Z");
                for (let i = 0; i < count; i++) {
                    const d = new Date(start.getTime() + i * 86400000);
                    const j = J.toJalali(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
                    const g = J.toGregorian(j.year, j.month, j.day);
                    const two = (n) => String(n).padStart(2, "0");
                    const iso = `${g.year}-${two(g.month)}-${two(g.day)}`;
                    out.push(`${j.year}/${j.month}/${j.day}=${iso}`);
                }
                return out;
            }""",
            [FIRST_DAY.isoformat(), days],
        )

    # then both directions agree with jdatetime on every day, leap years included
    assert len(found) == len(expected) == 73049
    assert [pair for pair in zip(found, expected, strict=True) if pair[0] != pair[1]][:5] == []


def test_an_operator_picks_a_day_with_the_keyboard_and_the_counter_shows_it(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    _counter()
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    # Page Up: the same day a month back (or the month's last); then → in a right-to-left calendar:
    # the day before.
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    a_month_back = jdatetime.date(year, month, min(today.day, jdatetime.j_days_in_month[month - 1]))
    if month == 12 and today.day == 30 and not a_month_back.isleap():
        a_month_back = jdatetime.date(year, 12, 29)
    chosen = (a_month_back - jdatetime.timedelta(days=1)).togregorian()

    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        _sign_in(page, f"{live_server.url}/counter/")
        page.wait_for_url(f"{live_server.url}/counter/")

        # The day box has a calendar button beside it; the keyboard opens it on today.
        toggle = page.locator(".datepicker__toggle")
        expect(toggle).to_have_attribute("aria-label", "انتخاب تاریخ از تقویم")
        toggle.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="انتخاب تاریخ")
        expect(dialog).to_be_visible()
        expect(page.locator(".datepicker__day:focus")).to_have_text(to_persian_digits(str(today.day)))
        expect(dialog.locator(".datepicker__title")).to_contain_text(to_persian_digits(str(today.year)))
        _shoot(page, "counter-open")
        page.set_viewport_size(PHONE)
        _shoot(page, "counter-open-mobile")
        page.set_viewport_size(DESKTOP)

        page.keyboard.press("PageUp")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")

        # The box holds the Jalali day in Persian digits, the dialog is gone; the form is sent.
        expect(dialog).to_have_count(0)
        expect(page.locator("#id_day")).to_have_value(format_jalali_date(chosen))
        page.locator("form.day-form button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text(format_jalali_date(chosen, long=True))

        # Escape closes the picker and gives the focus back to its button.
        toggle.click()
        expect(dialog).to_be_visible()
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
        expect(toggle).to_be_focused()
        # Tabbing out of it (past its Today and Close buttons) closes it too.
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        for _step in range(3):
            page.keyboard.press("Tab")
        expect(dialog).to_have_count(0)


def test_in_english_the_picker_speaks_english_and_a_day_is_picked_with_the_mouse(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    _counter()
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    first_of_month = jdatetime.date(today.year, today.month, 1).togregorian()

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        page = context.new_page()
        _sign_in(page, f"{live_server.url}/counter/")
        page.wait_for_url(f"{live_server.url}/counter/")
        page.locator("button[name=language][value=en]").click()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")

        page.locator(".datepicker__toggle").click()
        dialog = page.get_by_role("dialog", name="Choose a date")
        expect(dialog.locator(".datepicker__title")).to_have_text(
            f"{format_jalali_date(first_of_month, long=True, persian=False).split(' ', 1)[1]}"
        )
        expect(dialog.locator("th").first).to_have_text("Sa")
        _shoot(page, "counter-english")
        dialog.get_by_role(
            "button", name=format_jalali_date(first_of_month, long=True, persian=False), exact=True
        ).click()

        expect(page.locator("#id_day")).to_have_value(format_jalali_date(first_of_month, persian=False))
        page.locator("form.day-form button[type=submit]").click()
        expect(page.locator(".page-head")).to_contain_text(
            format_jalali_date(first_of_month, long=True, persian=False)
        )
