"""The wish's whole life on phones (Chromium at 375 px): a station worker records it during a
visit, it is published, an enterprise registers and claims it, fulfils it with a photo, and
the veteran's confirmation closes it. Screenshots at 375 and 1280 px go to test-results/."""

from pathlib import Path

import pytest

from qinqing.cases.models import Case
from qinqing.veterans.models import Wish
from tests import test_browser as browser
from tests.test_browser import PHONE, SCROLL_TOLERANCE, log_in, page_width

chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent.parent / "test-results"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"veterans-{name}.png"), full_page=True)


def fits(page) -> None:
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


def test_a_wish_from_a_visit_to_the_veterans_confirmation_on_phones(
    live_server, world, open_page, tmp_path
):
    url = live_server.url
    # 1. The 百步镇 worker visits 蔡老 and records his wish on a phone.
    worker = open_page("phone")
    log_in(worker, live_server, world["worker"].username)
    worker.goto(f"{url}/veterans/visits/new/?record={world['record'].pk}")
    worker.fill("#id_people_reached", "3")
    worker.fill("#id_notes", "老人身体尚好，听力下降")
    worker.fill("#id_wish_title", "助听器")
    worker.fill("#id_wish_value", "860")
    worker.fill("#id_wish_story", "耳背多年，希望能听清孙子说话")
    fits(worker)
    shoot(worker, "visit-phone")
    worker.get_by_role("button", name="保存").click()
    assert (
        "已记录走访，并登记微心愿“助听器”"
        in worker.locator("ul.messages[role=status]").inner_text()
    )
    # 2. Checked (real, within the limit) and published.
    worker.locator("details#step-verify summary").click()
    worker.locator("details#step-verify input[value=true]").check()
    worker.locator("details#step-verify").get_by_role("button", name="确认核查通过").click()
    worker.locator("details#step-publish summary").click()
    worker.locator("details#step-publish").get_by_role("button", name="确认发布").click()
    assert "待认领" in worker.locator("ul.messages[role=status]").inner_text()
    fits(worker)

    # 3. An enterprise finds it on the public wall, registers with its phone and claims it.
    company = open_page("phone")
    company.goto(f"{url}/veterans/wall/")
    card = company.locator("section.wish", has_text="助听器")
    assert f"蔡老，{world['record'].person.age}岁，百步镇" in card.inner_text()
    fits(company)
    shoot(company, "wall-phone")
    card.get_by_role("link", name="注册后认领").click()
    company.fill("#id_name", "百步电子有限公司")
    company.select_option("#id_kind", "enterprise")
    company.fill("#id_phone", "13957300001")
    company.fill("#id_username", "baibu-dz")
    company.fill("#id_password", "Baibu-dianzi-2026")
    company.get_by_role("button", name="注册").click()
    company.locator("section.wish", has_text="助听器").get_by_role(
        "button", name="认领这个心愿"
    ).click()
    assert "已认领“助听器”" in company.locator("ul.messages[role=status]").inner_text()
    fits(company)
    shoot(company, "claims-phone")
    # 4. Fulfilled, with a photo.
    company.locator("table.list tbody tr", has_text="助听器").get_by_role(
        "link", name="圆梦"
    ).click()
    step = company.locator("details#step-fulfil")
    assert step.evaluate("(e) => e.open")
    photo = tmp_path / "助听器.png"
    photo.write_bytes(PNG)
    step.locator("input[type=file]").set_input_files(str(photo))
    step.get_by_role("button", name="确认圆梦").click()
    assert "待确认" in company.locator("ul.messages[role=status]").inner_text()

    # 5. 蔡老 (or his family, on his account) confirms: the wish is closed.
    veteran = open_page("phone")
    log_in(veteran, live_server, world["veteran"].username)
    veteran.goto(f"{url}/veterans/mine/")
    fits(veteran)
    shoot(veteran, "mine-phone")
    veteran.get_by_role("link", name="确认圆梦").click()
    step = veteran.locator("details#step-confirm")
    step.locator("select[name=channel]").select_option("self")
    step.get_by_role("button", name="确认确认圆梦").click()
    fits(veteran)
    case = Case.objects.get(pk=Wish.objects.get().case_id)
    assert case.state.code == "confirmed" and case.closed_at is not None
    assert case.events.get(transition="fulfil").attachments.count() == 1


@pytest.mark.parametrize("path", ["wall", "wishes", "people", "visits", "payments", "stations"])
def test_the_main_pages_on_a_desk_and_a_phone(live_server, world, claimants, open_page, path):
    from tests.veterans.conftest import publish, record_wish

    publish(world, record_wish(world))
    for width in ("phone", "desk"):
        page = open_page(width)
        if path != "wall":
            log_in(page, live_server, world["centre"].username)
        page.goto(f"{live_server.url}/veterans/{path}/")
        shoot(page, f"{path}-{width}")
        assert page_width(page) <= (PHONE + SCROLL_TOLERANCE if width == "phone" else 1280)
