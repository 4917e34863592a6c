"""An inspection completed in a real Chromium at a phone's size (390×844): the inspector signs in, opens
the visit assigned to them, marks every item, is refused a text file named .jpg (their answers kept),
uploads a PNG, submits and sees the score. The page fits the phone's width.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-inspection-*.png), to look at after a run.
"""

import datetime as dt

from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.geo.services import geo_load
from pishkhan.supervision.models import Inspection, InspectionPhoto
from pishkhan.supervision.services import inspection_plan
from tests.browser import PASSWORD, PHONE, SCREENSHOTS
from tests.licensing.factories import as_principal, directorate
from tests.offices.factories import make_office
from tests.supervision.inspection_factories import image_bytes
from tests.supervision.test_inspections import CODES


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-inspection-{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_inspector_completes_an_inspection_on_a_phone_with_a_photo_and_sees_the_score(
    live_server, transactional_db, chromium, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.PISHKHAN_INSPECTION_PHOTO_DIR = tmp_path / "photos"
    if not geo_is_loaded():
        geo_load()
    office = make_office(1, name="دفتر پیشخوان آزادی")
    user_create(username="insp", password=PASSWORD, role="inspector", jurisdiction_code="23", actor=None)
    inspection = inspection_plan(
        office_code=office.code,
        planned_for=timezone.localdate() + dt.timedelta(days=1),
        inspector="insp",
        actor=as_principal(directorate("23")),
    )
    png = tmp_path / "rate-board.png"
    png.write_bytes(image_bytes("PNG", (64, 48)))
    fake = tmp_path / "rate-board.jpg"
    fake.write_text("not a photo: a text file with a photo's name")

    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        page = context.new_page()
        page.goto(f"{live_server.url}/supervision/inspections/")
        page.fill("input[name=username]", "insp")
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")

        # the list shows the one visit assigned; the inspector opens it and starts
        expect(page.locator("#inspections tbody tr")).to_have_count(1)
        page.locator(f'tr[data-inspection="{inspection.pk}"] a').click()
        page.locator("#conduct-link").click()
        expect(page.locator("#conduct-form")).to_be_visible()
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert _fits(page)
        _shoot(page, "form")

        for code in CODES:
            outcome = "fail" if code == "rate_board" else "na" if code == "equipment" else "pass"
            page.locator(f'[data-item="{code}"] input[value="{outcome}"]').check()
        page.fill("#note_rate_board", "نرخ‌نامه سال گذشته نصب است")
        page.set_input_files("#photo_rate_board", str(fake))
        page.locator("#submit").click()

        # refused by its content: the error shows, the answers and the note are still there
        expect(page.locator("#conduct-error")).to_be_visible()
        expect(page.locator('[data-item="rate_board"] .errorlist')).to_contain_text("JPEG")
        expect(page.locator('[data-item="rate_board"] input[value="fail"]')).to_be_checked()
        expect(page.locator("#note_rate_board")).to_have_value("نرخ‌نامه سال گذشته نصب است")
        _shoot(page, "refused")

        page.set_input_files("#photo_rate_board", str(png))
        page.locator("#submit").click()

        # weights 19, equipment (1) not applicable, rate board (3) failed: 15 of 18 = 83
        expect(page.locator("#score")).to_have_attribute("data-score", "83")
        expect(page.locator("#score")).to_have_text("۸۳")
        expect(page.locator("#inspection-state")).to_have_attribute("data-state", "submitted")
        expect(page.locator('[data-item="rate_board"] .photos img')).to_have_count(1)
        # the photo comes back through its permission-checked view: wait for it to load, then measure
        # (a property check, not wait_for_function: the page's CSP forbids the eval that one needs)
        photo = page.locator('[data-item="rate_board"] .photos img')
        photo.scroll_into_view_if_needed()
        expect(photo).to_have_js_property("complete", True)
        expect(photo).to_have_js_property("naturalWidth", 64)
        assert _fits(page)
        _shoot(page, "submitted")
        context.close()

    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == "submitted"
    assert round(inspection.score) == 83
    assert InspectionPhoto.objects.get().content_type == "image/png"
