"""The inspection list and form in a real browser, on a phone and on a desk."""

import datetime as dt

import pytest
from django.utils import timezone

from qinqing.medinsure.models import Institution
from qinqing.medinsure.services import do_record_inspection
from tests import test_browser as browser
from tests.test_browser import PHONE, SCROLL_TOLERANCE, SHOTS, log_in, page_width

chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", ["phone", "desk"])
def test_staff_record_an_interview_with_a_rectification_in_the_browser(
    live_server, users, regions, open_page, width
):
    Institution.objects.create(
        code="H33070200001", name="婺城区中心医院", kind="hospital", region=regions["wucheng"]
    )
    planned = Institution.objects.create(
        code="H33070200002", name="婺城区某药房", kind="pharmacy", region=regions["wucheng"]
    )
    do_record_inspection(
        users["staff"], planned, kind="inspection", planned_on=timezone.localdate()
    )
    page = open_page(width)
    log_in(page, live_server, users["staff"].username)
    page.goto(live_server.url + "/medinsure/inspections/new/")
    page.select_option("#id_institution", "H33070200001")
    page.select_option("#id_kind", "interview")
    today = timezone.localdate()
    page.fill("#id_planned_on", today.isoformat())
    page.fill("#id_done_on", today.isoformat())
    page.fill("#id_notes", "约谈院长，通报分解住院疑点")
    page.fill("#id_rectification", "退回违规费用并报送整改报告")
    page.fill("#id_deadline", (today + dt.timedelta(days=30)).isoformat())
    page.screenshot(path=str(SHOTS / f"medinsure-inspection-form-{width}.png"), full_page=True)
    page.click("button.primary")
    page.wait_for_url("**/medinsure/inspections/")
    cards = page.locator("table.list tbody tr")
    assert cards.count() == 2
    assert "ZG" in cards.first.inner_text() and "还剩 30 天" in cards.first.inner_text()
    assert "记录实施" in cards.nth(1).inner_text()
    if width == "phone":
        assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    page.screenshot(path=str(SHOTS / f"medinsure-inspections-{width}.png"), full_page=True)
