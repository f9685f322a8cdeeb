"""The enterprise service station: instant calls, the problem list, visits, land."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.cases.models import Case
from qinqing.core.models import Visit
from qinqing.core.services import Forbidden
from qinqing.enterprise.models import LandParcel, Problem
from qinqing.enterprise.services import (
    do_instant_call,
    do_record_problem,
    visit_schedule,
)
from tests.conftest import client_for


def test_an_instant_call_goes_straight_to_the_enterprises_liaison(users, station):
    case = do_instant_call(users["enterprise"], "招工难，急需20名操作工", urgent=True)

    assert case.case_type.code == "enterprise_call"
    assert case.state.code == "dispatched"
    assert case.assignee == station["liaison"]
    assert case.department == station["office"]
    assert [e.label for e in case.events.all()] == ["登记", "受理", "派单"]
    assert case.events.get(transition="accept").actor is None  # routed by the platform
    assert station["liaison"].notifications.filter(kind="case.assigned").exists()
    assert Problem.objects.get(case=case).source == "call"


def test_an_instant_call_must_be_answered_within_two_working_hours_and_closed_in_five_days(
    users, station
):
    from qinqing.cases import calendar

    case = do_instant_call(users["enterprise"], "停电")
    assert case.respond_due_at == calendar.add_working_hours(case.created_at, 2)
    assert case.due_at == calendar.add_working_days(case.created_at, 5)


def test_only_an_enterprise_account_can_make_an_instant_call(users, station):
    with pytest.raises(Forbidden):
        do_instant_call(users["staff"], "代企业呼叫")


def test_the_enterprise_sees_its_call_on_its_phone_and_the_liaison_can_sign_it(users, station):
    client = client_for(users["enterprise"])
    response = client.post("/station/call/", {"title": "子女入学咨询", "description": "三名员工"})
    case = Case.objects.get(title="子女入学咨询")
    assert response.status_code == 302
    assert client.get(f"/cases/{case.pk}/").status_code == 200

    liaison_page = client_for(station["liaison"]).get(f"/cases/{case.pk}/").content.decode()
    assert "签收" in liaison_page


def test_a_call_without_a_title_is_refused_with_the_field_named(users, station):
    response = client_for(users["enterprise"]).post("/station/call/", {"title": ""})
    assert response.status_code == 422
    assert "必填" in response.content.decode()
    assert not Case.objects.exists()


def test_the_problem_list_filters_and_exports_the_ledger(users, station, enterprise):
    do_record_problem(users["staff"], enterprise, title="员工子女入学", category="schooling")
    do_record_problem(users["staff"], enterprise, title="厂房租赁", category="housing")
    client = client_for(users["staff"])

    page = client.get("/station/problems/?category=schooling").content.decode()
    assert "员工子女入学" in page and "厂房租赁" not in page

    export = client.get("/station/problems/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "企业", "统一社会信用代码", "问题类别", "问题")
    assert {row[4] for row in rows[1:]} == {"员工子女入学", "厂房租赁"}


def test_another_county_cannot_see_the_problems(users, station, enterprise, regions):
    from tests.conftest import make_user

    do_record_problem(users["staff"], enterprise, title="土地征收进度", category="land")
    outsider = make_user("staff", "haiyan", regions=[regions["haiyan"]])
    assert "土地征收进度" not in client_for(outsider).get("/station/problems/").content.decode()


def test_the_visit_plan_lists_enterprises_never_or_long_ago_visited_as_due(
    users, station, enterprise
):
    today = datetime.date(2026, 11, 26)
    [row] = visit_schedule(station["liaison"], today=today)
    assert row["last_visit"] is None and row["overdue"] is False and row["due"] == today

    visited = timezone.make_aware(datetime.datetime(2026, 6, 1, 10))
    Visit.objects.create(
        visited_at=visited,
        visitor=station["liaison"],
        enterprise=enterprise,
        region=enterprise.region,
        notes="例行走访",
    )
    [row] = visit_schedule(station["liaison"], today=today)
    assert row["due"] == datetime.date(2026, 8, 30) and row["overdue"] is True


def test_the_land_ledger_adds_up_recovered_and_remediated_land(users, regions, enterprise):
    common = {"region": regions["zhuma"], "surveyed_on": datetime.date(2026, 3, 1)}
    LandParcel.objects.create(
        name="原砖厂地块", area_mu=120, kind="idle", status="recovered", **common
    )
    LandParcel.objects.create(
        name="东侧闲置地", area_mu=180, kind="idle", status="recovered", **common
    )
    LandParcel.objects.create(
        name="水泥厂低效用地",
        area_mu="56.54",
        kind="low_efficiency",
        status="remediated",
        enterprise=enterprise,
        **common,
    )

    page = client_for(users["staff"]).get("/station/land/").content.decode()
    assert "300.00" in page  # 已收回（亩）
    assert "56.54" in page


def test_the_station_home_shows_liaison_coverage(users, station, uncovered, other_enterprise):
    page = client_for(users["admin"]).get("/station/").content.decode()
    # Two 竹马 enterprises, one with a liaison; 海盐's is not the station's.
    assert "1/2" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("leader", 200),
        ("handler", 200),
        ("enterprise", 200),
        ("resident", 403),
    ],
)
def test_who_may_open_the_station(users, role, status):
    assert client_for(users[role]).get("/station/").status_code == status


def test_the_one_page_per_enterprise_shows_liaison_cases_and_grades(users, station, enterprise):
    do_record_problem(users["staff"], enterprise, title="融资需求", category="finance")
    page = client_for(users["staff"]).get(f"/station/enterprises/{enterprise.pk}/")
    html = page.content.decode()
    assert "liaison" in html and "融资需求" in html


def test_an_enterprise_cannot_open_another_enterprises_file(users, station, other_enterprise):
    response = client_for(users["enterprise"]).get(f"/station/enterprises/{other_enterprise.pk}/")
    assert response.status_code == 404


def test_a_problem_found_on_a_visit_is_listed_with_the_visit_as_its_source(
    users, station, enterprise
):
    visit = Visit.objects.create(
        visited_at=timezone.now(),
        visitor=station["liaison"],
        enterprise=enterprise,
        region=enterprise.region,
        notes="走访发现用工缺口",
    )
    client = client_for(station["liaison"])
    assert "列入问题清单" in client.get(f"/visits/{visit.pk}/").content.decode()
    response = client.post(
        f"/station/problems/new/?enterprise={enterprise.pk}&visit={visit.pk}",
        {
            "enterprise": enterprise.pk,
            "category": "labour",
            "title": "缺操作工15名",
            "priority": "normal",
            "visit": visit.pk,
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get(case__title="缺操作工15名")
    assert problem.source == "visit" and problem.case.visit == visit


def test_the_core_enterprise_page_links_to_the_station_file(users, enterprise):
    page = client_for(users["staff"]).get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert f"/station/enterprises/{enterprise.pk}/" in page


def test_the_station_counts_solved_only_as_confirmed_at_回访_apart_from_closed(users, station):
    from qinqing.cases.services import do_transition

    liaison = station["liaison"]
    for solved in (True, False):
        case = do_instant_call(users["enterprise"], f"诉求{solved}")
        case = do_transition(liaison, case, "sign_and_start")
        case = do_transition(liaison, case, "reply", note="已办理")
        do_transition(users["enterprise"], case, "satisfied", solved=solved)

    page = client_for(users["admin"]).get("/station/").content.decode()
    assert "<b>1</b><span>已解决</span>" in page
    assert "<b>2</b><span>已办结</span>" in page
    solved = client_for(users["admin"]).get("/station/problems/?state=solved").content.decode()
    assert "诉求True" in solved and "诉求False" not in solved


def test_a_routed_call_reaches_its_liaison_once_and_asks_no_dispatcher(users, station):
    from qinqing.core.models import Notification

    case = do_instant_call(users["enterprise"], "叉车故障，需要维修联系方式")
    notices = Notification.objects.filter(link=f"/cases/{case.pk}/")
    assert list(notices.values_list("recipient__username", "kind")) == [
        ("liaison", "case.assigned")
    ]
