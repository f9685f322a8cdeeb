"""On a 375 px phone: a team leader applies, staff sign it and allocate desks, the team books
a tea-garden place for a day. Screenshots at 375 px and 1280 px go to test-results/."""

import datetime
from pathlib import Path

import pytest

from qinqing.workspace.models import Allocation, Application, DayBooking
from tests import test_browser as browser
from tests.test_browser import PHONE, SCROLL_TOLERANCE, log_in, page_width
from tests.test_browser_phone import TAP_TARGETS, TOO_SMALL

chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent.parent / "test-results"


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workspace-{name}.png"), full_page=True)


def fits(page, name):
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE, name
    assert page.evaluate(TOO_SMALL, TAP_TARGETS) == [], name


def step(page, label, fields=None):
    details = page.locator("details", has=page.locator("summary", has_text=label))
    details.evaluate("(e) => { e.open = true; }")
    for field, value in (fields or {}).items():
        details.get_by_label(field).fill(value)
    details.get_by_role("button", name=f"确认{label}").click()


def test_a_team_applies_on_a_phone_is_signed_with_desks_and_books_a_tea_garden_day(
    live_server, world, open_page
):
    leader, staff = open_page("phone"), open_page("phone")

    log_in(leader, live_server, world["leader"].username)
    leader.goto(live_server.url + "/workspace/mine/")
    fits(leader, "mine")
    leader.get_by_role("link", name="我要报名").click()
    leader.get_by_label("团队名称").fill("茶香露营团队")
    leader.get_by_label("负责人").fill("方晓")
    leader.get_by_label("联系电话").fill("13912345678")
    leader.get_by_label("团队人数").fill("4")
    leader.get_by_label("项目").fill("茶园星空露营")
    leader.get_by_label("行业").fill("文旅")
    leader.get_by_label("融资阶段").select_option("seed")
    leader.get_by_label("需要工位数").fill("2")
    shoot(leader, "apply-phone")
    fits(leader, "apply")
    leader.get_by_role("button", name="提交报名").click()
    assert "报名成功" in leader.locator(".messages").inner_text()
    application = Application.objects.get()

    log_in(staff, live_server, world["staff"].username)
    staff.goto(live_server.url + "/workspace/applications/")
    shoot(staff, "pipeline-phone")
    fits(staff, "pipeline")
    staff.locator("table.list tbody tr", has_text="茶香露营团队").get_by_role(
        "link", name="受理报名"
    ).click()
    step(staff, "受理报名")
    step(staff, "初审通过")
    step(staff, "洽谈完成", {"洽谈记录": "项目成熟，需两个固定工位"})
    step(
        staff,
        "实地考察完成",
        {"考察日期": world["today"].isoformat(), "考察人数": "4", "考察场所": "双溪共享空间"},
    )
    staff.goto(live_server.url + "/workspace/applications/")
    staff.locator("table.list").get_by_role("link", name="签约入驻").click()
    desks = [str(d.pk) for d in world["desks"][:2]]
    staff.get_by_label("分配工位").select_option(desks)
    shoot(staff, "sign-phone")
    fits(staff, "sign")
    staff.get_by_role("button", name="签约并分配工位").click()
    assert "已签约入驻" in staff.locator(".messages").inner_text()
    application.case.refresh_from_db()
    assert application.case.state.label == "签约入驻"
    assert Allocation.objects.filter(lease__application=application).count() == 2
    shoot(staff, "allocations-phone")
    fits(staff, "allocations")

    day = world["today"] + datetime.timedelta(days=3)
    leader.goto(live_server.url + f"/workspace/book/?day={day.isoformat()}&kind=tea")
    shoot(leader, "book-phone")
    fits(leader, "book")
    leader.locator("table.list tbody tr", has_text=world["tea"].code).get_by_role(
        "button", name="预订"
    ).click()
    assert "已预订" in leader.locator(".messages").inner_text()
    booking = DayBooking.objects.get()
    assert (booking.workstation, booking.start, booking.team) == (
        world["tea"],
        day,
        application.team,
    )
    shoot(leader, "mine-phone")


@pytest.mark.parametrize(
    "url",
    ["/workspace/", "/workspace/workstations/", "/workspace/applications/", "/workspace/spaces/"],
)
def test_the_staff_pages_fit_a_phone_and_read_as_tables_on_a_desk(
    live_server, world, open_page, url
):
    name = url.strip("/").replace("/", "-")
    for width in ("phone", "desk"):
        page = open_page(width)
        log_in(page, live_server, world["staff"].username)
        page.goto(live_server.url + url)
        shoot(page, f"{name}-{width}")
        if width == "phone":
            fits(page, url)
        else:
            assert page_width(page) <= 1280
