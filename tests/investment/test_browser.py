"""On a phone (375 px): an investor follows a matter, the department signs and completes it,
a team leader claims a task. Screenshots of the main pages at 375 and 1280 px."""

import datetime

import pytest
from django.urls import reverse

from tests import test_browser as browser
from tests.investment.conftest import QUICK, finish
from tests.investment.test_matters import open_matter
from tests.investment.test_tasks import post, team
from tests.test_browser import PHONE, SCROLL_TOLERANCE, log_in, page_width
from tests.test_browser_phone import shoot

chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright

pytestmark = pytest.mark.browser


def test_an_investor_follows_a_matter_the_department_signs_and_completes_it_on_a_phone(
    live_server, agency, project, open_page
):
    finish(agency, project, QUICK)
    matter = open_matter(agency, project)
    investor = open_page("phone")
    log_in(investor, live_server, agency["investor_account"].username)
    investor.goto(live_server.url + reverse("investment-matters"))
    row = investor.locator("table.list tbody tr", has_text="建设工程规划许可证")
    assert row.locator(".status-badge").inner_text() == "待签收"
    assert row.locator(".due .deadline").is_visible()
    shoot(investor, "investment-investor-matters-phone")
    assert page_width(investor) <= PHONE + SCROLL_TOLERANCE
    row.locator(".number a").click()
    assert "申请表" in investor.locator("main").inner_text()
    shoot(investor, "investment-investor-matter-phone")

    department = open_page("phone")
    log_in(department, live_server, agency["land_handler"].username)
    department.goto(live_server.url + reverse("investment-matters"))
    department.locator("table.list tbody tr", has_text="建设工程规划许可证").get_by_role(
        "link", name="签收"
    ).click()
    department.locator("details#step-sign").get_by_role("button", name="确认签收").click()
    assert department.locator(".messages").is_visible()
    department.goto(live_server.url + reverse("investment-matter", args=[matter.pk]))
    department.get_by_role("button", name="标记已收到").first.click()
    department.goto(live_server.url + reverse("case-detail", args=[matter.case_id]))
    step = department.locator("details#step-complete")
    step.locator("summary").click()
    step.get_by_label("证书（批文）编号").fill("建字第330726202600123号")
    step.get_by_label("发证日期").fill("2026-10-30")
    step.get_by_role("button", name="确认办结").click()
    assert page_width(department) <= PHONE + SCROLL_TOLERANCE

    investor.goto(live_server.url + reverse("investment-matter", args=[matter.pk]))
    text = investor.locator("main").inner_text()
    assert "已办结" in text and "签收" in text and "已收到" in text
    shoot(investor, "investment-investor-matter-done-phone")


def test_a_team_leader_claims_a_task_on_a_phone(live_server, agency, project, open_page):
    crew = team(agency, "征地拆迁攻坚组")
    post(agency, project, "沿江路提升改造")
    page = open_page("phone")
    log_in(page, live_server, crew.leader.username)
    page.goto(live_server.url + reverse("investment-tasks"))
    shoot(page, "investment-tasks-phone")
    row = page.locator("table.list tbody tr", has_text="沿江路提升改造")
    row.get_by_role("button", name="揭榜").click()
    assert "已揭榜：沿江路提升改造" in page.locator(".messages").inner_text()
    assert "征地拆迁攻坚组" in page.locator("main").inner_text()
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    shoot(page, "investment-task-claimed-phone")


@pytest.mark.parametrize("width_name", ["phone", "desk"])
def test_the_board_and_the_timeline_fit_and_draw_the_chart(
    live_server, agency, project, open_page, width_name
):
    finish(agency, project, QUICK)
    for offset, milestone in enumerate(project.milestones.order_by("sequence")):
        milestone.planned_on = datetime.date(2025, 3, 1) + datetime.timedelta(days=12 * offset)
        milestone.save(update_fields=["planned_on"])
    page = open_page(width_name)
    log_in(page, live_server, agency["leader"].username)
    page.goto(live_server.url + reverse("investment-board"))
    assert "拿地即开工" in page.locator("main").inner_text()
    shoot(page, f"investment-board-{width_name}")
    page.goto(live_server.url + reverse("investment-project", args=[project.pk]))
    page.locator(".chart svg").first.wait_for()
    shoot(page, f"investment-project-{width_name}")
    limit = PHONE + SCROLL_TOLERANCE if width_name == "phone" else 1280
    assert page_width(page) <= limit


def test_the_officer_forms_a_team_and_plans_dates_on_a_phone(
    live_server, agency, project, open_page
):
    from qinqing.core.models import Role
    from qinqing.investment.models import Team
    from tests.conftest import make_user

    leader = make_user(Role.STAFF, "zuzhang", regions=[agency["town"]])
    make_user(Role.STAFF, "zuyuan", regions=[agency["town"]])
    page = open_page("phone")
    log_in(page, live_server, agency["officer"].username)
    page.goto(live_server.url + reverse("investment-tasks"))
    page.get_by_role("link", name="成立攻坚小组").click()
    page.get_by_label("小组名称").fill("沿江路攻坚组")
    page.get_by_label("组长").select_option(label=leader.display_name)
    page.get_by_label("zuyuan", exact=True).check()
    shoot(page, "investment-team-form-phone")
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    page.get_by_role("button", name="成立").click()
    assert "已成立攻坚小组“沿江路攻坚组”，共 2 人" in page.locator(".messages").inner_text()
    assert Team.objects.get(name="沿江路攻坚组").leader == leader

    page.goto(live_server.url + reverse("investment-project", args=[project.pk]))
    page.get_by_role("link", name="编辑计划日期").click()
    page.get_by_label("开工 计划日期").fill("2026-12-08")
    shoot(page, "investment-plan-form-phone")
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    page.get_by_role("button", name="保存").click()
    assert "2026-12-08" in page.locator("main").inner_text()
