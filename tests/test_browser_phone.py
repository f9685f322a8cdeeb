"""Phone-first lists in a real browser (Debian's Chromium through Playwright).

At 375 px every list page of every role fits the screen without sideways
scrolling, shows the first record's status and deadline, and keeps its tap
targets at least 44 px. Screenshots at 375 px and 1280 px go to test-results/
for a person to look at.
"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import test_browser as browser
from tests.test_browser import PHONE, SCROLL_TOLERANCE, log_in, page_width

# The browser and its pages, shared with the other browser tests.
chromium = browser.chromium
open_page = browser.open_page
_orm_beside_playwright = browser._orm_beside_playwright

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-results"
TAP = 44  # px, WCAG 2.5.5 and Apple's and Google's guidance

# Every page that lists records; a role sees those it may open.
LIST_PAGES = [
    "case-my-queue",
    "case-department-queue",
    "case-dispatch-queue",
    "case-board",
    "case-kpis",
    "enterprise-list",
    "person-list",
    "visit-list",
    "department-list",
    "notification-inbox",
    "import-list",
    "station-problems",
    "station-liaisons",
    "station-schedule",
    "station-land",
    "station-grading",
    "station-sessions",
    "audit-list",
    "cockpit-home",
    "cockpit-cases",
    "investment-board",
    "investment-matters",
    "investment-tasks",
    "medinsure-findings",
    "medinsure-batches",
    "medinsure-inspections",
    "medinsure-requests",
    "veterans-people",
    "veterans-visits",
    "veterans-wishes",
    "veterans-stations",
    "veterans-payments",
    "veterans-claims",
    "veterans-mine",
    "veterans-wall",
    "workspace-spaces",
    "workspace-workstations",
    "workspace-pipeline",
    "workspace-allocations",
    "workspace-bookings",
    "workspace-events",
    "workspace-services",
    "workspace-mine",
    "talent-search",
    "talent-recommendations",
    "talent-applications",
    "talent-postings",
    "talent-applicants",
    "talent-review",
    "talent-apartments",
    "talent-events",
    "talent-agreements",
]
# Lists of cases: their first card must show a status badge and a countdown.
CASE_LISTS = {
    "case-my-queue",
    "case-department-queue",
    "case-dispatch-queue",
    "station-problems",
    "medinsure-requests",
}
ROLES = ["admin", "leader", "staff", "handler", "enterprise", "resident"]

TAP_TARGETS = (
    "button, .button, .nav a, .pager a, .account a, summary,"
    " label:has(input[type=checkbox]), label:has(input[type=radio])"
)
TOO_SMALL = f"""(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
  .filter(([, r]) => r.height < {TAP} || r.width < {TAP})
  .map(([text, r]) => `${{text}} ${{Math.round(r.width)}}x${{Math.round(r.height)}}`)"""
# A filter checkbox's label stays on one line beside its box.
WRAPPED_LABELS = """[...document.querySelectorAll("label:has(input[type=checkbox])")]
  .filter((e) => e.offsetParent !== null)
  .filter((e) => { const text = document.createRange(); text.selectNodeContents(e);
    const line = parseFloat(getComputedStyle(e).lineHeight);
    return text.getBoundingClientRect().height > 1.5 * line; })
  .map((e) => e.textContent.trim())"""
ON_SCREEN = """(e) => { const r = e.getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; }"""


@pytest.fixture
def county(users, regions, enterprise, department):
    """Something on every list: calls, complaints, an overdue case, visits, land, an import."""
    from qinqing.cases.models import Case
    from qinqing.cases.services import do_open_case, do_transition
    from qinqing.core.models import ImportJob, Visit
    from qinqing.enterprise.models import LandParcel
    from qinqing.enterprise.services import do_assign_liaison, do_instant_call, do_record_problem

    staff = users["staff"]
    do_assign_liaison(users["admin"], enterprise, staff)
    do_instant_call(users["enterprise"], "急需叉车司机两名，本周内到岗", urgent=True)
    do_record_problem(
        staff, enterprise, title="厂区东门至纬二路段路面破损积水，货车无法通行", category="other"
    )
    late = do_open_case(
        users["staff"],  # registered for the resident, who files only where they live
        case_type="general",
        title="小区门口路灯连续一周不亮",
        region=regions["zhuma"],
        requester=users["resident"],
    )
    late = do_transition(staff, late, "accept")
    late = do_transition(staff, late, "dispatch", department=department)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=3))
    do_open_case(
        users["staff"],  # registered for the resident, who files only where they live
        case_type="general",
        title="农贸市场周边占道经营",
        region=regions["zhuma"],
        requester=users["resident"],
    )
    Visit.objects.create(
        visited_at=timezone.now(),
        visitor=staff,
        enterprise=enterprise,
        region=regions["zhuma"],
        notes="了解用工需求和用地困难",
        follow_up_due=timezone.localdate() + datetime.timedelta(days=5),
    )
    LandParcel.objects.create(
        name="竹马乡工业园区3号地块",
        region=regions["zhuma"],
        enterprise=enterprise,
        area_mu=18.5,
        kind="low_efficiency",
        surveyed_on=timezone.localdate(),
    )
    ImportJob.objects.create(
        kind="enterprises",
        filename="竹马乡规上企业名单.xlsx",
        content=b"",
        created_by=users["admin"],
    )
    from qinqing.medinsure.models import Institution
    from qinqing.medinsure.services import do_record_inspection, do_request_service

    do_request_service(users["enterprise"], "员工住院费用报销进度查询", topic="reimbursement")

    do_record_inspection(
        staff,
        Institution.objects.create(
            code="H33070200001", name="婺城区中心医院", kind="hospital", region=regions["wucheng"]
        ),
        kind="interview",
        planned_on=timezone.localdate(),
        done_on=timezone.localdate(),
        notes="约谈院长，通报分解住院疑点",
        rectification="退回违规费用并报送整改报告",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    return users


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_list_page_of_a_role_fits_a_phone_with_status_deadline_and_big_tap_targets(
    live_server, county, open_page, role
):
    page = open_page("phone")
    log_in(page, live_server, county[role].username)
    seen = []
    for name in LIST_PAGES:
        response = page.goto(live_server.url + reverse(name))
        if response.status != 200:
            continue  # not this role's page
        seen.append(name)
        shoot(page, f"{role}-{name}-phone")
        assert page_width(page) <= PHONE + SCROLL_TOLERANCE, name
        assert page.evaluate(TOO_SMALL, TAP_TARGETS) == [], name
        assert page.evaluate(WRAPPED_LABELS) == [], name
        cards = page.locator("table.list tbody tr")
        if name in CASE_LISTS and cards.first.locator(".status").count():
            first = cards.first
            for part in (".status .status-badge", ".due .deadline", ".action .button"):
                assert first.locator(part).is_visible(), (name, part)
                assert first.locator(part).evaluate(ON_SCREEN), (name, part)
    assert "case-my-queue" in seen


def test_a_case_queue_on_a_phone_says_how_late_a_case_is_and_offers_the_next_step(
    live_server, county, open_page
):
    page = open_page("phone")
    log_in(page, live_server, county["handler"].username)
    page.goto(live_server.url + reverse("case-department-queue"))
    late = page.locator("table.list tbody tr", has_text="小区门口路灯连续一周不亮")
    assert late.locator(".deadline.overdue").inner_text().startswith("超期 3 天")
    assert late.locator(".status-badge.kind-in_progress").inner_text() == "已派单"

    late.get_by_role("link", name="签收").click()
    step = page.locator("details#step-sign")
    assert step.evaluate("(e) => e.open")
    step.get_by_role("button", name="确认签收").click()
    assert page.locator(".messages").inner_text() == "已签收"
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


@pytest.mark.parametrize("name", ["case-department-queue", "station-problems", "enterprise-list"])
def test_the_main_lists_are_tables_on_a_desk(live_server, county, open_page, name):
    page = open_page("desk")
    log_in(page, live_server, county["staff"].username)
    page.goto(live_server.url + reverse(name))
    assert page.locator("table.list thead").is_visible()
    shoot(page, f"staff-{name}-desk")
    assert page_width(page) <= 1280


@pytest.mark.parametrize("width", [PHONE, 600, 768, 1024, 1280])
def test_the_land_ledger_save_button_is_on_screen_at_every_width(
    live_server, county, chromium, width
):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, county["admin"].username)
        page.goto(live_server.url + reverse("station-land"))
        save = page.locator("table.list").get_by_role("button", name="保存").first
        assert save.is_visible()
        box, wrap = save.bounding_box(), page.locator(".table-wrap").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= min(width, wrap["x"] + wrap["width"])
        assert box["height"] >= TAP
        shoot(page, f"admin-station-land-{width}")
        row = page.locator("table.list tbody tr", has_text="竹马乡工业园区3号地块")
        row.locator("select").select_option("remediated")
        save.click()
        assert "已更新为“已整治”" in page.locator(".messages").inner_text()
    finally:
        context.close()


def test_the_skip_link_is_the_first_tab_stop_and_jumps_to_the_content(
    live_server, users, open_page
):
    page = open_page("desk")
    log_in(page, live_server, users["staff"].username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    assert skip.evaluate("(e) => e === document.activeElement")
    assert skip.is_visible() and skip.evaluate(ON_SCREEN)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")


def test_after_a_failed_submit_focus_lands_on_the_first_field_in_error(
    live_server, users, regions, open_page
):
    page = open_page("phone")
    log_in(page, live_server, users["admin"].username)
    page.goto(live_server.url + reverse("enterprise-create"))
    page.get_by_label("企业名称").fill("竹马新材料有限公司")
    page.get_by_label("统一社会信用代码").fill("91330702MA2ABCDE1X")
    page.get_by_label("行业代码").fill("C3021")
    page.get_by_label("所属区划").select_option(regions["zhuma"].code)
    page.get_by_role("button", name="保存").click()
    page.locator(".errorlist").first.wait_for()
    assert page.evaluate("document.activeElement.name") == "credit_code"
    assert page.get_by_label("统一社会信用代码").evaluate(ON_SCREEN)
    shoot(page, "admin-enterprise-create-error-phone")


def contrast(rgb: str) -> float:
    """WCAG contrast ratio of an rgb() colour against white."""

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_form_fields_have_borders_of_at_least_3_to_1_against_white(live_server, users, open_page):
    page = open_page("phone")
    log_in(page, live_server, users["admin"].username)
    page.goto(live_server.url + reverse("enterprise-create"))
    for selector in ("input[name=name]", "select[name=region]", "textarea"):
        field = page.locator(selector).first
        if field.count():
            colour = field.evaluate("(e) => getComputedStyle(e).borderTopColor")
            assert contrast(colour) >= 3, (selector, colour)
    assert "---------" not in page.content() and "请选择" in page.content()


def test_an_enterprise_reaches_the_instant_call_form_with_one_tap_from_home(
    live_server, users, open_page
):
    page = open_page("phone")
    log_in(page, live_server, users["enterprise"].username)
    call = page.get_by_role("link", name="即时呼叫")
    assert call.is_visible() and call.evaluate(ON_SCREEN)
    assert call.bounding_box()["height"] >= TAP
    call.click()
    page.wait_for_url("**/station/call/")
    assert page.get_by_role("button", name="发出呼叫").is_visible()


def test_the_cockpit_reads_on_a_phone_draws_its_charts_and_drills_down_to_the_rows(
    live_server, county, open_page
):
    page = open_page("phone")
    log_in(page, live_server, county["leader"].username)
    page.goto(live_server.url + reverse("cockpit-home"))
    assert page.locator("[data-chart=chart-trend] svg").count() == 1  # ECharts drew it
    shoot(page, "leader-cockpit-phone")
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    page.get_by_role("link", name="1 件").click()  # the red list's overdue cases
    late = page.locator("table.list tbody tr", has_text="小区门口路灯连续一周不亮")
    assert late.count() == 1
    late.locator(".number a").click()  # and on to the record itself
    assert page.locator("h1", has_text="小区门口路灯连续一周不亮").count() == 1


def test_the_cockpit_on_a_desk_and_on_the_command_centre_wall(
    live_server, county, open_page, chromium
):
    page = open_page("desk")
    log_in(page, live_server, county["leader"].username)
    page.goto(live_server.url + reverse("cockpit-home"))
    shoot(page, "leader-cockpit-desk")
    assert page_width(page) <= 1280
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    wall = context.new_page()
    try:
        log_in(wall, live_server, county["leader"].username)
        wall.goto(live_server.url + reverse("cockpit-home") + "?screen=1")
        assert wall.locator("body.big-screen").count() == 1
        assert wall.locator("[data-chart=chart-trend] svg").count() == 1
        wall.screenshot(path=str(SHOTS / "leader-cockpit-wall.png"))
        assert page_width(wall) <= 1920
    finally:
        context.close()
