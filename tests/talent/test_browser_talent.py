"""On a 375 px phone in a real browser: a seeker searches, applies and is pushed a posting.
Screenshots at 375 px and 1280 px go to test-results/ for a person to look at."""

import pytest

from qinqing.talent import services
from tests import test_browser as browser
from tests.talent.conftest import NOW, publish
from tests.test_browser import PHONE, SCROLL_TOLERANCE, log_in, page_width

chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright
shots = browser._screenshot_folder

pytestmark = pytest.mark.browser
SHOTS = browser.SHOTS


@pytest.fixture
def market(talent, regions, profile):
    wanted = publish(talent, regions)
    publish(
        talent,
        regions,
        title="质量工程师",
        duties="负责来料与制程质量控制，主导客户投诉的8D分析",
        skills="SPC、8D",
        skills_text="",
        salary_min=9000,
        salary_max=14000,
    )
    services.do_set_push(
        talent["seeker"],
        {"consent": True, "mode": "personalised", "quiet_start": "22:00", "quiet_end": "07:00"},
        now=NOW,
    )
    return {"wanted": wanted, **talent}


def fits(page) -> None:
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


def test_a_seeker_searches_applies_and_is_pushed_a_posting_on_a_phone(
    live_server, market, open_page
):
    page = open_page("phone")
    log_in(page, live_server, market["seeker"].username)
    page.goto(live_server.url + "/talent/search/")
    page.fill("input[name=q]", "封测")
    page.click("button:has-text('搜索')")
    page.wait_for_load_state()
    assert "封装测试工艺工程师" in page.content() and "质量工程师" not in page.content()
    page.screenshot(path=str(SHOTS / "talent-search-phone.png"), full_page=True)
    fits(page)

    page.click("text=封装测试工艺工程师")
    page.wait_for_load_state()
    assert "为什么推荐给您" in page.content()
    page.click("button:has-text('投递简历')")
    page.wait_for_load_state()
    assert "已投递" in page.content()
    page.screenshot(path=str(SHOTS / "talent-posting-phone.png"), full_page=True)
    fits(page)

    # The daily push: the other posting (the applied one is never pushed).
    assert services.do_push_recommendations(NOW) == 1
    page.goto(live_server.url + "/notifications/")
    assert "为您推荐1个新岗位" in page.content() and "质量工程师" in page.content()
    page.screenshot(path=str(SHOTS / "talent-push-phone.png"), full_page=True)
    fits(page)

    page.goto(live_server.url + "/talent/recommendations/")
    assert "不合适" in page.content()
    page.screenshot(path=str(SHOTS / "talent-recommendations-phone.png"), full_page=True)
    fits(page)


@pytest.mark.parametrize("width_name", ["phone", "desk"])
def test_each_side_main_page_at_phone_and_desk_width(live_server, market, open_page, width_name):
    for who, url, name in (
        ("seeker", "/talent/search/", "search"),
        ("employer", "/talent/applicants/", "applicants"),
        ("staff", "/talent/review/", "review"),
    ):
        page = open_page(width_name)
        log_in(page, live_server, market[who].username)
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1
        if width_name == "phone":
            fits(page)
        page.screenshot(path=str(SHOTS / f"talent-{name}-{width_name}.png"), full_page=True)
        page.context.close()


def test_a_seeker_accepts_an_invitation_on_a_phone_and_the_employer_then_sees_the_name(
    live_server, market, open_page, profile
):
    from qinqing.talent.models import Recommendation

    Recommendation.objects.create(
        profile=profile, posting=market["wanted"], score=0.8, created_at=NOW
    )
    desk = open_page("desk")
    log_in(desk, live_server, market["employer"].username)
    desk.goto(live_server.url + f"/talent/my-postings/{market['wanted'].pk}/seekers/")
    desk.screenshot(path=str(SHOTS / "talent-matched-seekers-desktop.png"), full_page=True)
    desk.click("button:has-text('邀请投递')")
    desk.wait_for_load_state()
    assert "沈毕业" not in desk.content()

    page = open_page("phone")
    log_in(page, live_server, market["seeker"].username)
    page.goto(live_server.url + "/talent/invitations/")
    page.screenshot(path=str(SHOTS / "talent-invitations-phone.png"), full_page=True)
    fits(page)
    page.click("button:has-text('接受')")
    page.wait_for_load_state()
    assert "已接受" in page.content()

    desk.goto(live_server.url + "/talent/invitations/")
    assert "沈毕业" in desk.content()
    desk.screenshot(path=str(SHOTS / "talent-invitations-desktop.png"), full_page=True)
