"""The agency team's pages: planned milestone dates, land parcels and a new 攻坚小组."""

import datetime

from django.urls import reverse

from qinqing.core.models import Role
from qinqing.investment.models import MilestoneKind as K
from qinqing.investment.models import ProjectParcel, Team
from tests.conftest import client_for, make_user


def plan_url(project):
    return reverse("investment-project-plan", args=[project.pk])


def test_the_officer_plans_milestone_dates_and_the_timeline_shows_them(agency, project):
    client = client_for(agency["officer"])
    page = client.get(reverse("investment-project", args=[project.pk])).content.decode()
    assert plan_url(project) in page
    form = client.get(plan_url(project)).content.decode()
    assert "施工许可证 计划日期" in form and 'type="date"' in form
    response = client.post(
        plan_url(project),
        {K.SIGNING: "2026-11-05", K.DELISTING: "2026-12-01", K.START: "2026-12-08"},
    )
    assert response.status_code == 302
    planned = dict(project.milestones.values_list("kind", "planned_on"))
    assert planned[K.SIGNING] == datetime.date(2026, 11, 5)
    assert planned[K.START] == datetime.date(2026, 12, 8)
    assert planned[K.PROPERTY] is None
    page = client.get(reverse("investment-project", args=[project.pk])).content.decode()
    assert "2026-12-08" in page
    assert 'value="2026-12-08"' in client.get(plan_url(project)).content.decode()
    # Clearing a date clears the plan.
    client.post(plan_url(project), {K.SIGNING: "2026-11-05", K.DELISTING: "2026-12-01"})
    assert project.milestones.get(kind=K.START).planned_on is None


def test_a_plan_before_what_a_milestone_waits_for_is_refused_and_nothing_saved(agency, project):
    response = client_for(agency["officer"]).post(
        plan_url(project), {K.SIGNING: "2026-12-10", K.DELISTING: "2026-12-01"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "不能早于前置节点“签约”的计划日期" in body and "土地摘牌 计划日期" in body
    assert not project.milestones.filter(planned_on__isnull=False).exists()


def test_a_bad_date_names_the_milestone(agency, project):
    response = client_for(agency["officer"]).post(plan_url(project), {K.SIGNING: "明天"})
    assert response.status_code == 422
    assert "日期格式应为 2026-01-31" in response.content.decode()


def test_the_officer_adds_a_land_parcel(agency, project):
    client = client_for(agency["officer"])
    url = reverse("investment-parcel-create", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "黄宅镇2026-08号地块",
            "area_mu": "86.5",
            "delisted_on": "2026-08-20",
            "price": "5190",
        },
    )
    assert response.status_code == 302
    parcel = ProjectParcel.objects.get(project=project)
    assert parcel.area_mu == 86.5 and parcel.delisted_on == datetime.date(2026, 8, 20)
    page = client.get(reverse("investment-project", args=[project.pk])).content.decode()
    assert "黄宅镇2026-08号地块" in page


def test_a_parcel_with_no_area_is_refused_naming_the_field(agency, project):
    response = client_for(agency["officer"]).post(
        reverse("investment-parcel-create", args=[project.pk]),
        {"name": "坏地块", "area_mu": "0", "delisted_on": "2026-08-20", "price": "-1"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "应大于0" in body and "不能为负数" in body and "面积（亩）" in body
    assert not ProjectParcel.objects.exists()


def test_a_department_may_not_plan_or_add_parcels(agency, project):
    client = client_for(agency["land_handler"])
    assert client.get(plan_url(project)).status_code == 403
    url = reverse("investment-parcel-create", args=[project.pk])
    assert client.post(url, {"name": "x"}).status_code == 403


def test_another_towns_officer_gets_not_found(agency, project, regions):
    stranger = make_user(Role.STAFF, "zhuma", regions=[regions["zhuma"]])
    assert client_for(stranger).get(plan_url(project)).status_code == 404


def test_the_officer_forms_a_team_with_its_leader_and_members(agency):
    town = agency["town"]
    leader = make_user(Role.STAFF, "zuzhang", regions=[town])
    members = [make_user(Role.STAFF, f"zuyuan{i}", regions=[town]) for i in range(3)]
    client = client_for(agency["officer"])
    tasks_page = client.get(reverse("investment-tasks")).content.decode()
    assert reverse("investment-team-create") in tasks_page
    form = client.get(reverse("investment-team-create")).content.decode()
    assert 'type="checkbox"' in form and leader.display_name in form
    response = client.post(
        reverse("investment-team-create"),
        {
            "name": "征迁攻坚一组",
            "town": town.code,
            "leader": leader.pk,
            "members": [m.pk for m in members],
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="征迁攻坚一组")
    assert team.leader == leader and team.members.count() == 4  # the leader counts
    board = client.get(reverse("investment-tasks")).content.decode()
    assert "征迁攻坚一组" in board


def test_a_team_needs_a_name_and_a_unique_one(agency):
    leader = make_user(Role.STAFF, "zuzhang", regions=[agency["town"]])
    client = client_for(agency["officer"])
    data = {"name": "", "town": agency["town"].code, "leader": leader.pk}
    response = client.post(reverse("investment-team-create"), data)
    assert response.status_code == 422 and "小组名称" in response.content.decode()
    client.post(reverse("investment-team-create"), {**data, "name": "一组"})
    response = client.post(reverse("investment-team-create"), {**data, "name": "一组"})
    assert response.status_code == 422 and "已有同名的攻坚小组" in response.content.decode()
    assert Team.objects.count() == 1


def test_an_investor_account_cannot_lead_a_team(agency):
    response = client_for(agency["officer"]).post(
        reverse("investment-team-create"),
        {"name": "一组", "town": agency["town"].code, "leader": agency["investor_account"].pk},
    )
    assert response.status_code == 422 and "账号不存在" in response.content.decode()
    assert not Team.objects.exists()
