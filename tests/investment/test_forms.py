"""The agency's forms: a project, a matter on it, a problem from a visit, a key task."""

import datetime

from django.utils import timezone

from qinqing.core.models import Visit
from qinqing.investment.models import AgencyMatter, KeyTask, Project, ProjectProblem
from tests.conftest import client_for


def test_an_officer_registers_a_project_and_a_matter_on_it(agency):
    client = client_for(agency["officer"])
    assert client.get("/investment/projects/new/").status_code == 200
    response = client.post(
        "/investment/projects/new/",
        {
            "name": "盈旺二期项目",
            "investor": agency["investor"].pk,
            "total_investment": "80000",
            "industry_code": "3841",
            "town": agency["town"].code,
            "officer": agency["officer"].pk,
        },
    )
    project = Project.objects.get(name="盈旺二期项目")
    assert response.status_code == 302 and project.milestones.count() == 9
    response = client.post(
        f"/investment/projects/{project.pk}/matters/new/",
        {
            "title": "建设用地规划许可证",
            "department": agency["land"].pk,
            "legal_days": "7",
            "materials": "申请表\n出让合同\n",
            "milestone": project.milestones.get(kind="land_planning").pk,
        },
    )
    matter = AgencyMatter.objects.get()
    assert response.status_code == 302 and matter.materials.count() == 2
    assert matter.case.department == agency["land"]


def test_a_project_with_a_bad_investment_is_refused_naming_the_field(agency):
    response = client_for(agency["officer"]).post(
        "/investment/projects/new/",
        {"name": "坏项目", "investor": agency["investor"].pk, "total_investment": "-5"},
    )
    assert response.status_code == 422 and "应大于0" in response.content.decode()
    assert not Project.objects.exists()


def test_a_visit_raises_a_problem_from_the_project_page(agency, project):
    visit = Visit.objects.create(
        visited_at=timezone.now(),
        visitor=agency["officer"],
        enterprise=agency["investor"],
        region=agency["town"],
        notes="现场走访",
    )
    response = client_for(agency["officer"]).post(
        f"/investment/projects/{project.pk}/problems/new/",
        {"title": "施工用电接入慢", "visit": visit.pk},
    )
    assert response.status_code == 302
    assert ProjectProblem.objects.get().case.visit == visit


def test_an_officer_posts_a_key_task_with_sub_goals(agency, project):
    deadline = timezone.localdate() + datetime.timedelta(days=40)
    response = client_for(agency["officer"]).post(
        "/investment/tasks/new/",
        {
            "title": "拆迁安置",
            "goals": "完成 36 户拆迁安置",
            "deadline": deadline.isoformat(),
            "project": project.pk,
            "leader": agency["leader"].pk,
            "sub_goals": f"{deadline - datetime.timedelta(days=20)} 完成评估\n{deadline} 全部签约",
        },
    )
    assert response.status_code == 302
    task = KeyTask.objects.get()
    assert list(task.sub_goals.values_list("title", flat=True)) == ["完成评估", "全部签约"]
    assert task.case.requester == agency["leader"]
