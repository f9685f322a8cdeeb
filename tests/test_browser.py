"""End to end in a real browser: Debian's Chromium, driven by Playwright, on a phone and a desk.

Each role logs in through the login form and lands on its home page; on a
375 px phone nothing needs scrolling sideways. Screenshots go to test-results/
(which git ignores) for a person to look at.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parent.parent / "test-results"
PHONE, DESK = 375, 1280
WIDTHS = {"phone": (PHONE, 740), "desk": (DESK, 800)}
SCROLL_TOLERANCE = 2  # px of rounding

# What each role must see on its home page: nav entries and one thing of its own.
HOME = {
    "admin": (["首页", "企业", "人员", "走访", "部门", "审计"], "可见企业"),
    "leader": (["首页", "企业", "走访", "部门"], "可见企业"),
    "staff": (["首页", "企业", "人员", "走访", "部门"], "可见人员"),
    "handler": (["首页", "企业", "人员", "走访", "部门"], "最近走访"),
    "enterprise": (["首页", "企业", "走访"], "查看企业档案"),
    "resident": (["首页", "人员", "走访"], "我的信息"),
}


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread; the fixtures' ORM calls
    are still plain synchronous code. Allowed in this module only: never leaked into
    other tests or the subprocesses they start (check --deploy would warn)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("QINQING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"QINQING_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    contexts = []

    def open_page(width_name: str):
        width, height = WIDTHS[width_name]
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            is_mobile=width == PHONE,
            has_touch=width == PHONE,
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module", autouse=True)
def _screenshot_folder():
    SHOTS.mkdir(exist_ok=True)


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + reverse("home"))


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("role", HOME)
def test_each_role_logs_in_and_lands_on_its_home_page_on_a_phone_and_a_desk(
    live_server, users, open_page, role, width_name
):
    user = users[role]
    page = open_page(width_name)

    log_in(page, live_server, user.username)

    nav_labels, own_marker = HOME[role]
    assert page.get_by_role("heading", name=f"{user.display_name}，您好").is_visible()
    nav = page.get_by_role("navigation", name="主导航")
    for label in nav_labels:
        assert nav.get_by_role("link", name=label, exact=True).count() == 1, label
    if role != "admin":
        assert nav.get_by_role("link", name="审计", exact=True).count() == 0
    assert page.get_by_text(own_marker).first.is_visible()
    page.screenshot(path=str(SHOTS / f"home-{role}-{width_name}.png"), full_page=True)
    if width_name == "phone":
        assert page_width(page) <= PHONE + SCROLL_TOLERANCE


def test_a_wrong_password_is_refused_in_chinese_on_a_phone(live_server, users, open_page):
    page = open_page("phone")
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", users["staff"].username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码不正确").is_visible()
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


@pytest.mark.parametrize(
    "url_name",
    ["enterprise-list", "person-list", "visit-list", "department-list", "enterprise-create"],
)
def test_the_directory_pages_fit_a_phone_without_sideways_scrolling(
    live_server, users, local_person, open_page, url_name
):
    page = open_page("phone")
    log_in(page, live_server, users["staff"].username)
    page.goto(live_server.url + reverse(url_name))
    assert page.locator("h1").is_visible()
    page.screenshot(path=str(SHOTS / f"{url_name}-phone.png"), full_page=True)
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


def test_unmasking_on_a_phone_swaps_in_the_full_numbers_and_is_audited(
    live_server, users, person, open_page
):
    from qinqing.core.models import AuditEntry

    page = open_page("phone")
    log_in(page, live_server, users["admin"].username)
    page.goto(live_server.url + reverse("person-detail", args=[person.pk]))
    assert page.get_by_text(person.masked_id_number).is_visible()
    assert person.id_number not in page.content()

    page.fill("input[name=purpose]", "核对身份")
    page.get_by_role("button", name="查看完整信息").click()

    page.get_by_text(person.id_number).wait_for()
    assert page.get_by_text("13812345678").is_visible()
    assert page.get_by_text("本次查看已记入审计记录").is_visible()
    page.screenshot(path=str(SHOTS / "person-unmasked-phone.png"), full_page=True)
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert entry.actor == users["admin"]
    assert entry.additional_data["purpose"] == "核对身份"


def test_an_enterprise_filed_through_the_form_on_a_phone_shows_in_its_audit_trail(
    live_server, users, regions, open_page
):
    from qinqing.core.synthetic import make_credit_code

    page = open_page("phone")
    log_in(page, live_server, users["admin"].username)
    page.goto(live_server.url + reverse("enterprise-create"))
    page.get_by_label("企业名称").fill("竹马新材料有限公司")
    good = make_credit_code("330702", 777)
    page.get_by_label("统一社会信用代码").fill(good[:17] + ("1" if good[17] != "1" else "2"))
    page.get_by_label("行业代码").fill("C3021")
    page.get_by_label("所属区划").select_option(regions["zhuma"].code)
    page.get_by_role("button", name="保存").click()

    assert page.get_by_text(f"统一社会信用代码校验位错误，应为 {good[17]}").is_visible()
    page.screenshot(path=str(SHOTS / "enterprise-form-error-phone.png"), full_page=True)
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE

    page.get_by_label("统一社会信用代码").fill(good)
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name="竹马新材料有限公司").wait_for()
    page.get_by_role("link", name="变更记录").click()

    assert page.get_by_text("新增").first.is_visible()
    assert page.get_by_text(good).first.is_visible()
    page.screenshot(path=str(SHOTS / "audit-phone.png"), full_page=True)
    assert page_width(page) <= PHONE + SCROLL_TOLERANCE


def test_an_enterprise_calls_from_its_phone_and_its_liaison_signs_at_the_desk(
    live_server, users, regions, enterprise, open_page
):
    from qinqing.core.models import Department, Role
    from qinqing.enterprise.services import do_assign_liaison
    from tests.conftest import make_user

    office = Department.objects.create(name="竹马乡企业服务办公室", region=regions["zhuma"])
    liaison = make_user(Role.STAFF, "liaison", regions=[regions["zhuma"]], department=office)
    do_assign_liaison(users["admin"], enterprise, liaison)

    phone = open_page("phone")
    log_in(phone, live_server, users["enterprise"].username)
    phone.goto(live_server.url + reverse("station-call"))
    phone.fill("#id_title", "急需叉车司机两名")
    phone.get_by_role("button", name="发出呼叫").click()
    phone.wait_for_url("**/cases/*/")
    assert phone.get_by_text("已派单").first.is_visible()
    assert page_width(phone) <= PHONE + SCROLL_TOLERANCE
    phone.screenshot(path=str(SHOTS / "instant-call-phone.png"), full_page=True)

    desk = open_page("desk")
    log_in(desk, live_server, liaison.username)
    desk.goto(live_server.url + reverse("case-my-queue"))
    desk.get_by_text("急需叉车司机两名").first.wait_for()
    desk.goto(phone.url)
    desk.get_by_text("签收", exact=True).click()
    desk.get_by_role("button", name="确认签收").click()
    assert desk.get_by_text("已签收").first.is_visible()
