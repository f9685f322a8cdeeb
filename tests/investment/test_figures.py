"""The agency's cockpit figures, each recomputed by hand from a handful of records.

The world: three 黄宅镇 (浦江县) projects of the agency team and one 竹马乡 (婺城区)
project whose officer is ``users["staff"]`` — the 婺城区 cadre sees only that one; the
leader sees all four. Every fixture holds near misses that must not count.
"""

import datetime
from decimal import Decimal

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import do_transition
from qinqing.core.models import Person, Role, Visit
from qinqing.core.synthetic import make_id_number
from qinqing.investment import services
from qinqing.investment.models import MilestoneKind as K
from tests.conftest import make_user
from tests.enterprise.test_figures import call
from tests.figure_checks import OCTOBER, Covered, at, rows, value
from tests.investment.conftest import QUICK, finish, make_project
from tests.investment.test_tasks import team

covered = Covered("investment")
D = datetime.date


def dates(delisted: D, certificates: D, started: D, completed: D | None = None) -> dict:
    plan = {
        K.SIGNING: delisted - datetime.timedelta(days=20),
        K.DELISTING: delisted,
        K.PROPERTY: certificates,
        K.LAND_PLANNING: certificates,
        K.WORKS_PLANNING: certificates,
        K.CONSTRUCTION: certificates,
        K.START: started,
    }
    return {**plan, K.COMPLETION: completed} if completed else plan


@pytest.fixture
def projects(agency, users, regions, enterprise):
    """盈旺 quick (6 days, built in 184), 慢项目 started on day 31, 只签约 not started —
    all in 黄宅镇; 竹马 quick on day 30 exactly, built in 185 days, in 竹马乡."""
    yingwang = make_project(agency, "盈旺新能源电池项目", "520000")
    finish(agency, yingwang, {**QUICK, K.COMPLETION: D(2025, 10, 17)})  # 4-10 → 4-16 → 10-17
    slow = make_project(agency, "黄宅慢项目", "30000")
    finish(agency, slow, dates(D(2025, 5, 1), D(2025, 5, 20), D(2025, 6, 1)))  # 31 days
    signed = make_project(agency, "只签约项目", "10000")
    finish(agency, signed, {K.SIGNING: D(2025, 3, 1)})
    zhuma = services.do_create_project(
        users["staff"],
        {
            "name": "竹马建材扩产项目",
            "investor": enterprise.pk,
            "total_investment": "80000",
            "industry_code": "3011",
            "town": regions["zhuma"].code,
            "officer": users["staff"].pk,
        },
    )
    finish(agency, zhuma, dates(D(2025, 7, 1), D(2025, 7, 20), D(2025, 7, 31), D(2026, 2, 1)))
    return {"yingwang": yingwang, "slow": slow, "signed": signed, "zhuma": zhuma}


def names(records) -> list[str]:
    return [r.name for r in records]


# --- stock: the projects and their durations (the period does not narrow them) ---------


@covered("investment.projects")
def test_projects_are_every_registered_project_the_viewer_sees(users, agency, projects):
    assert value("investment.projects", users["leader"]) == 4
    assert value("investment.projects", users["leader"], **OCTOBER) == 4  # stock, no period
    assert names(rows("investment.projects", users["leader"])) == [
        "盈旺新能源电池项目",
        "竹马建材扩产项目",
        "黄宅慢项目",
        "只签约项目",
    ]
    assert value("investment.projects", users["staff"]) == 1  # 竹马 only: 黄宅镇 is not 婺城区
    assert names(rows("investment.projects", users["staff"])) == ["竹马建材扩产项目"]
    assert value("investment.projects", users["leader"], region=agency["town"]) == 3
    assert value("investment.projects", users["enterprise"]) == 1  # 竹马水泥 invests in 竹马's


@covered("investment.total_investment")
def test_total_investment_sums_the_projects_the_viewer_sees(users, agency, projects):
    figure = "investment.total_investment"
    assert value(figure, users["leader"]) == 640000  # 520000 + 80000 + 30000 + 10000
    assert sum(p.total_investment for p in rows(figure, users["leader"])) == 640000
    assert value(figure, users["staff"]) == 80000
    assert value(figure, users["leader"], region=agency["town"]) == 560000


@covered("investment.quick_start")
def test_quick_start_needs_certificates_and_start_within_the_days_after_delisting(
    users, agency, projects, settings
):
    settings.QINQING_INVESTMENT_QUICK_START_DAYS = 30
    figure = "investment.quick_start"
    # 盈旺 started on day 6, 竹马 on day 30 exactly; 慢项目 on day 31, 只签约 not at all.
    assert value(figure, users["leader"]) == 2
    assert names(rows(figure, users["leader"])) == ["盈旺新能源电池项目", "竹马建材扩产项目"]
    assert value(figure, users["staff"]) == 1
    assert names(rows(figure, users["staff"])) == ["竹马建材扩产项目"]
    settings.QINQING_INVESTMENT_QUICK_START_DAYS = 31
    assert value(figure, users["leader"]) == 3  # the setting is the rule's number of days


@covered("investment.delist_to_start_days")
def test_delist_to_start_averages_the_started_projects_only(users, agency, projects):
    figure = "investment.delist_to_start_days"
    assert value(figure, users["leader"]) == 22.3  # (6 + 31 + 30) / 3; 只签约 has not started
    assert names(rows(figure, users["leader"])) == [
        "盈旺新能源电池项目",
        "竹马建材扩产项目",
        "黄宅慢项目",
    ]
    assert value(figure, users["staff"]) == 30.0
    assert value(figure, users["leader"], region=agency["town"]) == 18.5  # (6 + 31) / 2


@covered("investment.start_to_completion_months")
def test_start_to_completion_averages_the_months_of_the_completed_projects(users, agency, projects):
    figure = "investment.start_to_completion_months"
    # 184 and 185 days: (184 / 30.44 + 185 / 30.44) / 2 = 6.06 months.
    assert value(figure, users["leader"]) == Decimal("6.1")
    assert names(rows(figure, users["leader"])) == ["盈旺新能源电池项目", "竹马建材扩产项目"]
    assert value(figure, users["staff"]) == Decimal("6.1")  # 185 / 30.44 = 6.08
    assert value(figure, users["leader"], region=agency["town"]) == Decimal("6.0")  # 6.04
    assert value(figure, users["enterprise"]) == Decimal("6.1")


def test_with_no_started_project_the_averages_are_empty(users, agency):
    make_project(agency, "刚登记的项目", "100")
    assert value("investment.delist_to_start_days", users["leader"]) is None
    assert value("investment.start_to_completion_months", users["leader"]) is None
    assert rows("investment.delist_to_start_days", users["leader"]) == []


# --- 代办事项 and 项目问题: by the day they were registered ---------------------------


def matter(actor, project, title, department, day):
    return services.do_open_matter(
        actor, project, title=title, department=department, legal_days=5, now=at(f"{day} 09:00")
    )


@covered("investment.matters")
def test_matters_are_those_registered_in_the_period(users, agency, projects, department):
    first = matter(
        agency["officer"], projects["yingwang"], "规划许可", agency["land"], "2026-10-01"
    )
    matter(agency["officer"], projects["yingwang"], "施工许可", agency["land"], "2026-09-30")
    withdrawn = matter(
        agency["officer"], projects["slow"], "不动产权证", agency["land"], "2026-10-12"
    )
    do_transition(
        agency["officer"], withdrawn.case, "withdraw", note="企业撤回", now=at("2026-10-13 09:00")
    )
    zhuma = matter(users["staff"], projects["zhuma"], "环评批复", department, "2026-10-31")
    # A problem raised on the same project in October is not an agency matter.
    services.do_record_problem(
        agency["officer"], projects["yingwang"], title="施工用电", now=at("2026-10-05 09:00")
    )
    figure = "investment.matters"

    # 规划许可, 不动产权证 (registered, though withdrawn later) and 环评批复.
    assert value(figure, users["leader"], **OCTOBER) == 3
    assert rows(figure, users["leader"], **OCTOBER) == [zhuma, withdrawn, first]
    assert value(figure, users["staff"], **OCTOBER) == 1
    assert rows(figure, users["staff"], **OCTOBER) == [zhuma]
    assert value(figure, users["leader"]) == 4


def solve(problem, dispatcher, department, handler, requester, day, solved):
    """Walk a project problem through the work-order flow; 回访 records ``solved``."""
    case = problem.case
    for actor, step, extra in [
        (dispatcher, "accept", {}),
        (dispatcher, "dispatch", {"department": department}),
        (handler, "sign_and_start", {}),
        (handler, "reply", {"note": "已协调"}),
        (requester, "satisfied", {"solved": solved}),
    ]:
        case = do_transition(
            actor, Case.objects.get(pk=case.pk), step, now=at(f"{day} 15:00"), **extra
        )


@covered("investment.problems_solved")
def test_problems_solved_are_registered_in_the_period_and_confirmed_solved(
    users, agency, projects, department, station
):
    def problem(actor, project, title, day):
        return services.do_record_problem(actor, project, title=title, now=at(f"{day} 09:00"))

    town = (agency["officer"], agency["land"], agency["land_handler"], agency["investor_account"])
    power = problem(agency["officer"], projects["yingwang"], "施工用电", "2026-10-03")
    solve(power, *town, "2026-10-03", True)
    road = problem(agency["officer"], projects["yingwang"], "进场道路", "2026-10-04")
    solve(road, *town, "2026-10-04", False)  # closed, but not solved
    problem(agency["officer"], projects["slow"], "用水报装", "2026-10-05")  # still open
    early = problem(agency["officer"], projects["yingwang"], "九月的问题", "2026-09-29")
    solve(early, *town, "2026-09-29", True)  # registered before the period
    zhuma = problem(users["staff"], projects["zhuma"], "货车通行", "2026-10-06")
    solve(
        zhuma, users["staff"], department, users["handler"], users["enterprise"], "2026-10-06", True
    )
    # The station's problem of the same firm, solved in October: another module's record.
    call(users["enterprise"], station["liaison"], "用电报装", "2026-10-07", True)
    figure = "investment.problems_solved"

    assert value(figure, users["leader"], **OCTOBER) == 2  # 施工用电 and 货车通行
    assert rows(figure, users["leader"], **OCTOBER) == [zhuma, power]
    assert value(figure, users["staff"], **OCTOBER) == 1
    assert rows(figure, users["staff"], **OCTOBER) == [zhuma]
    assert value(figure, users["leader"]) == 3  # no period: 九月的问题 too


# --- 代办队走访企业 -----------------------------------------------------------------------


@covered("investment.visits")
def test_visits_are_the_officers_departments_visits_to_enterprises_in_the_period(
    users, agency, projects, enterprise, regions
):
    colleague = make_user(
        Role.STAFF, "daiban2", regions=[agency["town"]], department=agency["office"]
    )
    resident = Person.objects.create(
        name="黄宅村民",
        id_number=make_id_number("330726", D(1970, 1, 1), 11),
        region=agency["town"],
    )
    investor = agency["investor"]

    def visit(visitor, when, firm=None, person=None):
        return Visit.objects.create(
            visited_at=at(when),
            visitor=visitor,
            enterprise=firm,
            person=person,
            region=(firm or person).region,
            notes="走访",
        )

    own = visit(agency["officer"], "2026-10-01 00:30", investor)
    mate = visit(colleague, "2026-10-20 10:00", investor)  # same 代办队: counts
    visit(agency["officer"], "2026-09-30 23:30", investor)  # the day before
    visit(agency["officer"], "2026-10-05 10:00", person=resident)  # a person, not a firm
    visit(agency["land_handler"], "2026-10-06 10:00", investor)  # 县资规局 has no project
    zhuma = visit(users["staff"], "2026-10-31 23:00", enterprise)  # 竹马 project's officer
    figure = "investment.visits"

    assert value(figure, users["leader"], **OCTOBER) == 3
    assert rows(figure, users["leader"], **OCTOBER) == [zhuma, mate, own]
    assert value(figure, users["staff"], **OCTOBER) == 1
    assert rows(figure, users["staff"], **OCTOBER) == [zhuma]
    assert value(figure, users["leader"], region=agency["town"], **OCTOBER) == 2


# --- 揭榜挂帅 (stock: the period does not narrow them) ------------------------------------


@pytest.fixture
def tasks(agency, users, regions, projects):
    """Six key tasks due 20 October: claimed or not, accepted on time or late."""
    huangzhai = team(agency, "黄宅攻坚组")
    zhuma_leader = make_user(Role.STAFF, "竹马组长", regions=[regions["zhuma"]])
    zhuma = services.do_create_team(
        users["staff"], name="竹马攻坚组", town=regions["zhuma"], leader=zhuma_leader, members=[]
    )
    deadline = D(2026, 10, 20)

    def post(title, town=agency["town"], actor=agency["officer"]):
        return services.do_post_task(
            actor,
            title=title,
            goals=f"{title}目标",
            deadline=deadline,
            project=None,
            leader=agency["leader"],
            town=town,
            now=at("2026-09-01 09:00"),
        )

    def carry(task, crew, fulfilled=None, confirmed=None, release=False):
        services.do_claim_task(crew.leader, task, now=at("2026-09-02 09:00"))
        case = Case.objects.get(pk=task.case_id)
        if release:
            do_transition(crew.leader, case, "release", note="力量不足", now=at("2026-09-03 09:00"))
        if fulfilled:
            case = do_transition(crew.leader, case, "fulfil", note="已完成", now=at(fulfilled))
        if confirmed:
            do_transition(agency["leader"], case, "confirm", now=at(confirmed))

    on_time = post("征地政策处理")
    carry(on_time, huangzhai, "2026-10-18 10:00", "2026-10-20 23:30")  # on the deadline day
    late = post("拆迁安置")
    # 21 October 07:00 in 浦江 is still 20 October in UTC: late all the same.
    carry(late, huangzhai, "2026-10-19 10:00", "2026-10-21 07:00")
    post("沿江路提升改造")  # nobody has claimed it
    released = post("管线迁改")
    carry(released, huangzhai, release=True)  # claimed, then handed back
    waiting = post("道路白改黑")
    carry(waiting, huangzhai, "2026-10-19 10:00")  # done, not yet accepted
    ours = post("竹马厂区征迁", town=regions["zhuma"], actor=users["staff"])
    carry(ours, zhuma, "2026-10-14 10:00", "2026-10-15 10:00")
    return {"on_time": on_time, "late": late, "waiting": waiting, "ours": ours}


@covered("investment.tasks_claimed")
def test_tasks_claimed_are_those_a_team_holds_or_held_to_the_end(users, agency, tasks):
    figure = "investment.tasks_claimed"
    assert value(figure, users["leader"]) == 4  # not the unclaimed one, nor the handed back
    assert {t.case.title for t in rows(figure, users["leader"])} == {
        "征地政策处理",
        "拆迁安置",
        "道路白改黑",
        "竹马厂区征迁",
    }
    assert value(figure, users["staff"]) == 1  # 竹马 only
    assert [t.case.title for t in rows(figure, users["staff"])] == ["竹马厂区征迁"]
    assert value(figure, users["leader"], region=agency["town"]) == 3


@covered("investment.tasks_on_time")
def test_tasks_on_time_were_accepted_on_or_before_their_deadline(users, agency, tasks):
    figure = "investment.tasks_on_time"
    assert value(figure, users["leader"]) == 2  # 征地政策处理 and 竹马厂区征迁
    assert {t.case.title for t in rows(figure, users["leader"])} == {"征地政策处理", "竹马厂区征迁"}
    assert value(figure, users["staff"]) == 1
    assert value(figure, users["leader"], region=agency["town"]) == 1


def test_every_agency_figure_has_a_test_here():
    assert covered.codes == covered.registered()
